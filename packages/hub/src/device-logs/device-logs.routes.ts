import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  API_PREFIX,
  appError,
  DEVICE_LOG_FILES_PATH,
  deviceLogListQuerySchema,
  deviceLogListSchema,
  deviceLogUploadResultSchema,
  errorBodySchema,
  idParamsSchema,
  JOB_TOKEN_HEADER,
  MAX_DEVICE_LOG_BYTES,
  sha256Schema,
  SHA256_HEADER,
} from '@tutti/protocol';
import { requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { jobTargetForFiles, openJobToken } from '../jobs/index.ts';
import {
  deviceLogFileName,
  getDeviceLog,
  listDeviceLogs,
  readDeviceLogContent,
  storeDeviceLog,
  zipJobLogs,
} from './device-logs.service.ts';

const uploadParamsSchema = z.strictObject({ targetId: z.uuid(), attempt: z.coerce.number().int().min(1) });

function headerOf(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function registerDeviceLogRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

  routes.get(
    `${API_PREFIX}/device-logs`,
    {
      schema: {
        tags: ['device-logs'],
        summary: 'Device logs collected by collect_logs jobs, of one device or one job, newest first',
        querystring: deviceLogListQuerySchema,
        response: { 200: deviceLogListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      return withTenant(context.db, auth.orgIds, (tx) => listDeviceLogs(tx, auth.orgId, request.query));
    },
  );

  routes.get(
    `${API_PREFIX}/device-logs/:id/download`,
    {
      schema: {
        tags: ['device-logs'],
        summary: 'Download one device log as text; its SHA-256 is checked before it is sent',
        params: idParamsSchema,
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'devices.view');
      const { log, content } = await withTenant(context.db, auth.orgIds, async (tx) => ({
        log: await getDeviceLog(tx, auth.orgId, request.params.id),
        content: await readDeviceLogContent(tx, auth.orgId, request.params.id),
      }));
      return reply
        .type('text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${deviceLogFileName(log)}"`)
        .header(SHA256_HEADER, log.sha256)
        .send(content);
    },
  );

  routes.get(
    `${API_PREFIX}/jobs/:id/logs.zip`,
    {
      schema: {
        tags: ['device-logs'],
        summary: 'Download a ZIP with the newest log of every device of a collect_logs job, one file per serial',
        params: idParamsSchema,
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'devices.view');
      const zip = await withTenant(context.db, auth.orgIds, (tx) => zipJobLogs(tx, auth.orgId, request.params.id));
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="device-logs-${request.params.id}.zip"`)
        .send(Buffer.from(zip));
    },
  );

  // Agents upload logs with their job's short-lived token, not with a user session.
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/octet-stream',
      { parseAs: 'buffer', bodyLimit: MAX_DEVICE_LOG_BYTES },
      (_request, body, done) => done(null, body),
    );
    const files = scope.withTypeProvider<ZodTypeProvider>();

    files.put(
      `${DEVICE_LOG_FILES_PATH}/:targetId/:attempt`,
      { schema: { params: uploadParamsSchema, response: { 200: deviceLogUploadResultSchema } } },
      async (request) => {
        if (!Buffer.isBuffer(request.body)) throw appError('UNSUPPORTED_MEDIA_TYPE');
        const sha256 = sha256Schema.safeParse(headerOf(request.headers[SHA256_HEADER]));
        if (!sha256.success) throw appError('VALIDATION_FAILED', { header: SHA256_HEADER });
        const { targetId, attempt } = request.params;
        const target = await jobTargetForFiles(context.db, targetId);
        const grant = openJobToken(
          context.secrets,
          headerOf(request.headers[JOB_TOKEN_HEADER]),
          `job:${target?.jobId ?? 'none'}`,
          context.clock.now().getTime(),
        );
        if (
          !target ||
          target.orgId !== grant.orgId ||
          target.agentId !== grant.agentId ||
          target.kind !== 'collect_logs'
        ) {
          throw appError('JOB_TOKEN_INVALID');
        }
        const content = request.body;
        return context.db.transaction((tx) =>
          storeDeviceLog(tx, {
            orgId: target.orgId,
            jobId: target.jobId,
            targetId,
            attempt,
            deviceId: target.deviceId,
            serial: target.serial,
            deviceName: target.deviceName,
            model: target.model,
            sha256: sha256.data,
            content,
          }),
        );
      },
    );
  });
}

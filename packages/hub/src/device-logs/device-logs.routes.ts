import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  API_PREFIX,
  DEVICE_LOG_FILES_PATH,
  deviceLogListQuerySchema,
  deviceLogListSchema,
  deviceLogUploadResultSchema,
  errorBodySchema,
  idParamsSchema,
  MAX_DEVICE_LOG_BYTES,
  SHA256_HEADER,
} from '@tutti/protocol';
import { requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { openTargetUpload } from '../jobs/index.ts';
import {
  deviceLogFileName,
  getDeviceLog,
  listDeviceLogs,
  readDeviceLogContent,
  storeDeviceLog,
  zipJobLogs,
} from './device-logs.service.ts';

const uploadParamsSchema = z.strictObject({ targetId: z.uuid(), attempt: z.coerce.number().int().min(1) });

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
        const { targetId, attempt } = request.params;
        const { target, sha256, content } = await openTargetUpload(context, request, targetId, 'collect_logs');
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
            sha256,
            content,
          }),
        );
      },
    );
  });
}

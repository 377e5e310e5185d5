import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  API_PREFIX,
  appError,
  BACKUP_FILES_PATH,
  backupDiffQuerySchema,
  backupDiffSchema,
  backupListQuerySchema,
  backupListSchema,
  backupUploadResultSchema,
  backupVerificationQuerySchema,
  backupVerificationSchema,
  errorBodySchema,
  idParamsSchema,
  JOB_ID_HEADER,
  JOB_TOKEN_HEADER,
  MAX_BACKUP_BYTES,
  SHA256_HEADER,
} from '@tutti/protocol';
import { requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { headerOf, jobRestoresBackup, openJobToken, openTargetUpload } from '../jobs/index.ts';
import {
  diffBackups,
  getBackup,
  listBackups,
  readBackupContent,
  storeBackup,
  verifyBackups,
} from './backups.service.ts';

const uploadParamsSchema = z.strictObject({ targetId: z.uuid(), attempt: z.coerce.number().int().min(1) });

export function registerBackupRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

  routes.get(
    `${API_PREFIX}/backups`,
    {
      schema: {
        tags: ['backups'],
        summary: 'Stored configuration backups, newest version first per device',
        querystring: backupListQuerySchema,
        response: { 200: backupListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      return withTenant(context.db, auth.orgIds, (tx) => listBackups(tx, auth.orgId, request.query.deviceId));
    },
  );

  routes.get(
    `${API_PREFIX}/backups/diff`,
    {
      schema: {
        tags: ['backups'],
        summary: 'The settings that differ between two backups: path, before, after (added, removed or changed)',
        querystring: backupDiffQuerySchema,
        response: { 200: backupDiffSchema, ...denied, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      return withTenant(context.db, auth.orgIds, (tx) =>
        diffBackups(tx, auth.orgId, request.query.from, request.query.to),
      );
    },
  );

  routes.get(
    `${API_PREFIX}/backups/verification`,
    {
      schema: {
        tags: ['backups'],
        summary: "Reads back every stored version of a device's configuration and checks it against its SHA-256",
        querystring: backupVerificationQuerySchema,
        response: { 200: backupVerificationSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      return withTenant(context.db, auth.orgIds, (tx) => verifyBackups(tx, auth.orgId, request.query.deviceId));
    },
  );

  routes.get(
    `${API_PREFIX}/backups/:id/download`,
    {
      schema: {
        tags: ['backups'],
        summary: 'Download one backup; its SHA-256 is checked before it is sent',
        params: idParamsSchema,
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'devices.view');
      const { backup, content } = await withTenant(context.db, auth.orgIds, async (tx) => ({
        backup: await getBackup(tx, auth.orgId, request.params.id),
        content: await readBackupContent(tx, auth.orgId, request.params.id),
      }));
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="${backup.serial}-v${backup.version}.pccp2x.xml"`)
        .header(SHA256_HEADER, backup.sha256)
        .send(content);
    },
  );

  // Agents move configuration files with their job's short-lived token, not with a user session.
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/octet-stream',
      { parseAs: 'buffer', bodyLimit: MAX_BACKUP_BYTES },
      (_request, body, done) => done(null, body),
    );
    const files = scope.withTypeProvider<ZodTypeProvider>();

    files.put(
      `${BACKUP_FILES_PATH}/:targetId/:attempt`,
      { schema: { params: uploadParamsSchema, response: { 200: backupUploadResultSchema } } },
      async (request) => {
        const { targetId, attempt } = request.params;
        const { target, sha256, content } = await openTargetUpload(context, request, targetId, 'backup');
        return context.db.transaction((tx) =>
          storeBackup(tx, {
            orgId: target.orgId,
            jobId: target.jobId,
            targetId,
            attempt,
            deviceId: target.deviceId,
            serial: target.serial,
            model: target.model,
            sha256,
            content,
          }),
        );
      },
    );

    files.get(`${BACKUP_FILES_PATH}/:id`, { schema: { params: idParamsSchema } }, async (request, reply) => {
      const jobId = headerOf(request.headers[JOB_ID_HEADER]) ?? 'none';
      const grant = openJobToken(
        context.secrets,
        headerOf(request.headers[JOB_TOKEN_HEADER]),
        `job:${jobId}`,
        context.clock.now().getTime(),
      );
      // Only a backup one of the job's targets restores.
      if (!(await jobRestoresBackup(context.db, grant.orgId, jobId, request.params.id)))
        throw appError('JOB_TOKEN_INVALID');
      const content = await readBackupContent(context.db, grant.orgId, request.params.id);
      const backup = await getBackup(context.db, grant.orgId, request.params.id);
      return reply.type('application/octet-stream').header(SHA256_HEADER, backup.sha256).send(content);
    });
  });
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  API_PREFIX,
  errorBodySchema,
  firmwareListSchema,
  firmwarePackageDtoSchema,
  firmwareCatalogImportSchema,
  idParamsSchema,
  importFirmwareCatalogRequestSchema,
  JOB_TOKEN_HEADER,
  MAX_FIRMWARE_CATALOG_BYTES,
  MAX_FIRMWARE_BYTES,
  uploadFirmwareRequestSchema,
} from '@tutti/protocol';
import { clientInfo, requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { FIRMWARE_FILE_PATH } from '../jobs/job-dispatcher.ts';
import { openJobToken } from '../jobs/job-tokens.ts';
import { importFirmwareCatalog } from './firmware-catalog.ts';
import { getFirmware, listFirmware, readFirmwareContent, uploadFirmware } from './firmware.service.ts';

export function registerFirmwareRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

  routes.get(
    `${API_PREFIX}/firmware`,
    {
      schema: {
        tags: ['firmware'],
        summary: 'The firmware catalog of the current organization',
        response: { 200: firmwareListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      return withTenant(context.db, auth.orgIds, (tx) => listFirmware(tx, auth.orgId));
    },
  );

  routes.get(
    `${API_PREFIX}/firmware/:id`,
    {
      schema: {
        tags: ['firmware'],
        summary: 'One firmware package of the catalog',
        params: idParamsSchema,
        response: { 200: firmwarePackageDtoSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      return withTenant(context.db, auth.orgIds, (tx) => getFirmware(tx, auth.orgId, request.params.id));
    },
  );

  routes.post(
    `${API_PREFIX}/firmware`,
    {
      // Base64 of the largest package, plus the other fields.
      bodyLimit: Math.ceil((MAX_FIRMWARE_BYTES * 4) / 3) + 64 * 1024,
      schema: {
        tags: ['firmware'],
        summary:
          'Upload a firmware package (model family, version, release notes, SHA-256); refused when the checksum, the package or the family does not match',
        body: uploadFirmwareRequestSchema,
        response: { 201: firmwarePackageDtoSchema, ...denied, 409: errorBodySchema, 413: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'firmware.manage');
      const created = await withTenant(context.db, auth.orgIds, (tx) =>
        uploadFirmware(tx, auth, request.body, clientInfo(request)),
      );
      return reply.status(201).send(created);
    },
  );

  routes.post(
    `${API_PREFIX}/firmware/import`,
    {
      bodyLimit: Math.ceil((MAX_FIRMWARE_CATALOG_BYTES * 4) / 3) + 64 * 1024,
      schema: {
        tags: ['firmware'],
        summary:
          'Import a catalog file (a ZIP with catalog.json and the packages): each package is checked like a single upload; the report lists what was added and what was refused and why',
        body: importFirmwareCatalogRequestSchema,
        response: { 200: firmwareCatalogImportSchema, ...denied, 413: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'firmware.manage');
      return withTenant(context.db, auth.orgIds, (tx) =>
        importFirmwareCatalog(tx, auth, request.body, clientInfo(request)),
      );
    },
  );

  // Agents fetch the image of a firmware job here with the job's short-lived token, not with a user session.
  routes.get(`${FIRMWARE_FILE_PATH}/:id`, { schema: { params: idParamsSchema } }, async (request, reply) => {
    const header = request.headers[JOB_TOKEN_HEADER];
    const grant = openJobToken(
      context.secrets,
      typeof header === 'string' ? header : undefined,
      `firmware:${request.params.id}`,
      context.clock.now().getTime(),
    );
    const content = await readFirmwareContent(context.db, grant.orgId, request.params.id);
    return reply.type('application/octet-stream').header('content-length', content.byteLength).send(content);
  });
}

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  API_PREFIX,
  appError,
  CONFIGURATION_FILES_PATH,
  configurationDtoSchema,
  configurationListSchema,
  errorBodySchema,
  idParamsSchema,
  JOB_ID_HEADER,
  JOB_TOKEN_HEADER,
  MAX_CONFIGURATION_BYTES,
  renameConfigurationRequestSchema,
  SHA256_HEADER,
  uploadConfigurationRequestSchema,
} from '@tutti/protocol';
import { clientInfo, requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import { sha256Hex } from '../firmware/index.ts';
import type { HubContext } from '../hub-context.ts';
import { headerOf, jobLoadsConfiguration, openJobToken } from '../jobs/index.ts';
import {
  deleteConfiguration,
  getConfiguration,
  listConfigurations,
  readConfigurationFile,
  readConfigurationProject,
  renameConfiguration,
  uploadConfiguration,
} from './configurations.service.ts';

/** A file name safe inside a quoted content-disposition header. */
const safeFileName = (name: string) => name.replace(/[^\w.-]+/g, '_');

export function registerConfigurationRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

  routes.get(
    `${API_PREFIX}/configurations`,
    {
      schema: {
        tags: ['configurations'],
        summary: "The organization's configuration library (project files by model)",
        response: { 200: configurationListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      return withTenant(context.db, auth.orgIds, (tx) => listConfigurations(tx, auth.orgId));
    },
  );

  routes.post(
    `${API_PREFIX}/configurations`,
    {
      bodyLimit: Math.ceil((MAX_CONFIGURATION_BYTES * 4) / 3) + 64 * 1024,
      schema: {
        tags: ['configurations'],
        summary:
          'Upload a project file (a ZIP holding one project XML) to the library; refused when the checksum, the file or the model does not match',
        body: uploadConfigurationRequestSchema,
        response: { 201: configurationDtoSchema, ...denied, 413: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'devices.control');
      const created = await withTenant(context.db, auth.orgIds, (tx) =>
        uploadConfiguration(tx, auth, request.body, clientInfo(request)),
      );
      return reply.status(201).send(created);
    },
  );

  routes.patch(
    `${API_PREFIX}/configurations/:id`,
    {
      schema: {
        tags: ['configurations'],
        summary: 'Rename a project file of the library',
        params: idParamsSchema,
        body: renameConfigurationRequestSchema,
        response: { 200: configurationDtoSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.control');
      return withTenant(context.db, auth.orgIds, (tx) =>
        renameConfiguration(tx, auth, request.params.id, request.body, clientInfo(request)),
      );
    },
  );

  routes.delete(
    `${API_PREFIX}/configurations/:id`,
    {
      schema: {
        tags: ['configurations'],
        summary: 'Delete a project file from the library; refused while a running or halted job loads it',
        params: idParamsSchema,
        response: { 204: z.null(), ...denied, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'devices.control');
      await withTenant(context.db, auth.orgIds, (tx) =>
        deleteConfiguration(tx, auth, request.params.id, clientInfo(request)),
      );
      return reply.status(204).send(null);
    },
  );

  routes.get(
    `${API_PREFIX}/configurations/:id/download`,
    {
      schema: {
        tags: ['configurations'],
        summary: 'Download a project file of the library; its SHA-256 is checked before it is sent',
        params: idParamsSchema,
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'devices.view');
      const { configuration, content } = await withTenant(context.db, auth.orgIds, async (tx) => ({
        configuration: await getConfiguration(tx, auth.orgId, request.params.id),
        content: await readConfigurationFile(tx, auth.orgId, request.params.id),
      }));
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="${safeFileName(configuration.fileName)}"`)
        .header(SHA256_HEADER, configuration.sha256)
        .send(content);
    },
  );

  // Agents fetch the project of a config_load job with the job's short-lived token: the XML the device loads.
  routes.get(`${CONFIGURATION_FILES_PATH}/:id`, { schema: { params: idParamsSchema } }, async (request, reply) => {
    const jobId = headerOf(request.headers[JOB_ID_HEADER]) ?? 'none';
    const grant = openJobToken(
      context.secrets,
      headerOf(request.headers[JOB_TOKEN_HEADER]),
      `job:${jobId}`,
      context.clock.now().getTime(),
    );
    if (!(await jobLoadsConfiguration(context.db, grant.orgId, jobId, request.params.id))) {
      throw appError('JOB_TOKEN_INVALID');
    }
    const project = await readConfigurationProject(context.db, grant.orgId, request.params.id);
    return reply.type('application/octet-stream').header(SHA256_HEADER, sha256Hex(project)).send(project);
  });
}

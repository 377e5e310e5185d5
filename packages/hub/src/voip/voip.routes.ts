import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  API_PREFIX,
  errorBodySchema,
  idParamsSchema,
  jobDetailSchema,
  MAX_VOIP_CSV_BYTES,
  provisionVoipRequestSchema,
  voipCsvPreviewSchema,
  voipCsvRequestSchema,
  voipLinesSchema,
} from '@tutti/protocol';
import { clientInfo, requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { getVoipLines, previewVoipCsv, provisionVoip, provisionVoipCsv } from './voip.service.ts';

/** The CSV travels as a JSON string: room for escaping on top of the file's own limit. */
const CSV_BODY_LIMIT = MAX_VOIP_CSV_BYTES * 2 + 64 * 1024;

export function registerVoipRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

  routes.get(
    `${API_PREFIX}/devices/:id/voip`,
    {
      schema: {
        tags: ['voip'],
        summary: "A device's VoIP lines: account (never the password), registration state with its reason, since when",
        params: idParamsSchema,
        response: { 200: voipLinesSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      return withTenant(context.db, auth.orgIds, (tx) => getVoipLines(tx, auth.orgId, request.params.id));
    },
  );

  routes.post(
    `${API_PREFIX}/devices/:id/voip`,
    {
      schema: {
        tags: ['voip'],
        summary:
          'Provision VoIP lines of one device: a voip_provision job writes them, restarts VoIP, reports registration',
        params: idParamsSchema,
        body: provisionVoipRequestSchema,
        response: { 201: jobDetailSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'voip.provision');
      const job = await withTenant(context.db, auth.orgIds, (tx) =>
        provisionVoip(
          tx,
          auth,
          request.params.id,
          request.body.lines,
          context.secrets,
          clientInfo(request),
          context.clock.now(),
        ),
      );
      await context.jobs.pump(job.id);
      return reply.status(201).send(job);
    },
  );

  routes.post(
    `${API_PREFIX}/voip/csv/preview`,
    {
      bodyLimit: CSV_BODY_LIMIT,
      schema: {
        tags: ['voip'],
        summary: 'Dry run of a provisioning CSV: every row checked (values, device, line), nothing stored',
        body: voipCsvRequestSchema,
        response: { 200: voipCsvPreviewSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'voip.provision');
      return withTenant(context.db, auth.orgIds, (tx) => previewVoipCsv(tx, auth, request.body.csv));
    },
  );

  routes.post(
    `${API_PREFIX}/voip/csv/jobs`,
    {
      bodyLimit: CSV_BODY_LIMIT,
      schema: {
        tags: ['voip'],
        summary: 'Provision every row of a CSV as one job (a target per device); refused while any row has an error',
        body: voipCsvRequestSchema,
        response: { 201: jobDetailSchema, ...denied },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'voip.provision');
      const job = await withTenant(context.db, auth.orgIds, (tx) =>
        provisionVoipCsv(tx, auth, request.body.csv, context.secrets, clientInfo(request), context.clock.now()),
      );
      await context.jobs.pump(job.id);
      return reply.status(201).send(job);
    },
  );
}

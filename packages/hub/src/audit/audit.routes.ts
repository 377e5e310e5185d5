import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_PREFIX, auditListQuerySchema, auditListSchema, errorBodySchema } from '@tutti/protocol';
import { requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { exportAuditCsv, listAudit } from './audit.service.ts';

export function registerAuditRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

  routes.get(
    `${API_PREFIX}/audit`,
    {
      schema: {
        tags: ['audit'],
        summary:
          "The current organization's audit log, newest first; filter by actor, action prefix, target, address, dates",
        querystring: auditListQuerySchema,
        response: { 200: auditListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'audit.view');
      return withTenant(context.db, auth.orgIds, (tx) => listAudit(tx, auth.orgId, request.query));
    },
  );

  routes.get(
    `${API_PREFIX}/audit/export.csv`,
    {
      schema: {
        tags: ['audit'],
        summary: 'The filtered audit log as CSV, oldest first (page and limit are ignored)',
        querystring: auditListQuerySchema,
        produces: ['text/csv'],
        response: { 200: z.string(), ...denied },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'audit.view');
      const csv = await withTenant(context.db, auth.orgIds, (tx) => exportAuditCsv(tx, auth.orgId, request.query));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit.csv"')
        .send(csv);
    },
  );
}

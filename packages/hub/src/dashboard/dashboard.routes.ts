import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API_PREFIX, dashboardSchema, errorBodySchema } from '@tutti/protocol';
import { requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { getDashboard } from './dashboard.service.ts';

export function registerDashboardRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    `${API_PREFIX}/dashboard`,
    {
      schema: {
        tags: ['devices'],
        summary: 'Dashboard numbers: devices Down / Issues / Healthy, by model, by server, recent status changes',
        response: { 200: dashboardSchema, 401: errorBodySchema, 403: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      return withTenant(context.db, auth.orgIds, (tx) => getDashboard(tx, auth.orgId));
    },
  );
}

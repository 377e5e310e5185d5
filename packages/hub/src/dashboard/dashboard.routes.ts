import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API_PREFIX, dashboardSchema, errorBodySchema } from '@tutti/protocol';
import { requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { listOrganizations } from '../orgs/index.ts';
import { clientSummaries, getDashboard } from './dashboard.service.ts';

/** The most client organizations one support dashboard sums up. */
const MAX_CLIENTS = 500;

export function registerDashboardRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    `${API_PREFIX}/dashboard`,
    {
      schema: {
        tags: ['devices'],
        summary:
          'Dashboard numbers: devices Down / Issues / Healthy, by model, by server, by location, per client ' +
          'organization (support organizations), recent status changes',
        response: { 200: dashboardSchema, 401: errorBodySchema, 403: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      const { dashboard, clients } = await withTenant(context.db, auth.orgIds, async (tx) => ({
        dashboard: await getDashboard(tx, auth.orgId),
        clients: auth.permissions.includes('orgs.view')
          ? (await listOrganizations(tx, auth, { sort: 'name', page: 1, limit: MAX_CLIENTS })).items
          : [],
      }));
      if (clients.length === 0) return dashboard;
      // The support organization reads its clients' devices: a scope of its own plus exactly those clients.
      const scope = [auth.orgId, ...clients.map((client) => client.id)];
      return { ...dashboard, clients: await withTenant(context.db, scope, (tx) => clientSummaries(tx, clients)) };
    },
  );
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  API_PREFIX,
  deviceDetailSchema,
  deviceExportQuerySchema,
  deviceHistoryQuerySchema,
  deviceHistorySchema,
  deviceListQuerySchema,
  deviceListSchema,
  devicePageSchema,
  errorBodySchema,
} from '@tutti/protocol';
import { requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { exportDevicesCsv, getDeviceDetail, getDeviceHistory, listDevicesOf } from './devices.service.ts';

const deviceParamsSchema = z.strictObject({ id: z.string().max(64) });

export function registerDeviceRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    `${API_PREFIX}/devices`,
    {
      schema: {
        tags: ['devices'],
        summary: 'Devices of the current organization: search, filter, sort, page',
        querystring: deviceListQuerySchema,
        response: {
          200: z.union([deviceListSchema, devicePageSchema]),
          400: errorBodySchema,
          401: errorBodySchema,
          403: errorBodySchema,
        },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      return withTenant(context.db, auth.orgIds, (tx) => listDevicesOf(tx, auth.orgId, request.query));
    },
  );

  routes.get(
    `${API_PREFIX}/devices/export.csv`,
    {
      schema: {
        tags: ['devices'],
        summary: 'The filtered, sorted device list as CSV with the chosen columns (up to 100,000 rows)',
        querystring: deviceExportQuerySchema,
        produces: ['text/csv'],
        response: { 200: z.string(), 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'devices.view');
      const csv = await withTenant(context.db, auth.orgIds, (tx) => exportDevicesCsv(tx, auth.orgId, request.query));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="devices.csv"')
        .send(csv);
    },
  );

  routes.get(
    `${API_PREFIX}/devices/:id`,
    {
      schema: {
        tags: ['devices'],
        summary: 'One device: identity, connections path, host or peripherals, and the members of its stack',
        params: deviceParamsSchema,
        response: { 200: deviceDetailSchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      return withTenant(context.db, auth.orgIds, (tx) => getDeviceDetail(tx, auth.orgId, request.params.id));
    },
  );

  routes.get(
    `${API_PREFIX}/devices/:id/history`,
    {
      schema: {
        tags: ['devices'],
        summary: "A device's status timeline, newest first, paged with a cursor",
        params: deviceParamsSchema,
        querystring: deviceHistoryQuerySchema,
        response: {
          200: deviceHistorySchema,
          400: errorBodySchema,
          401: errorBodySchema,
          403: errorBodySchema,
          404: errorBodySchema,
        },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      return withTenant(context.db, auth.orgIds, (tx) =>
        getDeviceHistory(tx, auth.orgId, request.params.id, request.query),
      );
    },
  );
}

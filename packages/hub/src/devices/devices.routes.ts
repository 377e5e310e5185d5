import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_PREFIX, deviceDtoSchema, deviceListQuerySchema, deviceListSchema, errorBodySchema } from '@tutti/protocol';
import { requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { getDevice, listDevicesOf } from './devices.service.ts';

export function registerDeviceRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    `${API_PREFIX}/devices`,
    {
      schema: {
        tags: ['devices'],
        summary: 'Devices of the current organization: search, filter, sort, page',
        querystring: deviceListQuerySchema,
        response: { 200: deviceListSchema, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      return withTenant(context.db, auth.orgIds, (tx) => listDevicesOf(tx, auth.orgId, request.query));
    },
  );

  routes.get(
    `${API_PREFIX}/devices/:id`,
    {
      schema: {
        tags: ['devices'],
        summary: 'One device',
        params: z.strictObject({ id: z.string().max(64) }),
        response: { 200: deviceDtoSchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      return withTenant(context.db, auth.orgIds, (tx) => getDevice(tx, auth.orgId, request.params.id));
    },
  );
}

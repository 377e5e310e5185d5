import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  API_PREFIX,
  assignLocationRequestSchema,
  assignLocationResultSchema,
  createLocationRequestSchema,
  deleteLocationResultSchema,
  errorBodySchema,
  idParamsSchema,
  locationDtoSchema,
  locationListSchema,
  updateLocationRequestSchema,
} from '@tutti/protocol';
import { clientInfo, requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import { deviceDtosByIds } from '../devices/index.ts';
import type { HubContext } from '../hub-context.ts';
import {
  assignDevicesToLocation,
  createLocation,
  deleteLocationOf,
  listLocations,
  updateLocationOf,
} from './locations.service.ts';

export function registerLocationRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

  /** Browsers showing these devices see their new location without a reload. */
  const publishMoved = async (orgId: string, deviceIds: string[]) => {
    if (deviceIds.length === 0) return;
    context.bus.publish({ orgId, devices: await deviceDtosByIds(context.db, orgId, deviceIds) });
  };

  routes.get(
    `${API_PREFIX}/locations`,
    {
      schema: {
        tags: ['locations'],
        summary: 'The location tree of the current organization with device counts rolled up per node',
        response: { 200: locationListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      return withTenant(context.db, auth.orgIds, (tx) => listLocations(tx, auth.orgId));
    },
  );

  routes.post(
    `${API_PREFIX}/locations`,
    {
      schema: {
        tags: ['locations'],
        summary: 'Add a location (building, floor, room or other) at the top level or below another',
        body: createLocationRequestSchema,
        response: { 201: locationDtoSchema, ...denied, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'locations.manage');
      const created = await withTenant(context.db, auth.orgIds, (tx) =>
        createLocation(tx, auth, request.body, clientInfo(request)),
      );
      return reply.status(201).send(created);
    },
  );

  routes.patch(
    `${API_PREFIX}/locations/:id`,
    {
      schema: {
        tags: ['locations'],
        summary: 'Rename, change the kind, reorder, or move a location under another (never into itself)',
        params: idParamsSchema,
        body: updateLocationRequestSchema,
        response: { 200: locationDtoSchema, ...denied, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'locations.manage');
      return withTenant(context.db, auth.orgIds, (tx) =>
        updateLocationOf(tx, auth, request.params.id, request.body, clientInfo(request)),
      );
    },
  );

  routes.delete(
    `${API_PREFIX}/locations/:id`,
    {
      schema: {
        tags: ['locations'],
        summary:
          'Delete a location: its devices and sub-locations move to its parent (devices become unassigned at the top)',
        params: idParamsSchema,
        response: { 200: deleteLocationResultSchema, ...denied, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'locations.manage');
      const { result, movedDeviceIds } = await withTenant(context.db, auth.orgIds, (tx) =>
        deleteLocationOf(tx, auth, request.params.id, clientInfo(request)),
      );
      await publishMoved(auth.orgId, movedDeviceIds);
      return result;
    },
  );

  routes.post(
    `${API_PREFIX}/locations/assign`,
    {
      schema: {
        tags: ['locations'],
        summary: 'Put devices into a location, or take them out of any (locationId null); all or nothing',
        body: assignLocationRequestSchema,
        response: { 200: assignLocationResultSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'locations.manage');
      const { result, deviceIds } = await withTenant(context.db, auth.orgIds, (tx) =>
        assignDevicesToLocation(tx, auth, request.body, clientInfo(request)),
      );
      await publishMoved(auth.orgId, deviceIds);
      return result;
    },
  );
}

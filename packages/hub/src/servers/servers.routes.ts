import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  API_PREFIX,
  createServerRequestSchema,
  errorBodySchema,
  idParamsSchema,
  serverDtoSchema,
  serverListQuerySchema,
  serverListSchema,
  serverPasswordRequestSchema,
  updateServerRequestSchema,
} from '@tutti/protocol';
import { clientInfo, requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { createServer, getServer, listServers, setServerEnabled, setServerPasswordOf } from './servers.service.ts';

export function registerServerRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

  routes.get(
    `${API_PREFIX}/servers`,
    {
      schema: {
        tags: ['servers'],
        summary: 'Local Agent server accounts of the current organization: search, filter, sort, page',
        querystring: serverListQuerySchema,
        response: { 200: serverListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'servers.view');
      return withTenant(context.db, auth.orgIds, (tx) => listServers(tx, auth.orgId, request.query));
    },
  );

  routes.get(
    `${API_PREFIX}/servers/:id`,
    {
      schema: {
        tags: ['servers'],
        summary: 'One server account',
        params: idParamsSchema,
        response: { 200: serverDtoSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'servers.view');
      return withTenant(context.db, auth.orgIds, (tx) => getServer(tx, auth.orgId, request.params.id));
    },
  );

  routes.post(
    `${API_PREFIX}/servers`,
    {
      schema: {
        tags: ['servers'],
        summary: 'Add an agent server account (name unique within the organization; password policy and confirmation)',
        body: createServerRequestSchema,
        response: { 201: serverDtoSchema, ...denied, 409: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'servers.manage');
      const created = await withTenant(context.db, auth.orgIds, (tx) =>
        createServer(tx, auth, request.body, clientInfo(request)),
      );
      return reply.status(201).send(created);
    },
  );

  routes.put(
    `${API_PREFIX}/servers/:id/password`,
    {
      schema: {
        tags: ['servers'],
        summary: 'Set a new password for an agent server account',
        params: idParamsSchema,
        body: serverPasswordRequestSchema,
        response: { 204: z.null(), ...denied, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'servers.manage');
      await withTenant(context.db, auth.orgIds, (tx) =>
        setServerPasswordOf(tx, auth, request.params.id, request.body, clientInfo(request)),
      );
      return reply.status(204).send(null);
    },
  );

  routes.patch(
    `${API_PREFIX}/servers/:id`,
    {
      schema: {
        tags: ['servers'],
        summary: 'Enable or disable an agent server account',
        params: idParamsSchema,
        body: updateServerRequestSchema,
        response: { 200: serverDtoSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'servers.manage');
      const server = await withTenant(context.db, auth.orgIds, (tx) =>
        setServerEnabled(tx, auth, request.params.id, request.body.enabled, clientInfo(request)),
      );
      // After commit: a disabled agent's live link ends now, not at its next reconnect.
      if (!server.enabled) context.agentLinks.closeDisabled(server.id);
      return server;
    },
  );
}

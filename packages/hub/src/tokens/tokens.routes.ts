import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  API_PREFIX,
  apiTokenListSchema,
  createApiTokenRequestSchema,
  createdApiTokenSchema,
  errorBodySchema,
  idParamsSchema,
} from '@tutti/protocol';
import { clientInfo, requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { createApiToken, listTokens, revokeToken } from './tokens.service.ts';

export function registerTokenRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

  routes.get(
    `${API_PREFIX}/tokens`,
    {
      schema: {
        tags: ['tokens'],
        summary: 'API tokens of the current organization (never the secrets)',
        response: { 200: apiTokenListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'tokens.manage');
      return { items: await withTenant(context.db, auth.orgIds, (tx) => listTokens(tx, auth.orgId)) };
    },
  );

  routes.post(
    `${API_PREFIX}/tokens`,
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token with a role in the current organization; the token is shown only here',
        body: createApiTokenRequestSchema,
        response: { 201: createdApiTokenSchema, ...denied },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'tokens.manage');
      const created = await withTenant(context.db, auth.orgIds, (tx) =>
        createApiToken(tx, auth, request.body, clientInfo(request)),
      );
      return reply.status(201).send(created);
    },
  );

  routes.delete(
    `${API_PREFIX}/tokens/:id`,
    {
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token',
        params: idParamsSchema,
        response: { 204: z.null(), ...denied, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'tokens.manage');
      await withTenant(context.db, auth.orgIds, (tx) => revokeToken(tx, auth, request.params.id, clientInfo(request)));
      return reply.status(204).send(null);
    },
  );
}

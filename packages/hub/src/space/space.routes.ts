import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  API_PREFIX,
  errorBodySchema,
  idParamsSchema,
  spaceAccountDtoSchema,
  spaceAccountListSchema,
  spaceCallbackQuerySchema,
  spaceDirectorySchema,
  spaceLinkStartSchema,
} from '@tutti/protocol';
import { clientInfo, requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import {
  checkSpaceAccount,
  completeSpaceLink,
  listSpaceAccounts,
  refreshDueSpaceTokens,
  REFRESH_SWEEP_MS,
  spaceDirectory,
  startSpaceLink,
  unlinkSpaceAccount,
} from './space.service.ts';

const CALLBACK_PATH = `${API_PREFIX}/space/callback`;

/**
 * The service sends the browser back to the origin it started from, where its session cookie lives; the service
 * itself checks the URI against the ones registered for the hub's client id.
 */
function redirectUriOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${CALLBACK_PATH}`;
}

export function registerSpaceRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };
  if (context.config.spaceBaseUrl) {
    context.scheduler.every('space.refresh-tokens', REFRESH_SWEEP_MS, ({ tickAt }) =>
      refreshDueSpaceTokens(context, tickAt),
    );
  }

  routes.get(
    `${API_PREFIX}/space/accounts`,
    {
      schema: {
        tags: ['space'],
        summary: 'Linked COLLABORATE Space accounts with their link state and status',
        response: { 200: spaceAccountListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'space.manage');
      return withTenant(context.db, auth.orgIds, (tx) => listSpaceAccounts(tx, auth.orgId));
    },
  );

  routes.post(
    `${API_PREFIX}/space/link`,
    {
      schema: {
        tags: ['space'],
        summary: 'Start linking an account: OAuth2 authorization code with PKCE; open the returned URL in the browser',
        response: { 200: spaceLinkStartSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'space.manage');
      return startSpaceLink(context, auth, redirectUriOf(request));
    },
  );

  routes.get(
    CALLBACK_PATH,
    {
      schema: {
        tags: ['space'],
        summary: 'Where the COLLABORATE Space service returns the browser; redirects to the Space screen',
        querystring: spaceCallbackQuerySchema,
        response: { 302: z.null(), ...denied, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'space.manage');
      const target = await completeSpaceLink(context, auth, request.query, redirectUriOf(request), clientInfo(request));
      return reply.redirect(target, 302);
    },
  );

  routes.post(
    `${API_PREFIX}/space/accounts/:id/check`,
    {
      schema: {
        tags: ['space'],
        summary: "Ask the service for the account's status now (tokens are refreshed first when they are due)",
        params: idParamsSchema,
        response: {
          200: spaceAccountDtoSchema,
          ...denied,
          404: errorBodySchema,
          409: errorBodySchema,
          502: errorBodySchema,
        },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'space.manage');
      return checkSpaceAccount(context, auth.orgId, request.params.id);
    },
  );

  routes.get(
    `${API_PREFIX}/space/accounts/:id/directory`,
    {
      schema: {
        tags: ['space'],
        summary: 'Rooms and users of a linked account',
        params: idParamsSchema,
        response: {
          200: spaceDirectorySchema,
          ...denied,
          404: errorBodySchema,
          409: errorBodySchema,
          502: errorBodySchema,
        },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'space.manage');
      return spaceDirectory(context, auth.orgId, request.params.id);
    },
  );

  routes.delete(
    `${API_PREFIX}/space/accounts/:id`,
    {
      schema: {
        tags: ['space'],
        summary: 'Unlink an account (its tokens are forgotten)',
        params: idParamsSchema,
        response: { 204: z.null(), ...denied, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'space.manage');
      await unlinkSpaceAccount(context.db, auth, request.params.id, clientInfo(request));
      return reply.status(204).send(null);
    },
  );
}

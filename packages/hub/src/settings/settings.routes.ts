import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  API_PREFIX,
  changePasswordRequestSchema,
  errorBodySchema,
  personalSettingsSchema,
  updatePersonalSettingsSchema,
} from '@tutti/protocol';
import {
  changePassword,
  clientInfo,
  getPersonalSettings,
  requireSession,
  updatePersonalSettings,
} from '../auth/index.ts';
import type { HubContext } from '../hub-context.ts';

/**
 * Settings > My Account: the signed-in person's own record. Not tenant data (a person spans organizations), so it
 * runs as system work scoped by the session's user id, like sign-in (ADR 003).
 */
export function registerSettingsRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

  routes.get(
    `${API_PREFIX}/me/settings`,
    {
      schema: {
        tags: ['settings'],
        summary: 'Your name, language and SMS number',
        response: { 200: personalSettingsSchema, ...denied },
      },
    },
    async (request) => getPersonalSettings(context.db, requireSession(request)),
  );

  routes.patch(
    `${API_PREFIX}/me/settings`,
    {
      schema: {
        tags: ['settings'],
        summary: 'Change your name, language or SMS number (E.164; null removes it)',
        body: updatePersonalSettingsSchema,
        response: { 200: personalSettingsSchema, ...denied },
      },
    },
    async (request) => updatePersonalSettings(context.db, requireSession(request), request.body, clientInfo(request)),
  );

  routes.post(
    `${API_PREFIX}/me/password`,
    {
      schema: {
        tags: ['settings'],
        summary: 'Change your password; your other sessions are signed out',
        body: changePasswordRequestSchema,
        response: { 204: z.null(), ...denied, 429: errorBodySchema },
      },
    },
    async (request, reply) => {
      await changePassword(
        context.db,
        context.signInLimiter,
        requireSession(request),
        request.body,
        clientInfo(request),
      );
      return reply.status(204).send(null);
    },
  );
}

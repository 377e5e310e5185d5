import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  API_PREFIX,
  appError,
  errorBodySchema,
  SESSION_COOKIE,
  sessionInfoSchema,
  signInRequestSchema,
} from '@tutti/protocol';
import type { HubContext } from '../hub-context.ts';
import {
  currentSessionInfo,
  resolveSession,
  signIn,
  signOut,
  type AuthContext,
  type ClientInfo,
} from './auth.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

export function clientInfo(request: FastifyRequest): ClientInfo {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
}

/** The caller's auth context, or a 401 for anonymous requests. */
export function requireAuth(request: FastifyRequest): AuthContext {
  if (!request.auth) throw appError('UNAUTHENTICATED');
  return request.auth;
}

export function registerAuth(app: FastifyInstance, context: HubContext): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    request.auth = token ? await resolveSession(context.db, token) : null;
  });

  const clearCookie = (reply: FastifyReply) =>
    reply.clearCookie(SESSION_COOKIE, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: context.config.secureCookies,
    });

  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.post(
    `${API_PREFIX}/auth/sign-in`,
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; sets the session cookie',
        body: signInRequestSchema,
        response: { 200: sessionInfoSchema, 401: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (request, reply) => {
      const result = await signIn(context.db, context.signInLimiter, request.body, clientInfo(request));
      void reply.setCookie(SESSION_COOKIE, result.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: context.config.secureCookies,
        ...(result.persistent ? { expires: result.expiresAt } : {}),
      });
      return result.info;
    },
  );

  routes.post(
    `${API_PREFIX}/auth/sign-out`,
    {
      schema: {
        tags: ['auth'],
        summary: 'End the current session',
        body: z.strictObject({}).optional(),
        response: { 204: z.null(), 401: errorBodySchema },
      },
    },
    async (request, reply) => {
      await signOut(context.db, requireAuth(request), clientInfo(request));
      clearCookie(reply);
      return reply.status(204).send(null);
    },
  );

  routes.get(
    `${API_PREFIX}/auth/me`,
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user and their organizations',
        response: { 200: sessionInfoSchema, 401: errorBodySchema },
      },
    },
    async (request) => currentSessionInfo(context.db, requireAuth(request)),
  );
}

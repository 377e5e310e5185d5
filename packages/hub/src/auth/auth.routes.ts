import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  API_PREFIX,
  appError,
  errorBodySchema,
  forgotPasswordRequestSchema,
  idParamsSchema,
  permissionsOf,
  resetPasswordRequestSchema,
  roleListSchema,
  roles,
  SESSION_COOKIE,
  sessionInfoSchema,
  sessionListSchema,
  signInRequestSchema,
  switchOrganizationRequestSchema,
  type Permission,
} from '@tutti/protocol';
import type { HubContext } from '../hub-context.ts';
import {
  currentSessionInfo,
  listSessions,
  requestPasswordReset,
  resetPassword,
  resolveApiToken,
  resolveSession,
  revokeSessionOf,
  signIn,
  signOut,
  signOutEverywhere,
  switchOrganization,
  type AuthContext,
  type ClientInfo,
  type SessionAuth,
  type SignedIn,
} from './auth.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
  interface FastifyContextConfig {
    /** Reachable without signing in (sign-in, password reset, invitation links). */
    anonymous?: boolean;
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

/** The caller, if their role in the current organization grants `permission`: 401 when anonymous, else 403. */
export function requirePermission(request: FastifyRequest, permission: Permission): AuthContext {
  const auth = requireAuth(request);
  if (!auth.permissions.includes(permission)) throw appError('FORBIDDEN', { permission });
  return auth;
}

/** The caller of a browser session; API tokens get 403 SESSION_REQUIRED. */
export function requireSession(request: FastifyRequest): SessionAuth {
  const auth = requireAuth(request);
  if (auth.via !== 'session' || !auth.sessionId || !auth.userId) throw appError('SESSION_REQUIRED');
  return { ...auth, via: 'session', sessionId: auth.sessionId, userId: auth.userId };
}

const BEARER = /^Bearer\s+(\S+)$/i;

/** Sets the session cookie of a new session (Secure when the hub is reached over HTTPS). */
export function setSessionCookie(reply: FastifyReply, signedIn: SignedIn, secure: boolean): void {
  void reply.setCookie(SESSION_COOKIE, signedIn.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    ...(signedIn.persistent ? { expires: signedIn.expiresAt } : {}),
  });
}

export function registerAuth(app: FastifyInstance, context: HubContext): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    const bearer = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (bearer) {
      request.auth = await resolveApiToken(context.db, bearer);
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    request.auth = token ? await resolveSession(context.db, token) : null;
  });
  // Anonymous callers learn nothing about an API route, not even its request schema: 401 comes before validation.
  app.addHook('preValidation', async (request) => {
    if (request.url.startsWith(`${API_PREFIX}/`) && !request.routeOptions.config.anonymous && !request.auth) {
      throw appError('UNAUTHENTICATED');
    }
  });

  const clearCookie = (reply: FastifyReply) =>
    reply.clearCookie(SESSION_COOKIE, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: context.config.secureCookies,
    });
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.post(
    `${API_PREFIX}/auth/sign-in`,
    {
      config: { anonymous: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email (or directory user name) and password; LDAP people are checked by their directory',
        body: signInRequestSchema,
        response: { 200: sessionInfoSchema, 401: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (request, reply) => {
      const result = await signIn(
        context.db,
        context.signInLimiter,
        request.body,
        clientInfo(request),
        context.directorySignIn,
      );
      setSessionCookie(reply, result, context.config.secureCookies);
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
        response: { 204: z.null(), ...denied },
      },
    },
    async (request, reply) => {
      await signOut(context.db, requireSession(request), clientInfo(request));
      clearCookie(reply);
      return reply.status(204).send(null);
    },
  );

  routes.post(
    `${API_PREFIX}/auth/sign-out-everywhere`,
    {
      schema: {
        tags: ['auth'],
        summary: 'End every session of the signed-in person, this one included',
        body: z.strictObject({}).optional(),
        response: { 204: z.null(), ...denied },
      },
    },
    async (request, reply) => {
      await signOutEverywhere(context.db, requireSession(request), clientInfo(request));
      clearCookie(reply);
      return reply.status(204).send(null);
    },
  );

  routes.get(
    `${API_PREFIX}/auth/me`,
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user, their organizations, and their role and permissions in the current one',
        response: { 200: sessionInfoSchema, ...denied },
      },
    },
    async (request) => currentSessionInfo(context.db, requireSession(request)),
  );

  routes.post(
    `${API_PREFIX}/auth/switch-organization`,
    {
      schema: {
        tags: ['auth'],
        summary: 'Choose organization: act in another organization you have an account in, without signing in again',
        body: switchOrganizationRequestSchema,
        response: { 200: sessionInfoSchema, ...denied },
      },
    },
    async (request) =>
      switchOrganization(context.db, requireSession(request), request.body.organizationId, clientInfo(request)),
  );

  routes.get(
    `${API_PREFIX}/auth/sessions`,
    {
      schema: {
        tags: ['auth'],
        summary: 'Your live sessions (browsers and devices signed in)',
        response: { 200: sessionListSchema, ...denied },
      },
    },
    async (request) => ({ items: await listSessions(context.db, requireSession(request)) }),
  );

  routes.delete(
    `${API_PREFIX}/auth/sessions/:id`,
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke one of your sessions',
        params: idParamsSchema,
        response: { 204: z.null(), ...denied, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      await revokeSessionOf(context.db, requireSession(request), request.params.id, clientInfo(request));
      return reply.status(204).send(null);
    },
  );

  routes.post(
    `${API_PREFIX}/auth/forgot-password`,
    {
      config: { anonymous: true },
      schema: {
        tags: ['auth'],
        summary: 'Email a password reset link (answers the same whether or not the address has an account)',
        body: forgotPasswordRequestSchema,
        response: { 202: z.null(), 400: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (request, reply) => {
      await requestPasswordReset(
        context.db,
        context.mailer,
        context.signInLimiter,
        context.config,
        request.body.email,
        clientInfo(request),
      );
      return reply.status(202).send(null);
    },
  );

  routes.post(
    `${API_PREFIX}/auth/reset-password`,
    {
      config: { anonymous: true },
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with a reset link token; signs out every session',
        body: resetPasswordRequestSchema,
        response: { 204: z.null(), 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      await resetPassword(context.db, request.body, clientInfo(request));
      return reply.status(204).send(null);
    },
  );

  routes.get(
    `${API_PREFIX}/auth/roles`,
    {
      schema: {
        tags: ['auth'],
        summary: 'The built-in roles and the permissions each grants',
        response: { 200: roleListSchema, ...denied },
      },
    },
    async (request) => {
      requireAuth(request);
      return { items: roles.map((role) => ({ role, permissions: [...permissionsOf(role)] })) };
    },
  );
}

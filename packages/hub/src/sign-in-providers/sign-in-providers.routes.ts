import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  API_PREFIX,
  errorBodySchema,
  isAppError,
  ldapSettingsDtoSchema,
  ldapSettingsRequestSchema,
  ldapTestRequestSchema,
  ldapTestResultSchema,
  oidcSettingsDtoSchema,
  oidcSettingsRequestSchema,
  signInProvidersSchema,
  ssoCallbackQuerySchema,
  ssoStartParamsSchema,
  ssoStartQuerySchema,
  ssoStatusSchema,
} from '@tutti/protocol';
import { clientInfo, requirePermission, setSessionCookie, signInDirectoryIdentity } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import {
  finishSso,
  getSignInProviders,
  putLdapSettings,
  putOidcSettings,
  removeProvider,
  SSO_CALLBACK_PATH,
  ssoStatus,
  startSso,
  testLdapSettings,
} from './sign-in-providers.service.ts';

const SSO_STATE_COOKIE = 'tutti_sso';
const SSO_COOKIE_PATH = `${API_PREFIX}/auth/sso`;

/** Settings > Sign-in (LDAP and OIDC of the current organization), and the single sign-on endpoints. */
export function registerSignInProviderRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };
  const base = `${API_PREFIX}/sign-in-providers`;

  routes.get(
    base,
    {
      schema: {
        tags: ['sign-in'],
        summary: 'LDAP and OIDC single sign-on settings of the current organization (secrets never shown)',
        response: { 200: signInProvidersSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'users.manage');
      return withTenant(context.db, auth.orgIds, (tx) => getSignInProviders(tx, auth, context.config));
    },
  );

  routes.put(
    `${base}/ldap`,
    {
      schema: {
        tags: ['sign-in'],
        summary: 'Set LDAP sign-in: directory URL, TLS, service account, user search, group → role mapping',
        body: ldapSettingsRequestSchema,
        response: { 200: ldapSettingsDtoSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'users.manage');
      return withTenant(context.db, auth.orgIds, (tx) =>
        putLdapSettings(tx, context.secrets, auth, request.body, clientInfo(request)),
      );
    },
  );

  routes.post(
    `${base}/ldap/test`,
    {
      schema: {
        tags: ['sign-in'],
        summary: 'Try the LDAP settings: bind and search; with a user name (and password), what sign-in would give',
        body: ldapTestRequestSchema,
        response: { 200: ldapTestResultSchema, ...denied, 404: errorBodySchema, 502: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'users.manage');
      return withTenant(context.db, auth.orgIds, (tx) => testLdapSettings(tx, context.secrets, auth, request.body));
    },
  );

  routes.put(
    `${base}/oidc`,
    {
      schema: {
        tags: ['sign-in'],
        summary: 'Set OIDC single sign-on: issuer, client, scopes, claim → role mapping',
        body: oidcSettingsRequestSchema,
        response: { 200: oidcSettingsDtoSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'users.manage');
      return withTenant(context.db, auth.orgIds, (tx) =>
        putOidcSettings(tx, context.secrets, context.config, auth, request.body, clientInfo(request)),
      );
    },
  );

  for (const kind of ['ldap', 'oidc'] as const) {
    routes.delete(
      `${base}/${kind}`,
      {
        schema: {
          tags: ['sign-in'],
          summary: kind === 'ldap' ? 'Turn LDAP sign-in off' : 'Turn OIDC single sign-on off',
          response: { 204: z.null(), ...denied, 404: errorBodySchema },
        },
      },
      async (request, reply) => {
        const auth = requirePermission(request, 'users.manage');
        await withTenant(context.db, auth.orgIds, (tx) => removeProvider(tx, auth, kind, clientInfo(request)));
        return reply.status(204).send(null);
      },
    );
  }

  routes.get(
    `${API_PREFIX}/auth/sso/:organization/status`,
    {
      config: { anonymous: true },
      schema: {
        tags: ['auth'],
        summary: 'Whether an organization (by account number) offers single sign-on, for the sign-in page',
        params: ssoStartParamsSchema,
        response: { 200: ssoStatusSchema, 400: errorBodySchema },
      },
    },
    async (request) => ssoStatus(context.db, request.params.organization),
  );

  routes.get(
    `${API_PREFIX}/auth/sso/:organization/start`,
    {
      config: { anonymous: true },
      schema: {
        tags: ['auth'],
        summary: "Single sign-on: redirects to the organization's identity provider (authorization code + PKCE)",
        params: ssoStartParamsSchema,
        querystring: ssoStartQuerySchema,
        response: { 302: z.null(), 400: errorBodySchema, 404: errorBodySchema, 502: errorBodySchema },
      },
    },
    async (request, reply) => {
      const started = await startSso(
        context.db,
        context.secrets,
        context.config,
        request.params.organization,
        request.query.redirect,
      );
      void reply.setCookie(SSO_STATE_COOKIE, started.sealedState, {
        path: SSO_COOKIE_PATH,
        httpOnly: true,
        sameSite: 'lax',
        secure: context.config.secureCookies,
        maxAge: 600,
      });
      return reply.redirect(started.location, 302);
    },
  );

  routes.get(
    SSO_CALLBACK_PATH,
    {
      config: { anonymous: true },
      schema: {
        tags: ['auth'],
        summary: 'Single sign-on callback: signs in (creating the person on first use) and redirects into the app',
        querystring: ssoCallbackQuerySchema,
        response: { 302: z.null() },
      },
    },
    async (request, reply) => {
      const sealedState = request.cookies[SSO_STATE_COOKIE];
      void reply.clearCookie(SSO_STATE_COOKIE, { path: SSO_COOKIE_PATH });
      try {
        if (request.query.error) {
          request.log.warn({ error: request.query.error }, 'identity provider refused single sign-on');
          return reply.redirect('/sign-in?error=SSO_FAILED', 302);
        }
        const callbackUrl = new URL(request.url, 'http://callback.invalid');
        const { identity, redirect } = await finishSso(
          context.db,
          context.secrets,
          context.config,
          sealedState,
          callbackUrl,
        );
        const signedIn = await signInDirectoryIdentity(context.db, identity, false, clientInfo(request));
        setSessionCookie(reply, signedIn, context.config.secureCookies);
        return reply.redirect(redirect, 302);
      } catch (error) {
        if (!isAppError(error)) throw error;
        request.log.warn({ code: error.code, details: error.details }, 'single sign-on failed');
        return reply.redirect(`/sign-in?error=${error.code}`, 302);
      }
    },
  );
}

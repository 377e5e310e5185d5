import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { SESSION_COOKIE } from '@tutti/protocol';
import { rowsOf, testDatabaseKinds } from '../db/index.ts';
import { makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

const PUBLIC_URL = 'http://127.0.0.1:18080';
const CLIENT_SECRET = 'oidc-client-secret-for-tests-0123456789';
const people: Record<string, { name: string; groups: string[]; email?: string }> = {
  dana: { name: 'Dana Ops', groups: ['tutti-operators'] },
  erin: { name: 'Erin Finance', groups: ['finance'] },
};

let issuer: string;
let server: Server;

/** An OpenID provider on 127.0.0.1 with its development login and consent forms (any login name is accepted). */
beforeAll(async () => {
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'tutti-hub',
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${PUBLIC_URL}/api/v1/auth/sso/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    pkce: { required: () => true },
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    conformIdTokenClaims: false,
    cookies: { keys: ['test-cookie-key'] },
    findAccount: (_ctx, id) => {
      const person = people[id];
      if (!person) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          email: person.email ?? `${id}@idp.example`,
          email_verified: true,
          name: person.name,
          groups: person.groups,
        }),
      };
    },
  });
  server.on('request', provider.callback());
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

/** Plays the browser at the provider: follows redirects by hand, keeps cookies, submits login and consent. */
async function throughProvider(authorizeUrl: string, login: string): Promise<URL> {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const remember = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      jar.set(pair!.slice(0, index), pair!.slice(index + 1));
    }
  };
  let url = new URL(authorizeUrl);
  for (let step = 0; step < 12; step += 1) {
    if (url.href.startsWith(PUBLIC_URL)) return url;
    let response = await fetch(url, { redirect: 'manual', headers: { cookie: cookieHeader() } });
    remember(response);
    if (response.status === 200 && url.pathname.startsWith('/interaction/')) {
      const page = await response.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
      const form = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt: prompt! });
      response = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      remember(response);
    }
    const location = response.headers.get('location');
    if (!location) throw new Error(`provider answered ${response.status} at ${url.href}: ${await response.text()}`);
    url = new URL(location, url);
  }
  throw new Error('too many redirects');
}

describe.each(await testDatabaseKinds())('OIDC single sign-on on %s', (kind) => {
  let hub: TestHub;
  let orgId: string;
  let accountNumber: string;
  let cookies: Record<string, string>;

  beforeAll(async () => {
    hub = await startTestHub({ kind, config: { publicUrl: PUBLIC_URL } });
    const org = await makeOrg(hub.database.db, { name: 'SSO Corp' });
    orgId = org.id;
    accountNumber = org.accountNumber;
    const owner = await makeUser(hub.database.db, org.id, { role: 'owner' });
    cookies = await signInCookies(hub.app, owner.email, owner.password);
    const saved = await hub.app.inject({
      method: 'PUT',
      url: '/api/v1/sign-in-providers/oidc',
      cookies,
      payload: {
        issuer,
        clientId: 'tutti-hub',
        clientSecret: CLIENT_SECRET,
        scopes: 'openid email profile groups',
        roleClaim: 'groups',
        claimRoles: [{ match: 'tutti-operators', role: 'technician' }],
      },
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({
      clientSecretSet: true,
      redirectUri: `${PUBLIC_URL}/api/v1/auth/sso/callback`,
      startUrl: `${PUBLIC_URL}/api/v1/auth/sso/${accountNumber}/start`,
    });
    expect(saved.body).not.toContain(CLIENT_SECRET);
  });
  afterAll(async () => hub?.close());

  async function start(redirect?: string) {
    const started = await hub.app.inject({
      method: 'GET',
      url: `/api/v1/auth/sso/${accountNumber}/start${redirect ? `?redirect=${encodeURIComponent(redirect)}` : ''}`,
    });
    expect(started.statusCode).toBe(302);
    const state = started.cookies.find((cookie) => cookie.name === 'tutti_sso')!;
    expect(state).toMatchObject({ httpOnly: true, path: '/api/v1/auth/sso' });
    return { location: started.headers.location as string, state: state.value };
  }

  const callback = (url: URL, state: string | undefined) =>
    hub.app.inject({
      method: 'GET',
      url: `${url.pathname}${url.search}`,
      ...(state ? { cookies: { tutti_sso: state } } : {}),
    });

  it('redirects to the provider with authorization code, PKCE (S256), state and nonce', async () => {
    const { location } = await start();
    const url = new URL(location);
    expect(url.origin).toBe(issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'tutti-hub',
      redirect_uri: `${PUBLIC_URL}/api/v1/auth/sso/callback`,
      code_challenge_method: 'S256',
      scope: 'openid email profile groups',
    });
    for (const param of ['code_challenge', 'state', 'nonce']) expect(url.searchParams.get(param)).toBeTruthy();
  });

  it('signs a person in through the provider, creating them as Type SSO with the role their groups claim', async () => {
    const { location, state } = await start('/devices');
    const back = await throughProvider(location, 'dana');
    const finished = await callback(back, state);
    expect(finished.statusCode).toBe(302);
    expect(finished.headers.location).toBe('/devices');
    const session = finished.cookies.find((cookie) => cookie.name === SESSION_COOKIE)!;
    expect(session).toBeTruthy();
    const me = await hub.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      cookies: { [SESSION_COOKIE]: session.value },
    });
    expect(me.json()).toMatchObject({
      user: { email: 'dana@idp.example', name: 'Dana Ops' },
      currentOrganizationId: orgId,
      role: 'technician',
    });
    const [user] = rowsOf<{ type: string; external_id: string }>(
      await hub.database.db.execute(sql`SELECT type, external_id FROM users WHERE email = 'dana@idp.example'`),
    );
    expect(user).toEqual({ type: 'sso', external_id: 'dana' });
  });

  it('refuses a person whose claims map to no role, and creates nobody', async () => {
    const { location, state } = await start();
    const finished = await callback(await throughProvider(location, 'erin'), state);
    expect(finished.statusCode).toBe(302);
    expect(finished.headers.location).toBe('/sign-in?error=SIGN_IN_NOT_ALLOWED');
    expect(finished.cookies.find((cookie) => cookie.name === SESSION_COOKIE)).toBeUndefined();
    expect(rowsOf(await hub.database.db.execute(sql`SELECT 1 FROM users WHERE email = 'erin@idp.example'`))).toEqual(
      [],
    );
  });

  it('refuses a callback without its state cookie, or with another attempt’s state', async () => {
    const first = await start();
    const second = await start();
    const back = await throughProvider(first.location, 'dana');
    for (const state of [undefined, second.state]) {
      const finished = await callback(back, state);
      expect(finished.headers.location).toBe('/sign-in?error=SSO_FAILED');
      expect(finished.cookies.find((cookie) => cookie.name === SESSION_COOKIE)).toBeUndefined();
    }
  });

  it('tells the sign-in page, without a session, which organizations offer single sign-on', async () => {
    const other = await makeOrg(hub.database.db);
    const status = async (organization: string) =>
      (await hub.app.inject({ method: 'GET', url: `/api/v1/auth/sso/${organization}/status` })).json<unknown>();
    expect(await status(accountNumber)).toEqual({ enabled: true });
    expect(await status(other.accountNumber)).toEqual({ enabled: false });
    expect(await status('A00000000')).toEqual({ enabled: false });
  });

  it('answers SSO_NOT_CONFIGURED for an organization without single sign-on', async () => {
    const other = await makeOrg(hub.database.db);
    const response = await hub.app.inject({ method: 'GET', url: `/api/v1/auth/sso/${other.accountNumber}/start` });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('SSO_NOT_CONFIGURED');
  });

  it('does not let the provider take over a local account with the same email', async () => {
    people.frank = { name: 'Frank Local', groups: ['tutti-operators'], email: 'frank@idp.example' };
    await makeUser(hub.database.db, orgId, { email: 'frank@idp.example' });
    const { location, state } = await start();
    const finished = await callback(await throughProvider(location, 'frank'), state);
    expect(finished.headers.location).toBe('/sign-in?error=SIGN_IN_NOT_ALLOWED');
  });
});

import { randomBytes } from 'node:crypto';
import { AppError } from '@tutti/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeviceLoginError, DeviceUnreachableError } from '../driver/errors.ts';
import { connectSpace, deriveSpaceStatus, type ConnectSpaceOptions } from './space-client.ts';
import { createSpaceService, pkceChallenge, type SpaceService } from './space-service.ts';

// This file owns 127.37.1.0/24.
const REDIRECT = 'http://127.0.0.1/callback';
let service: SpaceService;
let options: ConnectSpaceOptions;

beforeAll(async () => {
  service = createSpaceService({ address: '127.37.1.10', accessTokenTtlMs: 60_000, refreshTokenTtlMs: 3_600_000 });
  await service.start();
  options = { baseUrl: service.url, clientId: 'tutti', redirectUri: REDIRECT };
});

beforeEach(() => {
  service.setConsent('approve');
  service.setDown(false);
  service.setClockSkewMs(0);
  service.setAccountStatus('SPACE-ACME-01', 'active');
});

afterAll(() => service.close());

/** Runs the authorization request by hand and returns the redirect it answers with. */
async function authorizeRaw(params: Record<string, string>): Promise<URL> {
  const url = new URL('/oauth/authorize', service.url);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? '');
}

async function tokenRaw(fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(new URL('/oauth/token', service.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function codeFor(verifier: string): Promise<string> {
  const back = await authorizeRaw({
    response_type: 'code',
    client_id: 'tutti',
    redirect_uri: REDIRECT,
    code_challenge: pkceChallenge(verifier),
    code_challenge_method: 'S256',
    state: 'xyz',
  });
  expect(back.searchParams.get('state')).toBe('xyz');
  return back.searchParams.get('code') ?? '';
}

describe('COLLABORATE Space service', () => {
  it('refuses a non-loopback address before listening', () => {
    expect(() => createSpaceService({ address: '10.0.0.1' })).toThrow(AppError);
    expect(() => createSpaceService({ address: '10.0.0.1' })).toThrow(/loopback/i);
  });

  it('signs in with code + PKCE and reads the account, rooms and users', async () => {
    const session = await connectSpace(options);
    const identity = await session.readIdentity();
    expect(identity).toEqual({
      model: 'COLLABORATE_SPACE',
      serial: 'SPACE-ACME-01',
      name: 'Acme Corp',
      firmware: '3.2.0',
      accountStatus: 'active',
    });
    expect(await session.get('/api/v1/rooms')).toMatchObject({ items: [{ name: 'Boardroom' }, { name: 'Huddle 1' }] });
    expect(await session.get('/api/v1/users')).toMatchObject({ items: [{ id: 'u-1' }, { id: 'u-2' }] });
    expect(await session.get('/api/v1/accounts')).toMatchObject({ items: [{ id: 'SPACE-ACME-01' }] });
    expect(deriveSpaceStatus({ reachable: true, authorized: true, accountStatus: identity.accountStatus })).toBe(
      'healthy',
    );
  });

  it('a denied consent is a login failure', async () => {
    service.setConsent('deny');
    await expect(connectSpace(options)).rejects.toBeInstanceOf(DeviceLoginError);
    const back = await authorizeRaw({
      response_type: 'code',
      client_id: 'tutti',
      redirect_uri: REDIRECT,
      code_challenge: pkceChallenge(randomBytes(40).toString('base64url')),
      code_challenge_method: 'S256',
      state: 's1',
    });
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('s1');
  });

  it('requires S256 PKCE and the matching verifier; a code works once', async () => {
    const plain = await authorizeRaw({ response_type: 'code', client_id: 'tutti', redirect_uri: REDIRECT });
    expect(plain.searchParams.get('error')).toBe('invalid_request');
    const unknownClient = await fetch(new URL('/oauth/authorize?client_id=evil&redirect_uri=http://x/', service.url), {
      redirect: 'manual',
    });
    expect(unknownClient.status).toBe(400);

    const verifier = randomBytes(40).toString('base64url');
    const code = await codeFor(verifier);
    const wrong = await tokenRaw({
      grant_type: 'authorization_code',
      client_id: 'tutti',
      code,
      redirect_uri: REDIRECT,
      code_verifier: randomBytes(40).toString('base64url'),
    });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    const other = randomBytes(40).toString('base64url');
    const good = { grant_type: 'authorization_code', client_id: 'tutti', redirect_uri: REDIRECT, code_verifier: other };
    const second = await codeFor(other);
    const ok = await tokenRaw({ ...good, code: second });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: 60 });
    // Replaying the code fails and revokes what it produced.
    expect(await tokenRaw({ ...good, code: second })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const me = await fetch(new URL('/api/v1/me', service.url), {
      headers: { authorization: `Bearer ${String(ok.body.access_token)}` },
    });
    expect(me.status).toBe(401);
    expect(await tokenRaw({ grant_type: 'password', client_id: 'tutti' })).toMatchObject({
      body: { error: 'unsupported_grant_type' },
    });
  });

  it('rotates refresh tokens; a reused one is invalid_grant and revokes the family', async () => {
    const session = await connectSpace(options);
    const first = session.tokens;
    await session.refresh();
    const second = session.tokens;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(
      await tokenRaw({ grant_type: 'refresh_token', client_id: 'tutti', refresh_token: first.refreshToken }),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    await expect(session.refresh()).rejects.toBeInstanceOf(DeviceLoginError);
  });

  it('refreshes on an expired access token; fails once tokens are revoked or the clock passed them', async () => {
    const session = await connectSpace(options);
    const before = session.tokens.accessToken;
    service.expireAccessTokens();
    expect(await session.get('/api/v1/me')).toMatchObject({ id: 'u-1' });
    expect(session.tokens.accessToken).not.toBe(before);

    service.setClockSkewMs(2 * 3_600_000);
    await expect(session.get('/api/v1/me')).rejects.toBeInstanceOf(DeviceLoginError);
    service.setClockSkewMs(0);

    const again = await connectSpace(options);
    service.revokeAll();
    await expect(again.get('/api/v1/me')).rejects.toBeInstanceOf(DeviceLoginError);
    expect(deriveSpaceStatus({ reachable: true, authorized: false })).toBe('communication_service_failed');
  });

  it('guards the API with bearer tokens', async () => {
    const response = await fetch(new URL('/api/v1/rooms', service.url));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('reports an outage and account status', async () => {
    const session = await connectSpace(options);
    service.setAccountStatus('SPACE-ACME-01', 'suspended');
    const identity = await session.readIdentity();
    expect(deriveSpaceStatus({ reachable: true, authorized: true, accountStatus: identity.accountStatus })).toBe(
      'communication_service_failed',
    );
    service.setDown(true);
    await expect(session.get('/api/v1/me')).rejects.toBeInstanceOf(DeviceUnreachableError);
    await expect(connectSpace(options)).rejects.toBeInstanceOf(DeviceUnreachableError);
    expect(deriveSpaceStatus({ reachable: false, authorized: true })).toBe('down');
  });
});

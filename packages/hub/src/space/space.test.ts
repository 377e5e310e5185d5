import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSpaceService, type SpaceService } from '@tutti/devices';
import type { SpaceAccountList } from '@tutti/protocol';
import { createManualClock } from '../clock/index.ts';
import { rowsOf } from '../db/index.ts';
import { makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

/** The address the browser reaches the hub at; the Space service knows only this callback. */
const HUB_HOST = '127.0.0.1:18080';
const CALLBACK = `http://${HUB_HOST}/api/v1/space/callback`;

const clock = createManualClock(new Date('2026-12-01T09:00:00Z'));
let space: SpaceService;
let hub: TestHub;
let cookies: Record<string, string>;
let outsider: Record<string, string>;

const api = (who: Record<string, string>, method: 'GET' | 'POST' | 'DELETE', url: string) =>
  hub.app.inject({ method, url: `/api/v1${url}`, cookies: who, headers: { host: HUB_HOST } });

/** What a browser does: start, follow the service's redirect back to the hub, land on the Space screen. */
async function link(): Promise<URL> {
  const started = await api(cookies, 'POST', '/space/link');
  expect(started.statusCode).toBe(200);
  const authorize = new URL(started.json<{ authorizeUrl: string }>().authorizeUrl);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  const consent = await fetch(authorize, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get('location')!);
  expect(`${back.origin}${back.pathname}`).toBe(CALLBACK);
  const landed = await api(cookies, 'GET', `/space/callback${back.search}`);
  expect(landed.statusCode).toBe(302);
  return new URL(landed.headers.location!, `http://${HUB_HOST}`);
}

async function sealedTokens(): Promise<(string | null)[]> {
  const rows = rowsOf<{ sealed_tokens: string | null }>(
    await hub.database.db.execute(sql`SELECT sealed_tokens FROM space_accounts`),
  );
  return rows.map((row) => row.sealed_tokens);
}

beforeAll(async () => {
  // Access tokens live 30 s, inside the hub's refresh margin: every use refreshes (and rotates) first.
  space = createSpaceService({
    address: '127.0.0.1',
    accessTokenTtlMs: 30_000,
    clients: [{ clientId: 'tutti', redirectUris: [CALLBACK] }],
  });
  await space.start();
  hub = await startTestHub({ clock, config: { spaceBaseUrl: space.url, spaceClientId: 'tutti' } });
  const org = await makeOrg(hub.database.db);
  const admin = await makeUser(hub.database.db, org.id);
  cookies = await signInCookies(hub.app, admin.email, admin.password);
  const other = await makeOrg(hub.database.db);
  const stranger = await makeUser(hub.database.db, other.id);
  outsider = await signInCookies(hub.app, stranger.email, stranger.password);
});
afterAll(async () => {
  await hub?.close();
  await space?.close();
});

describe('COLLABORATE Space linking', () => {
  let accountId = '';

  it('links an account with the authorization code and PKCE, keeps its tokens sealed, refreshes before expiry', async () => {
    const landed = await link();
    expect(landed.pathname).toBe('/space');
    accountId = landed.searchParams.get('linked') ?? '';
    const listed = (await api(cookies, 'GET', '/space/accounts')).json<SpaceAccountList>();
    expect(listed.items).toEqual([
      expect.objectContaining({
        id: accountId,
        accountId: 'SPACE-ACME-01',
        name: 'Acme Corp',
        linkState: 'linked',
        status: 'healthy',
        linkedEmail: 'admin@acme.example',
      }),
    ]);
    const [sealed] = await sealedTokens();
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('refresh');

    const directory = await api(cookies, 'GET', `/space/accounts/${accountId}/directory`);
    expect(directory.json()).toMatchObject({
      rooms: [{ name: 'Boardroom' }, { name: 'Huddle 1' }],
      users: [{ name: 'Ada Admin' }, { name: 'Tom Tech' }],
    });
    // The token was due, so it was refreshed (rotated) and sealed again before the call.
    expect((await sealedTokens())[0]).not.toBe(sealed);
    space.setAccountStatus('SPACE-ACME-01', 'suspended');
    const checked = await api(cookies, 'POST', `/space/accounts/${accountId}/check`);
    expect(checked.json()).toMatchObject({ accountStatus: 'suspended', status: 'communication_service_failed' });
    space.setAccountStatus('SPACE-ACME-01', 'active');
  });

  it('shows a refused consent and a callback it did not start', async () => {
    space.setConsent('deny');
    expect((await link()).searchParams.get('error')).toBe('SPACE_CONSENT_DENIED');
    space.setConsent('approve');
    const forged = await api(cookies, 'GET', '/space/callback?state=not-ours&code=abc');
    expect(forged.headers.location).toBe('/space?error=SPACE_LINK_INVALID');
  });

  it('asks to link again when the refresh token has expired, and links again', async () => {
    space.setClockSkewMs(31 * 24 * 60 * 60_000);
    const checked = await api(cookies, 'POST', `/space/accounts/${accountId}/check`);
    expect(checked.statusCode).toBe(409);
    expect(checked.json().error.code).toBe('SPACE_RELINK_REQUIRED');
    const listed = (await api(cookies, 'GET', '/space/accounts')).json<SpaceAccountList>();
    expect(listed.items[0]).toMatchObject({ linkState: 'relink_required', status: 'communication_service_failed' });
    expect(await sealedTokens()).toEqual([null]);
    expect((await api(cookies, 'GET', `/space/accounts/${accountId}/directory`)).json().error.code).toBe(
      'SPACE_RELINK_REQUIRED',
    );

    space.setClockSkewMs(0);
    expect((await link()).searchParams.get('linked')).toBe(accountId);
    expect((await api(cookies, 'POST', `/space/accounts/${accountId}/check`)).json().linkState).toBe('linked');
  });

  it('refreshes tokens in the background before they expire', async () => {
    const [before] = await sealedTokens();
    clock.advance(5 * 60_000);
    await hub.context.scheduler.runDue();
    const [after] = await sealedTokens();
    expect(after).toMatch(/^v1\./);
    expect(after).not.toBe(before);
    const listed = (await api(cookies, 'GET', '/space/accounts')).json<SpaceAccountList>();
    expect(listed.items[0]?.linkState).toBe('linked');
  });

  it("keeps an organization's accounts from the others", async () => {
    expect((await api(outsider, 'GET', '/space/accounts')).json().items).toEqual([]);
    const check = await api(outsider, 'POST', `/space/accounts/${accountId}/check`);
    expect(check.json().error.code).toBe('SPACE_ACCOUNT_NOT_FOUND');
  });
});

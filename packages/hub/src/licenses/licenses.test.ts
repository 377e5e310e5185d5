import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceList, LicensePayload, SignedLicense } from '@tutti/protocol';
import { makeDevices, makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';
import { signLicense } from './license-signing.ts';

const pem = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
};
const issuer = pem();
const stranger = pem();
const day = 24 * 3600_000;

const payload = (overrides: Partial<LicensePayload> = {}): LicensePayload => ({
  licenseId: 'LIC-0001',
  customer: 'Acme Corp',
  maxProAudioDevices: 2,
  features: ['ldap', 'sso'],
  issuedAt: new Date(Date.now() - day).toISOString(),
  expiresAt: new Date(Date.now() + 365 * day).toISOString(),
  ...overrides,
});

let hub: TestHub;
let cookies: Record<string, string>;

beforeAll(async () => {
  hub = await startTestHub({ config: { licensePublicKey: issuer.publicKey } });
  const org = await makeOrg(hub.database.db, { kind: 'enterprise' });
  const owner = await makeUser(hub.database.db, org.id, { role: 'owner' });
  cookies = await signInCookies(hub.app, owner.email, owner.password);
  await makeDevices(hub.database.db, org.id, 3);
});
afterAll(async () => hub?.close());

const upload = (body: unknown) =>
  hub.app.inject({ method: 'PUT', url: '/api/v1/settings/license', cookies, payload: body as object });
const current = async () =>
  (await hub.app.inject({ method: 'GET', url: '/api/v1/settings/license', cookies })).json<{
    license: { licenseId: string } | null;
  }>().license;
const overflowed = async () =>
  (await hub.app.inject({ method: 'GET', url: '/api/v1/devices?status=overflowed', cookies })).json<DeviceList>().total;

describe('enterprise license', () => {
  it.each<[string, () => unknown, string]>([
    [
      'a changed device limit',
      () => {
        const signed = signLicense(issuer.privateKey, payload());
        return { ...signed, license: { ...signed.license, maxProAudioDevices: 1000 } } satisfies SignedLicense;
      },
      'LICENSE_INVALID',
    ],
    ['a license signed by another key', () => signLicense(stranger.privateKey, payload()), 'LICENSE_INVALID'],
    [
      'an expired license',
      () => signLicense(issuer.privateKey, payload({ expiresAt: new Date(Date.now() - 1000).toISOString() })),
      'LICENSE_EXPIRED',
    ],
    [
      'a damaged signature',
      () => ({ ...signLicense(issuer.privateKey, payload()), signature: 'AAAA' }),
      'LICENSE_INVALID',
    ],
  ])('refuses %s and changes nothing', async (_name, make, code) => {
    const response = await upload(make());
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
    expect(await current()).toBeNull();
    expect(await overflowed()).toBe(0);
  });

  it('installs a valid license, whose device limit turns the extra Pro Audio devices Overflowed', async () => {
    expect(await overflowed()).toBe(0);
    const response = await upload(signLicense(issuer.privateKey, payload()));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      license: { licenseId: 'LIC-0001', customer: 'Acme Corp', maxProAudioDevices: 2, expired: false },
    });
    expect(await overflowed()).toBe(1);

    const bigger = await upload(
      signLicense(issuer.privateKey, payload({ licenseId: 'LIC-0002', maxProAudioDevices: 10 })),
    );
    expect(bigger.statusCode).toBe(200);
    expect(await overflowed()).toBe(0);
    // A refused upload leaves the installed license in place.
    expect((await upload(signLicense(stranger.privateKey, payload({ licenseId: 'LIC-X' })))).statusCode).toBe(400);
    expect(await current()).toMatchObject({ licenseId: 'LIC-0002' });
  });

  it('lets only people who manage the organization install one', async () => {
    const org = await makeOrg(hub.database.db, { kind: 'enterprise' });
    const tech = await makeUser(hub.database.db, org.id, { role: 'technician' });
    const techCookies = await signInCookies(hub.app, tech.email, tech.password);
    const response = await hub.app.inject({
      method: 'PUT',
      url: '/api/v1/settings/license',
      cookies: techCookies,
      payload: signLicense(issuer.privateKey, payload()),
    });
    expect(response.statusCode).toBe(403);
  });
});

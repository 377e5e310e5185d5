import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf, testDatabaseKinds } from '../db/index.ts';
import { makeTestCertificates, type TestCertificates } from '../testing/certificates.ts';
import { makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import {
  groupLdif,
  LDAP_SERVICE_DN,
  LDAP_SERVICE_PASSWORD,
  LDAP_SUFFIX,
  personLdif,
  startTestSlapd,
  type TestSlapd,
} from '../testing/slapd.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

const ALICE_PASSWORD = 'Alice-Dir-Pass-1';
const BOB_PASSWORD = 'Bob-Dir-Pass-2';
const CAROL_PASSWORD = 'Carol-Dir-Pass-3';

let certificates: TestCertificates;
let slapd: TestSlapd;

beforeAll(async () => {
  certificates = makeTestCertificates();
  slapd = await startTestSlapd({ certificates });
  await slapd.add(
    [
      personLdif('alice', ALICE_PASSWORD, 'Alice Admin'),
      personLdif('bob', BOB_PASSWORD, 'Bob Tech'),
      personLdif('carol', CAROL_PASSWORD, 'Carol Outsider'),
      groupLdif('tutti-admins', ['alice']),
      groupLdif('tutti-techs', ['bob']),
      groupLdif('accounting', ['carol']),
    ].join('\n'),
  );
});
afterAll(async () => {
  await slapd?.stop();
  certificates?.remove();
});

describe.each(await testDatabaseKinds())('LDAP sign-in on %s', (kind) => {
  let hub: TestHub;
  let orgId: string;
  let cookies: Record<string, string>;

  const ldapSettings = (overrides: Record<string, unknown> = {}) => ({
    url: slapd.url,
    startTls: true,
    caCertificate: certificates.ca,
    bindDn: LDAP_SERVICE_DN,
    bindPassword: LDAP_SERVICE_PASSWORD,
    userSearchBase: `ou=people,${LDAP_SUFFIX}`,
    groupRoles: [
      { match: 'tutti-admins', role: 'administrator' },
      { match: `cn=tutti-techs,ou=groups,${LDAP_SUFFIX}`, role: 'technician' },
    ],
    ...overrides,
  });
  const putLdap = (body: Record<string, unknown>) =>
    hub.app.inject({ method: 'PUT', url: '/api/v1/sign-in-providers/ldap', cookies, payload: body });
  const testLdap = (body: Record<string, unknown>) =>
    hub.app.inject({ method: 'POST', url: '/api/v1/sign-in-providers/ldap/test', cookies, payload: body });
  const signIn = (body: Record<string, unknown>) =>
    hub.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: body });

  beforeAll(async () => {
    hub = await startTestHub({ kind });
    const org = await makeOrg(hub.database.db, { kind: 'enterprise', name: 'Acme On-Prem' });
    orgId = org.id;
    const admin = await makeUser(hub.database.db, org.id, { role: 'owner' });
    cookies = await signInCookies(hub.app, admin.email, admin.password);
  });
  afterAll(async () => hub?.close());

  it('stores the settings with the bind password sealed, and never answers it', async () => {
    const saved = await putLdap(ldapSettings());
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ url: slapd.url, startTls: true, bindPasswordSet: true });
    expect(saved.body).not.toContain(LDAP_SERVICE_PASSWORD);
    const [row] = rowsOf<{ sealed: string; settings: string }>(
      await hub.database.db.execute(
        sql`SELECT sealed_secret AS sealed, settings::text AS settings FROM sign_in_providers WHERE org_id = ${orgId}::uuid`,
      ),
    );
    expect(row!.sealed).toMatch(/^v1\./);
    expect(row!.sealed + row!.settings).not.toContain(LDAP_SERVICE_PASSWORD);
    // Left out on a later save, the stored bind password stays.
    const { bindPassword: _, ...withoutPassword } = ldapSettings();
    expect((await putLdap(withoutPassword)).json()).toMatchObject({ bindPasswordSet: true });
    const listed = await hub.app.inject({ method: 'GET', url: '/api/v1/sign-in-providers', cookies });
    expect(listed.json()).toMatchObject({ ldap: { bindDn: LDAP_SERVICE_DN }, oidc: null });
  });

  it('tests the settings over StartTLS with the test CA: finds a person and the role their groups give', async () => {
    const result = await testLdap({ username: 'alice', password: ALICE_PASSWORD });
    expect(result.statusCode).toBe(200);
    expect(result.json()).toEqual({
      connected: true,
      user: {
        dn: `uid=alice,ou=people,${LDAP_SUFFIX}`,
        email: 'alice@corp.example',
        name: 'Alice Admin',
        groups: [`cn=tutti-admins,ou=groups,${LDAP_SUFFIX}`],
        role: 'administrator',
      },
    });
  });

  it('signs a directory person in by user name, creating them as Type LDAP with the mapped role', async () => {
    const response = await signIn({ username: 'alice', password: ALICE_PASSWORD });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      user: { email: 'alice@corp.example', name: 'Alice Admin' },
      currentOrganizationId: orgId,
      role: 'administrator',
    });
    const [user] = rowsOf<{ type: string; password_hash: string | null; external_id: string }>(
      await hub.database.db.execute(
        sql`SELECT type, password_hash, external_id FROM users WHERE email = 'alice@corp.example'`,
      ),
    );
    expect(user).toEqual({ type: 'ldap', password_hash: null, external_id: `uid=alice,ou=people,${LDAP_SUFFIX}` });
    // Signing in again (by email this time) reuses the same person.
    expect((await signIn({ email: 'alice@corp.example', password: ALICE_PASSWORD })).statusCode).toBe(200);
    const users = await hub.app.inject({ method: 'GET', url: '/api/v1/users?q=alice', cookies });
    expect(users.json()).toMatchObject({ total: 1, items: [{ type: 'ldap', role: 'administrator' }] });
  });

  it('maps a group given by its full DN', async () => {
    const response = await signIn({ email: 'bob@corp.example', password: BOB_PASSWORD });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ role: 'technician' });
  });

  it('refuses a wrong directory password with 401', async () => {
    const response = await signIn({ username: 'alice', password: 'Not-Her-Password-1' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('INVALID_CREDENTIALS');
    expect((await signIn({ username: 'nobody', password: 'Whatever-1!' })).statusCode).toBe(401);
  });

  it('refuses a person in no mapped group, and creates nobody', async () => {
    const response = await signIn({ username: 'carol', password: CAROL_PASSWORD });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('SIGN_IN_NOT_ALLOWED');
    const found = rowsOf(await hub.database.db.execute(sql`SELECT 1 FROM users WHERE email = 'carol@corp.example'`));
    expect(found).toHaveLength(0);
  });

  it('keeps local accounts local', async () => {
    const local = await makeUser(hub.database.db, orgId);
    expect((await signIn({ email: local.email, password: local.password })).statusCode).toBe(200);
  });

  it('asks a cloud organization’s directory only when the sign-in names it', async () => {
    const other = await startTestHub({ kind });
    try {
      const org = await makeOrg(other.database.db, { kind: 'client' });
      const admin = await makeUser(other.database.db, org.id, { role: 'owner' });
      const otherCookies = await signInCookies(other.app, admin.email, admin.password);
      const saved = await other.app.inject({
        method: 'PUT',
        url: '/api/v1/sign-in-providers/ldap',
        cookies: otherCookies,
        payload: ldapSettings(),
      });
      expect(saved.statusCode).toBe(200);
      const attempt = (body: Record<string, unknown>) =>
        other.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: body });
      expect((await attempt({ username: 'bob', password: BOB_PASSWORD })).statusCode).toBe(401);
      const named = await attempt({ username: 'bob', password: BOB_PASSWORD, organization: org.accountNumber });
      expect(named.statusCode).toBe(200);
      expect(named.json()).toMatchObject({ currentOrganizationId: org.id, role: 'technician' });
    } finally {
      await other.close();
    }
  });

  it('reaches the directory over ldaps:// with the test CA, and reports an untrusted certificate as unavailable', async () => {
    expect((await putLdap(ldapSettings({ url: slapd.ldapsUrl, startTls: false }))).statusCode).toBe(200);
    expect((await testLdap({ username: 'bob' })).json()).toMatchObject({
      connected: true,
      user: { role: 'technician' },
    });
    expect((await putLdap(ldapSettings({ caCertificate: null }))).statusCode).toBe(200);
    const untrusted = await testLdap({});
    expect(untrusted.statusCode).toBe(502);
    expect(untrusted.json().error.code).toBe('DIRECTORY_UNAVAILABLE');
    expect((await putLdap(ldapSettings())).statusCode).toBe(200);
  });

  it('rate-limits directory sign-in like local sign-in', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await signIn({ username: 'bob', password: `Wrong-${attempt}-pass!` })).statusCode).toBe(401);
    }
    const locked = await signIn({ username: 'bob', password: BOB_PASSWORD });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('RATE_LIMITED');
  });

  it('lets only people who manage users change the settings', async () => {
    const monitor = await makeUser(hub.database.db, orgId, { role: 'monitor' });
    const monitorCookies = await signInCookies(hub.app, monitor.email, monitor.password);
    const response = await hub.app.inject({
      method: 'PUT',
      url: '/api/v1/sign-in-providers/ldap',
      cookies: monitorCookies,
      payload: ldapSettings(),
    });
    expect(response.statusCode).toBe(403);
  });
});

import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Role } from '@tutti/protocol';
import { makeDevices, makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';
import { rowsOf, testDatabaseKinds, withTenant } from './index.ts';

/** Every tenant table, and what identifies org B's rows in it. */
const tenantTables = [
  ['organizations', 'id'],
  ['memberships', 'org_id'],
  ['agents', 'org_id'],
  ['devices', 'org_id'],
  ['device_events', 'org_id'],
  ['audit_log', 'org_id'],
  ['invitations', 'org_id'],
  ['api_tokens', 'org_id'],
  ['sign_in_providers', 'org_id'],
  ['licenses', 'org_id'],
  ['locations', 'org_id'],
] as const;

/**
 * The tenancy matrix: org B (a client of support org S) is the target. Its neighbours try to read and change B's
 * data through every identity route and the devices routes, and through raw SQL as the app role: a user of an
 * unrelated org X, a user of B's sibling client A, and a member of S without an account in B.
 */
describe.each(await testDatabaseKinds())('tenancy matrix on %s', (kind) => {
  let hub: TestHub;
  const ids = { support: '', sibling: '', outsider: '', target: '' };
  const of = { device: '', agent: '', user: '', invited: '', token: '', location: '' };
  const callers: Record<string, Record<string, string>> = {};
  const scopes: Record<string, string[]> = {};
  /** Every table with an org_id column, whatever feature added it, plus organizations by id. */
  let everyTenantTable: Array<readonly [string, string]> = [];

  async function orgTables(): Promise<string[]> {
    return rowsOf<{ name: string }>(
      await hub.database.db.execute(sql`
        SELECT DISTINCT table_name AS name FROM information_schema.columns
        WHERE table_schema = 'public' AND column_name = 'org_id' ORDER BY 1`),
    ).map((row) => row.name);
  }

  async function snapshot(): Promise<string> {
    const parts: unknown[] = [];
    for (const [table, column] of tenantTables) {
      parts.push(
        rowsOf(
          await hub.database.db.execute(
            sql`SELECT * FROM ${sql.identifier(table)} WHERE ${sql.identifier(column)} = ${ids.target}::uuid ORDER BY 1`,
          ),
        ),
      );
    }
    parts.push(
      rowsOf(
        await hub.database.db.execute(
          sql`SELECT u.* FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.org_id = ${ids.target}::uuid ORDER BY u.id`,
        ),
      ),
    );
    // last_seen_at / last_accessed_at move on reads; the matrix is about changes.
    return JSON.stringify(parts, (key, value: unknown) => (key.startsWith('last_') ? undefined : value));
  }

  beforeAll(async () => {
    hub = await startTestHub({ kind });
    const db = hub.database.db;
    const support = await makeOrg(db, { name: 'Support S', kind: 'support' });
    const otherSupport = await makeOrg(db, { name: 'Support T', kind: 'support' });
    ids.support = support.id;
    ids.sibling = (await makeOrg(db, { name: 'Client A', parentId: support.id })).id;
    ids.target = (await makeOrg(db, { name: 'Client B', parentId: support.id })).id;
    ids.outsider = (await makeOrg(db, { name: 'Client X', parentId: otherSupport.id })).id;

    const targetOwner = await makeUser(db, ids.target, { role: 'owner' });
    const targetCookies = await signInCookies(hub.app, targetOwner.email, targetOwner.password);
    const { agent } = await makeDevices(db, ids.target, 2);
    of.agent = agent.id;
    const call = (method: InjectOptions['method'], url: string, payload?: InjectOptions['payload']) =>
      hub.app.inject({ method, url: `/api/v1${url}`, cookies: targetCookies, ...(payload ? { payload } : {}) });
    of.device = (await call('GET', '/devices')).json<{ items: Array<{ id: string }> }>().items[0]!.id;
    of.location = (await call('POST', '/locations', { name: 'Boardroom' })).json<{ id: string }>().id;
    await call('POST', '/locations/assign', { locationId: of.location, deviceIds: [of.device] });
    const users = await call('POST', '/users/invitations', {
      emails: ['tech@b.test', 'new@b.test'],
      role: 'technician',
    });
    of.user = users.json<{ items: Array<{ id: string }> }>().items[0]!.id;
    of.invited = users.json<{ items: Array<{ id: string }> }>().items[1]!.id;
    of.token = (await call('POST', '/tokens', { name: 'ci', role: 'monitor' })).json<{
      apiToken: { id: string };
    }>().apiToken.id;

    const ldap = await call('PUT', '/sign-in-providers/ldap', {
      url: 'ldap://127.0.0.1:3389',
      bindDn: 'cn=reader,dc=b,dc=test',
      bindPassword: 'Reader-1!',
      userSearchBase: 'ou=people,dc=b,dc=test',
      groupRoles: [{ match: 'admins', role: 'administrator' }],
    });
    if (ldap.statusCode !== 200) throw new Error(ldap.body);
    await db.execute(
      sql`INSERT INTO licenses (org_id, payload, signature, max_pro_audio_devices, expires_at)
          VALUES (${ids.target}::uuid, '{}'::jsonb, 'sig', 10, now() + interval '1 day')`,
    );

    const make = async (name: string, orgId: string, role: Role) => {
      const person = await makeUser(db, orgId, { role });
      callers[name] = await signInCookies(hub.app, person.email, person.password);
      scopes[name] = [orgId];
    };
    await make('owner of unrelated org X', ids.outsider, 'owner');
    await make('owner of sibling client A', ids.sibling, 'owner');
    await make('technician of support org S (no account in B)', ids.support, 'technician');
    everyTenantTable = [['organizations', 'id'], ...(await orgTables()).map((name) => [name, 'org_id'] as const)];
  });
  afterAll(async () => hub?.close());

  const byId: Array<[InjectOptions['method'], (o: typeof of, target: string) => string, unknown]> = [
    ['GET', (o) => `/devices/${o.device}`, undefined],
    ['GET', (o) => `/users/${o.user}`, undefined],
    ['PATCH', (o) => `/users/${o.user}`, { role: 'monitor' }],
    ['DELETE', (o) => `/users/${o.user}`, undefined],
    ['POST', (o) => `/users/${o.invited}/resend-invitation`, {}],
    ['GET', (o) => `/servers/${o.agent}`, undefined],
    ['PATCH', (o) => `/servers/${o.agent}`, { enabled: false }],
    ['PUT', (o) => `/servers/${o.agent}/password`, { password: 'Hijack-Pass-77', confirmPassword: 'Hijack-Pass-77' }],
    ['DELETE', (o) => `/tokens/${o.token}`, undefined],
    ['PATCH', (o) => `/locations/${o.location}`, { name: 'Hijacked' }],
    ['DELETE', (o) => `/locations/${o.location}`, undefined],
    // Bodies that name B's rows are built once the ids exist.
    ['POST', () => '/locations/assign', (o: typeof of) => ({ locationId: o.location, deviceIds: [o.device] })],
    ['POST', () => '/locations/assign', (o: typeof of) => ({ locationId: null, deviceIds: [o.device] })],
    ['PATCH', (_o, target) => `/organizations/${target}`, { maxProAudioDevices: 9999 }],
    ['POST', () => '/auth/switch-organization', 'switch'],
  ];

  it.each(['owner of unrelated org X', 'owner of sibling client A', 'technician of support org S (no account in B)'])(
    "refuses the %s every read and change of org B's data, and changes nothing",
    async (caller) => {
      const before = await snapshot();
      for (const [method, url, body] of byId) {
        const payload =
          body === 'switch'
            ? { organizationId: ids.target }
            : typeof body === 'function'
              ? (body as (o: typeof of) => unknown)(of)
              : body;
        const response = await hub.app.inject({
          method,
          url: `/api/v1${url(of, ids.target)}`,
          cookies: callers[caller]!,
          ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
        });
        expect([403, 404], `${method} ${url(of, ids.target)} → ${response.statusCode}`).toContain(response.statusCode);
      }
      for (const list of [
        '/devices',
        '/users',
        '/servers',
        '/tokens',
        '/audit',
        '/organizations?limit=500',
        '/locations',
      ]) {
        const response = await hub.app.inject({ method: 'GET', url: `/api/v1${list}`, cookies: callers[caller]! });
        expect(response.statusCode).toBeLessThan(500);
        const text = response.body;
        for (const id of [of.device, of.user, of.agent, of.token, of.location]) expect(text, list).not.toContain(id);
      }
      expect(await snapshot()).toBe(before);
    },
  );

  it('puts every table that holds organization data under row-level security, and the app role cannot bypass it', async () => {
    const tables = rowsOf<{ name: string; rls: boolean; policies: number }>(
      await hub.database.db.execute(sql`
        SELECT c.relname AS name, c.relrowsecurity AS rls,
               (SELECT count(*)::int FROM pg_policies p WHERE p.schemaname = 'public' AND p.tablename = c.relname)
                 AS policies
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND EXISTS (
          SELECT 1 FROM information_schema.columns col
          WHERE col.table_schema = 'public' AND col.table_name = c.relname AND col.column_name = 'org_id')
        ORDER BY 1`),
    );
    // Every tenant table of every feature (jobs, alerts, billing, chat, webhooks, …), not only the listed ones.
    expect(tables.map((table) => table.name)).toEqual(
      expect.arrayContaining(tenantTables.map(([name]) => name).filter((name) => name !== 'organizations')),
    );
    expect(tables.filter((table) => !table.rls || table.policies === 0).map((table) => table.name)).toEqual([]);
    const role = rowsOf<{ bypass: boolean; superuser: boolean }>(
      await hub.database.db.execute(
        sql`SELECT rolbypassrls AS bypass, rolsuper AS superuser FROM pg_roles WHERE rolname = 'tutti_app'`,
      ),
    );
    expect(role).toEqual([{ bypass: false, superuser: false }]);
  });

  it('lets the support org see its client B in its own Organizations list, as the parent', async () => {
    const list = await hub.app.inject({
      method: 'GET',
      url: '/api/v1/organizations',
      cookies: callers['technician of support org S (no account in B)']!,
    });
    expect(list.json<{ items: Array<{ id: string }> }>().items.map((o) => o.id)).toContain(ids.target);
  });

  it.each(['owner of unrelated org X', 'owner of sibling client A', 'technician of support org S (no account in B)'])(
    "hides and protects org B's rows from raw SQL as the app role scoped like the %s",
    async (caller) => {
      const db = hub.database.db;
      const before = await snapshot();
      const scope = scopes[caller]!;
      for (const [table, column] of everyTenantTable) {
        const seen = await withTenant(db, scope, async (tx) =>
          rowsOf(
            await tx.execute(
              sql`SELECT 1 FROM ${sql.identifier(table)} WHERE ${sql.identifier(column)} = ${ids.target}::uuid`,
            ),
          ),
        );
        // The parent's Organizations list is the one thing it sees of a client: the organization row itself.
        const parentSeesOrgRow = table === 'organizations' && scope[0] === ids.support;
        expect(seen.length > 0, table).toBe(parentSeesOrgRow);
        if (table === 'audit_log' || table === 'device_events') continue; // append-only for everyone
        const changed = await withTenant(db, scope, async (tx) =>
          rowsOf(
            await tx.execute(
              sql`DELETE FROM ${sql.identifier(table)} WHERE ${sql.identifier(column)} = ${ids.target}::uuid RETURNING 1`,
            ),
          ),
        ).catch(() => []);
        expect(changed, table).toHaveLength(0);
      }
      const users = await withTenant(db, scope, async (tx) =>
        rowsOf(await tx.execute(sql`SELECT id FROM users WHERE id = ${of.user}::uuid`)),
      );
      expect(users).toHaveLength(0);
      const forged = withTenant(db, scope, (tx) =>
        tx.execute(
          sql`INSERT INTO memberships (org_id, user_id, role) SELECT ${ids.target}::uuid, id, 'owner' FROM users LIMIT 1`,
        ),
      );
      await expect(forged).rejects.toThrow();
      const passwordHashes = withTenant(db, scope, (tx) => tx.execute(sql`SELECT password_hash FROM users`));
      await expect(passwordHashes).rejects.toThrow();
      expect(await snapshot()).toBe(before);
    },
  );
});

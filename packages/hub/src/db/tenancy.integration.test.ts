import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeDevices, makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';
import { rowsOf, testDatabaseKinds, withTenant } from './index.ts';

/** The database's own words for a failed statement (Drizzle wraps them in a "Failed query" error). */
async function failureOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return `${(error as Error).message} ${cause?.message ?? ''}`;
  }
  return 'no failure';
}

describe.each(await testDatabaseKinds())('tenant isolation on %s', (kind) => {
  let hub: TestHub;
  let orgA: { id: string };
  let orgB: { id: string };
  let cookiesA: Record<string, string>;
  let deviceOfB: string;

  beforeAll(async () => {
    hub = await startTestHub({ kind });
    const db = hub.database.db;
    orgA = await makeOrg(db, { name: 'Org A' });
    orgB = await makeOrg(db, { name: 'Org B' });
    await makeDevices(db, orgA.id, 2);
    await makeDevices(db, orgB.id, 3);
    const userA = await makeUser(db, orgA.id);
    cookiesA = await signInCookies(hub.app, userA.email, userA.password);
    const [row] = rowsOf<{ id: string }>(
      await db.execute(sql`SELECT id FROM devices WHERE org_id = ${orgB.id}::uuid LIMIT 1`),
    );
    deviceOfB = row!.id;
  });
  afterAll(async () => hub?.close());

  it("gives a user of org A a 404 for org B's device, and lists only org A's devices", async () => {
    const response = await hub.app.inject({ method: 'GET', url: `/api/v1/devices/${deviceOfB}`, cookies: cookiesA });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('DEVICE_NOT_FOUND');
    const list = await hub.app.inject({ method: 'GET', url: '/api/v1/devices', cookies: cookiesA });
    expect(list.json().total).toBe(2);
  });

  it("hides org B's rows from a raw query run as the app role with org A set", async () => {
    const db = hub.database.db;
    const seen = await withTenant(db, [orgA.id], async (tx) => ({
      devices: rowsOf<{ org_id: string }>(await tx.execute(sql`SELECT org_id FROM devices`)),
      events: rowsOf<{ org_id: string }>(await tx.execute(sql`SELECT org_id FROM device_events`)),
      orgs: rowsOf<{ id: string }>(await tx.execute(sql`SELECT id FROM organizations`)),
      agents: rowsOf<{ org_id: string }>(await tx.execute(sql`SELECT org_id FROM agents`)),
    }));
    expect(seen.devices).toHaveLength(2);
    expect(seen.devices.every((row) => row.org_id === orgA.id)).toBe(true);
    expect(seen.events.every((row) => row.org_id === orgA.id)).toBe(true);
    expect(seen.orgs.map((row) => row.id)).toEqual([orgA.id]);
    expect(seen.agents.every((row) => row.org_id === orgA.id)).toBe(true);
  });

  it("cannot change org B's rows or write rows into org B as the app role with org A set", async () => {
    const db = hub.database.db;
    const updated = await withTenant(db, [orgA.id], async (tx) =>
      rowsOf(await tx.execute(sql`UPDATE devices SET name = 'hijacked' WHERE org_id = ${orgB.id}::uuid RETURNING id`)),
    );
    expect(updated).toHaveLength(0);
    const moved = await failureOf(
      withTenant(db, [orgA.id], (tx) =>
        tx.execute(sql`UPDATE devices SET org_id = ${orgB.id}::uuid WHERE org_id = ${orgA.id}::uuid`),
      ),
    );
    expect(moved).toMatch(/row-level security/);
    const names = rowsOf<{ name: string }>(await db.execute(sql`SELECT name FROM devices WHERE name = 'hijacked'`));
    expect(names).toHaveLength(0);
  });

  it('finds nothing of org B through the device search function, which runs past row-level security', async () => {
    const db = hub.database.db;
    const search = (orgIds: string[], org: string) =>
      withTenant(db, orgIds, async (tx) =>
        rowsOf(await tx.execute(sql`SELECT id FROM tutti_search_device_rows(${org}::uuid, '%', '{}')`)),
      );
    expect(await search([orgA.id], orgA.id)).toHaveLength(2);
    expect(await search([orgA.id], orgB.id)).toHaveLength(0);
    expect(await search([], orgB.id)).toHaveLength(0);
  });

  it('sees nothing as the app role with no organization set, and cannot read sessions or users at all', async () => {
    const db = hub.database.db;
    const devices = await withTenant(db, [], async (tx) => rowsOf(await tx.execute(sql`SELECT id FROM devices`)));
    expect(devices).toHaveLength(0);
    expect(await failureOf(withTenant(db, [orgA.id], (tx) => tx.execute(sql`SELECT * FROM sessions`)))).toMatch(
      /permission denied/,
    );
  });

  it('keeps the audit log append-only', async () => {
    expect(await failureOf(hub.database.db.execute(sql`DELETE FROM audit_log`))).toMatch(/append-only/);
  });
});

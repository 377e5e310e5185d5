import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';
import { verifyAuditChain } from './audit.service.ts';

let hub: TestHub;
let cookies: Record<string, string>;

beforeAll(async () => {
  hub = await startTestHub();
  const org = await makeOrg(hub.database.db, { name: 'Audited' });
  const admin = await makeUser(hub.database.db, org.id, { email: 'auditor@example.test', role: 'owner' });
  cookies = await signInCookies(hub.app, admin.email, admin.password);
  await hub.app.inject({
    method: 'POST',
    url: '/api/v1/servers',
    cookies,
    payload: { name: 'Site North', password: 'Sturdy-Lantern-73', confirmPassword: 'Sturdy-Lantern-73' },
  });
});
afterAll(async () => hub.close());

describe('audit log', () => {
  it('lists entries of the current organization with filters', async () => {
    const all = await hub.app.inject({ method: 'GET', url: '/api/v1/audit', cookies });
    expect(all.statusCode).toBe(200);
    const actions = all.json<{ items: Array<{ action: string }> }>().items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['agent.create', 'auth.sign_in', 'user.create']));
    const agents = await hub.app.inject({ method: 'GET', url: '/api/v1/audit?action=agent.', cookies });
    expect(agents.json<{ items: Array<{ action: string }> }>().items.map((e) => e.action)).toEqual(['agent.create']);
    const future = await hub.app.inject({ method: 'GET', url: '/api/v1/audit?from=2999-01-01T00:00:00Z', cookies });
    expect(future.json<{ total: number }>().total).toBe(0);
    const bad = await hub.app.inject({
      method: 'GET',
      url: '/api/v1/audit?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z',
      cookies,
    });
    expect(bad.statusCode).toBe(400);
  });

  it('filters by client address, whole or its beginning, and refuses text that is not one', async () => {
    // A sign-in through a dual-stack listener records the IPv4-mapped IPv6 form.
    const signIn = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      remoteAddress: '::ffff:10.20.30.40',
      payload: { email: 'auditor@example.test', password: 'Correct-horse-9' },
    });
    expect(signIn.statusCode).toBe(200);
    const entries = async (query: string) => {
      const response = await hub.app.inject({ method: 'GET', url: `/api/v1/audit?${query}`, cookies });
      expect(response.statusCode).toBe(200);
      return response.json<{ items: Array<{ ip: string | null }> }>().items.map((entry) => entry.ip);
    };
    const loopback = await entries('ip=127.0.0.1');
    expect(loopback.length).toBeGreaterThan(0);
    expect(new Set(loopback)).toEqual(new Set(['127.0.0.1']));
    expect(await entries('ip=127.0.')).toEqual(loopback);
    expect(await entries('ip=127.0.0.12')).toEqual([]);
    expect(await entries('ip=10.20.30.40')).toEqual(['::ffff:10.20.30.40']);
    expect(await entries('ip=10.20')).toEqual(['::ffff:10.20.30.40']);
    expect(await entries('ip=%3A%3AFFFF%3A10.')).toEqual(['::ffff:10.20.30.40']);
    expect(await entries('ip=2001%3Adb8%3A')).toEqual([]);
    for (const bad of ['127.0.0.256', 'localhost', '%25', '1%3A%3A2%3A%3A3', '10.1.2.3%2F8']) {
      const response = await hub.app.inject({ method: 'GET', url: `/api/v1/audit?ip=${bad}`, cookies });
      expect(response.statusCode).toBe(400);
      expect(response.json<{ error: { code: string } }>().error.code).toBe('VALIDATION_FAILED');
    }
    const csv = await hub.app.inject({ method: 'GET', url: '/api/v1/audit/export.csv?ip=10.20.', cookies });
    expect(csv.body.trim().split('\r\n')).toHaveLength(2);
  });

  it('sorts by a list column, either way, and refuses an unknown sort key', async () => {
    const actionsBy = async (sort: string) => {
      const response = await hub.app.inject({ method: 'GET', url: `/api/v1/audit?sort=${sort}`, cookies });
      expect(response.statusCode).toBe(200);
      return response.json<{ items: Array<{ action: string }> }>().items.map((e) => e.action);
    };
    const ascending = await actionsBy('action');
    expect(ascending).toEqual([...ascending].sort());
    expect(new Set(ascending).size).toBeGreaterThan(1);
    expect(await actionsBy('-action')).toEqual([...ascending].reverse());
    const unknown = await hub.app.inject({ method: 'GET', url: '/api/v1/audit?sort=hash', cookies });
    expect(unknown.statusCode).toBe(400);
  });

  it('exports CSV with quoting', async () => {
    const csv = await hub.app.inject({ method: 'GET', url: '/api/v1/audit/export.csv?action=agent', cookies });
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,action,target,before,after,ip,hash');
    expect(lines[1]).toContain('"{""name"":""Site North""}"');
    expect(lines.every((line, index) => index === 0 || line.split(',')[3] === 'agent.create')).toBe(true);
    const none = await hub.app.inject({ method: 'GET', url: '/api/v1/audit/export.csv?actor=nobody', cookies });
    expect(none.body).toBe('id,at,actor,action,target,before,after,ip,hash\r\n');
  });

  it('verifies the hash chain and finds a tampered entry', async () => {
    const report = await verifyAuditChain(hub.database.db);
    expect(report.ok).toBe(true);
    expect(report.entries).toBeGreaterThan(3);
    await hub.database.db.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
    await hub.database.db.execute(
      sql`UPDATE audit_log SET actor_label = 'someone-else' WHERE id = (SELECT min(id) + 1 FROM audit_log)`,
    );
    const broken = await verifyAuditChain(hub.database.db);
    expect(broken.ok).toBe(false);
    expect(broken.brokenAt?.reason).toBe('hash');
  });
});

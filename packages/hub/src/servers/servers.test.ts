import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { authenticateAgent } from '../agents/index.ts';
import { makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

let hub: TestHub;
let cookies: Record<string, string>;
const password = 'Sturdy-Lantern-73';

beforeAll(async () => {
  hub = await startTestHub();
  const org = await makeOrg(hub.database.db, { name: 'Servers Inc' });
  const admin = await makeUser(hub.database.db, org.id);
  cookies = await signInCookies(hub.app, admin.email, admin.password);
});
afterAll(async () => hub.close());

const add = (body: Record<string, unknown>) =>
  hub.app.inject({ method: 'POST', url: '/api/v1/servers', cookies, payload: body });

describe('servers and API tokens', () => {
  it('adds a server, refuses a duplicate name, rotates the password, and a disabled one cannot sign in', async () => {
    const created = await add({ name: 'Apps200', password, confirmPassword: password });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      name: 'Apps200',
      status: 'disconnected',
      enabled: true,
      organizationName: 'Servers Inc',
      enabledSubnets: { enabled: 0, total: 0 },
    });
    const duplicate = await add({ name: 'apps200', password, confirmPassword: password });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('SERVER_NAME_TAKEN');
    expect((await add({ name: 'X', password, confirmPassword: 'other' })).statusCode).toBe(400);
    expect((await add({ name: 'X', password: 'Password1!', confirmPassword: 'Password1!' })).json().error.code).toBe(
      'PASSWORD_TOO_WEAK',
    );

    const id = created.json<{ id: string }>().id;
    const rotated = await hub.app.inject({
      method: 'PUT',
      url: `/api/v1/servers/${id}/password`,
      cookies,
      payload: { password: 'Copper-Meadow-27', confirmPassword: 'Copper-Meadow-27' },
    });
    expect(rotated.statusCode).toBe(204);
    await expect(authenticateAgent(hub.database.db, 'Apps200', 'Copper-Meadow-27', undefined)).resolves.toBeTruthy();
    const disabled = await hub.app.inject({
      method: 'PATCH',
      url: `/api/v1/servers/${id}`,
      cookies,
      payload: { enabled: false },
    });
    expect(disabled.json().enabled).toBe(false);
    await expect(authenticateAgent(hub.database.db, 'Apps200', 'Copper-Meadow-27', undefined)).rejects.toThrow();
    const list = await hub.app.inject({ method: 'GET', url: '/api/v1/servers?q=apps', cookies });
    expect(list.json().total).toBe(1);
  });

  it('searches the agent version too and filters by monitoring system', async () => {
    for (const name of ['Lobby Rack', 'Boardroom Rack']) {
      expect((await add({ name, password, confirmPassword: password })).statusCode).toBe(201);
    }
    // What a connected agent reports about itself.
    await hub.database.db.execute(
      sql`UPDATE agents SET version = '3.7.2', monitoring = 'issue' WHERE name = 'Lobby Rack'`,
    );
    await hub.database.db.execute(sql`UPDATE agents SET version = '3.6.0' WHERE name = 'Boardroom Rack'`);
    const names = async (query: string) => {
      const response = await hub.app.inject({ method: 'GET', url: `/api/v1/servers?${query}`, cookies });
      expect(response.statusCode).toBe(200);
      return response.json<{ items: Array<{ name: string }> }>().items.map((server) => server.name);
    };
    expect(await names('q=3.7')).toEqual(['Lobby Rack']);
    expect(await names('q=3.&sort=-version')).toEqual(['Lobby Rack', 'Boardroom Rack']);
    expect(await names('monitoringSystem=issue')).toEqual(['Lobby Rack']);
    expect(await names('monitoringSystem=off&q=rack')).toEqual(['Boardroom Rack']);
    const bad = await hub.app.inject({ method: 'GET', url: '/api/v1/servers?monitoringSystem=broken', cookies });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { code: string } }>().error.code).toBe('VALIDATION_FAILED');
  });

  it('accepts a Bearer API token with its role, shows it once, and stops accepting it when revoked', async () => {
    const created = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      cookies,
      payload: { name: 'monitoring', role: 'monitor' },
    });
    expect(created.statusCode).toBe(201);
    const { token, apiToken } = created.json<{ token: string; apiToken: { id: string } }>();
    expect(token.startsWith('tutti_')).toBe(true);
    const listed = await hub.app.inject({ method: 'GET', url: '/api/v1/tokens', cookies });
    expect(listed.body).not.toContain(token);

    const bearer = { authorization: `Bearer ${token}` };
    expect((await hub.app.inject({ method: 'GET', url: '/api/v1/devices', headers: bearer })).statusCode).toBe(200);
    const manage = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/servers',
      headers: bearer,
      payload: { name: 'T1', password, confirmPassword: password },
    });
    expect(manage.statusCode).toBe(403);
    const session = await hub.app.inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: bearer });
    expect(session.json().error.code).toBe('SESSION_REQUIRED');

    const revoked = await hub.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${apiToken.id}`, cookies });
    expect(revoked.statusCode).toBe(204);
    expect((await hub.app.inject({ method: 'GET', url: '/api/v1/devices', headers: bearer })).statusCode).toBe(401);
    const bogus = { authorization: 'Bearer tutti_not-a-token' };
    expect((await hub.app.inject({ method: 'GET', url: '/api/v1/devices', headers: bogus })).statusCode).toBe(401);
  });
});

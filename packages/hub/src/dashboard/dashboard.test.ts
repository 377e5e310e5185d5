import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dashboard, DeviceList, LocationDto } from '@tutti/protocol';
import { makeDevices, makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

let hub: TestHub;
const ids = { support: '', clientA: '', clientB: '' };

beforeAll(async () => {
  hub = await startTestHub();
  const db = hub.database.db;
  const support = await makeOrg(db, { name: 'Support S', kind: 'support' });
  const clientA = await makeOrg(db, { name: 'Client A', parentId: support.id });
  const clientB = await makeOrg(db, { name: 'Client B', parentId: support.id });
  const unrelated = await makeOrg(db, { name: 'Unrelated U' });
  Object.assign(ids, { support: support.id, clientA: clientA.id, clientB: clientB.id });
  await makeDevices(db, clientA.id, 2);
  await makeDevices(db, clientA.id, 1, { status: 'down' });
  await makeDevices(db, clientB.id, 1, { status: 'login_failed' });
  await makeDevices(db, unrelated.id, 4);
});
afterAll(async () => hub.close());

async function signedIn(orgId: string) {
  const user = await makeUser(hub.database.db, orgId);
  const cookies = await signInCookies(hub.app, user.email, user.password);
  const get = async <T>(url: string) => (await hub.app.inject({ method: 'GET', url, cookies })).json<T>();
  const post = (url: string, payload: object) => hub.app.inject({ method: 'POST', url, cookies, payload });
  return { get, post };
}

describe('dashboard', () => {
  it('sums up a support organization’s clients and nobody else’s', async () => {
    const support = await signedIn(ids.support);
    const dashboard = await support.get<Dashboard>('/api/v1/dashboard');
    expect(dashboard.clients).toEqual([
      { id: ids.clientA, name: 'Client A', healthy: 2, issue: 0, down: 1, total: 3 },
      { id: ids.clientB, name: 'Client B', healthy: 0, issue: 1, down: 0, total: 1 },
    ]);
    expect(dashboard.devices.total).toBe(0);
  });

  it('shows a client its location tree with rolled-up counts and no clients', async () => {
    const client = await signedIn(ids.clientA);
    const florida = (await client.post('/api/v1/locations', { name: 'Florida' })).json<LocationDto>();
    const miami = (
      await client.post('/api/v1/locations', { name: 'Miami HQ', parentId: florida.id })
    ).json<LocationDto>();
    const down = await client.get<DeviceList>('/api/v1/devices?severity=down');
    await client.post('/api/v1/locations/assign', { locationId: miami.id, deviceIds: [down.items[0]!.id] });

    const dashboard = await client.get<Dashboard>('/api/v1/dashboard');
    expect(dashboard.clients).toEqual([]);
    expect(dashboard.locations.map((node) => [node.path, node.devices.down, node.devices.total])).toEqual([
      ['Florida', 1, 1],
      ['Florida > Miami HQ', 1, 1],
    ]);
    expect(dashboard.unassigned).toEqual({ healthy: 2, issue: 0, down: 0, total: 2 });
  });
});

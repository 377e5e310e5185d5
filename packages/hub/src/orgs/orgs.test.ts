import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAgent, makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

let hub: TestHub;
let support: { id: string };
let cookies: Record<string, string>;

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  hub.app.inject({ method, url: `/api/v1${url}`, cookies, ...(payload ? { payload } : {}) });

beforeAll(async () => {
  hub = await startTestHub();
  support = await makeOrg(hub.database.db, { name: 'Support Desk', kind: 'support' });
  const owner = await makeUser(hub.database.db, support.id, { role: 'owner' });
  cookies = await signInCookies(hub.app, owner.email, owner.password);
  for (const [name, maxProAudioDevices, startDate, endDate] of [
    ['Beta Studios', 20, '2020-01-01', null],
    ['Alpha Hall', 5, '2020-01-01', '2020-12-31'],
    ['Gamma Arena', 50, '2024-06-01', '2099-06-30'],
  ] as const) {
    const created = await call('POST', '/organizations', {
      name,
      initialOwner: { email: `owner@${name.split(' ')[0]!.toLowerCase()}.test` },
      clientReference: `REF-${name[0]}`,
      maxProAudioDevices,
      startDate,
      endDate,
    });
    expect(created.statusCode).toBe(201);
    if (name === 'Beta Studios') await makeAgent(hub.database.db, created.json<{ id: string }>().id);
  }
});
afterAll(async () => hub.close());

describe('organizations table', () => {
  const names = async (query: string) =>
    (await call('GET', `/organizations${query}`)).json<{ items: Array<{ name: string }> }>().items.map((o) => o.name);

  it('sorts by any column, both ways', async () => {
    expect(await names('?sort=name')).toEqual(['Alpha Hall', 'Beta Studios', 'Gamma Arena']);
    expect(await names('?sort=-devicesAllocated')).toEqual(['Gamma Arena', 'Beta Studios', 'Alpha Hall']);
  });

  it('searches name, account number and client reference, and filters by derived status', async () => {
    expect(await names('?q=ref-g')).toEqual(['Gamma Arena']);
    expect(await names('?status=expired')).toEqual(['Alpha Hall']);
    expect(await names('?status=invited&sort=name')).toEqual(['Beta Studios', 'Gamma Arena']);
    expect((await call('GET', '/organizations?status=sleeping')).statusCode).toBe(400);
  });

  it('filters by plan start and end dates and by having a server, and refuses a reversed range', async () => {
    expect(await names('?endFrom=2099-01-01')).toEqual(['Gamma Arena']);
    expect(await names('?endTo=2099-06-29')).toEqual(['Alpha Hall']);
    // An open-ended plan has no end date to fall in a range.
    expect(await names('?endFrom=2000-01-01&sort=name')).toEqual(['Alpha Hall', 'Gamma Arena']);
    expect(await names('?startFrom=2024-06-01')).toEqual(['Gamma Arena']);
    expect(await names('?startTo=2024-05-31&sort=name')).toEqual(['Alpha Hall', 'Beta Studios']);
    expect(await names('?hasServers=true')).toEqual(['Beta Studios']);
    expect(await names('?hasServers=false&sort=name')).toEqual(['Alpha Hall', 'Gamma Arena']);
    for (const bad of ['endFrom=2025-02-30', 'startFrom=2025-01-02&startTo=2025-01-01', 'hasServers=maybe']) {
      const response = await call('GET', `/organizations?${bad}`);
      expect(response.statusCode).toBe(400);
      expect(response.json<{ error: { code: string } }>().error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('lets an organization rename itself but not change its own plan', async () => {
    const renamed = await call('PATCH', `/organizations/${support.id}`, { name: 'Support Desk EMEA' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Support Desk EMEA' });
    const plan = await call('PATCH', `/organizations/${support.id}`, { name: 'X', maxProAudioDevices: 9999 });
    expect(plan.statusCode).toBe(403);
    const audit = await call('GET', '/audit?action=organization.update');
    expect(audit.json<{ items: Array<{ target: string }> }>().items[0]?.target).toBe(`organization:${support.id}`);
  });
});

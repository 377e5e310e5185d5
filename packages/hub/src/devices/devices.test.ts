import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceList } from '@tutti/protocol';
import { makeDeviceReport, makeOrg, makeUser } from '../testing/factories.ts';
import { makeAgent } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';
import { ingestAgentEvents } from '../agents/index.ts';

let hub: TestHub;
let cookies: Record<string, string>;

beforeAll(async () => {
  hub = await startTestHub();
  const db = hub.database.db;
  const org = await makeOrg(db);
  const user = await makeUser(db, org.id);
  const agent = await makeAgent(db, org.id, 'Site-A');
  const reports = [
    makeDeviceReport({ serial: '0001-0000-01', name: 'Boardroom DSP', accessIp: '127.20.1.100', status: 'down' }),
    makeDeviceReport({
      serial: '0001-0000-02',
      name: 'Lobby Huddle',
      model: 'CONVERGE_HUDDLE',
      accessIp: '127.20.1.15',
    }),
    makeDeviceReport({ serial: '0001-0000-03', name: 'Ceiling mic', model: 'BMA_360', status: 'locate_light_on' }),
    makeDeviceReport({ serial: '0001-0000-04', name: 'Training DSP', firmware: '4.9.0.1', status: 'overheating' }),
  ];
  await ingestAgentEvents(
    db,
    agent,
    reports.map((device, index) => ({
      seq: index + 1,
      at: new Date().toISOString(),
      kind: 'device.seen' as const,
      device,
    })),
  );
  cookies = await signInCookies(hub.app, user.email, user.password);
});
afterAll(async () => hub?.close());

async function list(query: string): Promise<{ status: number; body: DeviceList & { error?: { code: string } } }> {
  const response = await hub.app.inject({ method: 'GET', url: `/api/v1/devices${query}`, cookies });
  return { status: response.statusCode, body: response.json() };
}

describe('GET /api/v1/devices', () => {
  it('lists the organization devices with severity counts and connection paths', async () => {
    const { status, body } = await list('');
    expect(status).toBe(200);
    expect(body.total).toBe(4);
    expect(body.counts).toEqual({ healthy: 1, issue: 2, down: 1 });
    const dsp = body.items.find((d) => d.serial === '0001-0000-01')!;
    expect(dsp.connectionPath).toBe('Server Site-A > Subnet 127.20.1.0 (lo) > Stack Boardroom > C-Link 00');
    expect(dsp.severity).toBe('down');
    expect(dsp.modelName).toBe('CONVERGE Pro 2 128T');
  });

  it('searches by name, serial, firmware and product name', async () => {
    expect((await list('?q=lobby')).body.items.map((d) => d.serial)).toEqual(['0001-0000-02']);
    expect((await list('?q=0000-03')).body.items.map((d) => d.serial)).toEqual(['0001-0000-03']);
    expect((await list('?q=4.9.0')).body.items.map((d) => d.serial)).toEqual(['0001-0000-04']);
    expect((await list('?q=BMA%20360')).body.items.map((d) => d.serial)).toEqual(['0001-0000-03']);
  });

  it('filters by status and severity', async () => {
    expect((await list('?status=overheating')).body.items.map((d) => d.serial)).toEqual(['0001-0000-04']);
    expect((await list('?status=overheating&status=down')).body.total).toBe(2);
    expect((await list('?severity=issue')).body.total).toBe(2);
  });

  it('sorts by status severity, by IP numerically, and pages', async () => {
    expect((await list('?sort=status')).body.items[0]!.status).toBe('down');
    expect((await list('?sort=-status')).body.items[0]!.status).toBe('healthy');
    const byIp = (await list('?sort=accessIp&q=127.20.1.1')).body.items.map((d) => d.accessIp);
    expect(byIp.indexOf('127.20.1.15')).toBeLessThan(byIp.indexOf('127.20.1.100'));
    const page2 = await list('?sort=name&limit=3&page=2');
    expect(page2.body.items.map((d) => d.name)).toEqual(['Training DSP']);
    expect(page2.body.total).toBe(4);
  });

  it.each([
    ['an unknown parameter', '?colour=red'],
    ['an unknown status', '?status=sleepy'],
    ['a bad sort field', '?sort=password'],
    ['a non-numeric page', '?page=two'],
    ['a limit above the maximum', '?limit=100000'],
  ])('rejects %s with 400 VALIDATION_FAILED', async (_name, query) => {
    const { status, body } = await list(query);
    expect(status).toBe(400);
    expect(body.error!.code).toBe('VALIDATION_FAILED');
  });

  it('needs a session', async () => {
    const response = await hub.app.inject({ method: 'GET', url: '/api/v1/devices' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('answers 404 with a code for a device that does not exist or is not a uuid', async () => {
    for (const id of ['00000000-0000-0000-0000-000000000000', 'not-a-uuid']) {
      const response = await hub.app.inject({ method: 'GET', url: `/api/v1/devices/${id}`, cookies });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('DEVICE_NOT_FOUND');
    }
  });
});

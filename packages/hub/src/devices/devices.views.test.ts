import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceListQuerySchema } from '@tutti/protocol';
import type {
  AgentEvent,
  AgentEventBody,
  Dashboard,
  DeviceDetail,
  DeviceHistory,
  DeviceList,
  DeviceReport,
} from '@tutti/protocol';
import { ingestAgentEvents, type AuthenticatedAgent } from '../agents/agents.service.ts';
import { getDashboard } from '../dashboard/index.ts';
import { withTenant } from '../db/index.ts';
import { makeAgent, makeDeviceReport, makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';
import { listDevicesOf } from './devices.service.ts';

let hub: TestHub;
let cookies: Record<string, string>;
let orgId: string;
let siteA: AuthenticatedAgent;
let siteB: AuthenticatedAgent;
const seqs = new Map<string, number>();

const T0 = Date.parse('2026-03-01T08:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

async function send(agent: AuthenticatedAgent, events: Array<AgentEventBody & { at: string }>) {
  const numbered = events.map((event): AgentEvent => {
    const seq = (seqs.get(agent.id) ?? 0) + 1;
    seqs.set(agent.id, seq);
    return { ...event, seq };
  });
  await ingestAgentEvents(hub.database.db, agent, numbered);
}

function unit(serial: string, clink: number, overrides: Partial<DeviceReport> = {}): DeviceReport {
  return makeDeviceReport({
    serial,
    name: `BOARDROOM_${clink + 1}`,
    accessIp: `127.40.1.${10 + clink}`,
    statusSince: at(0),
    connection: {
      subnet: '127.40.1.0',
      interfaceName: 'eth0',
      stack: 'BOARDROOM',
      clink,
      plink: null,
      hostSerial: null,
    },
    ...overrides,
  });
}

function peripheral(serial: string, host: string, clink: number, plink: number, model: DeviceReport['model']) {
  return makeDeviceReport({
    serial,
    model,
    name: `Mic ${plink}`,
    firmware: '2.1.0.8',
    accessIp: `127.40.1.${10 + clink}`,
    statusSince: at(0),
    connection: { subnet: '127.40.1.0', interfaceName: 'eth0', stack: 'BOARDROOM', clink, plink, hostSerial: host },
  });
}

async function get<T>(url: string): Promise<{ status: number; body: T & { error?: { code: string } } }> {
  const response = await hub.app.inject({ method: 'GET', url, cookies });
  return { status: response.statusCode, body: response.json() };
}

beforeAll(async () => {
  hub = await startTestHub();
  const db = hub.database.db;
  const org = await makeOrg(db);
  orgId = org.id;
  const user = await makeUser(db, org.id);
  siteA = await makeAgent(db, org.id, 'Site-A');
  siteB = await makeAgent(db, org.id, 'Site-B');
  await send(siteA, [
    { at: at(0), kind: 'device.seen', device: unit('4001', 0) },
    { at: at(0), kind: 'device.seen', device: unit('4002', 1, { firmware: '5.1.3.2' }) },
    { at: at(0), kind: 'device.seen', device: peripheral('4901', '4001', 0, 1, 'BMA_2') },
    { at: at(0), kind: 'device.seen', device: peripheral('4902', '4001', 0, 2, 'DIALOG_20') },
    { at: at(0), kind: 'device.seen', device: peripheral('4903', '4002', 1, 1, 'BMA_360') },
  ]);
  await send(siteB, [
    {
      at: at(0),
      kind: 'device.seen',
      device: makeDeviceReport({
        serial: '4101',
        model: 'CONVERGE_HUDDLE',
        name: 'Huddle',
        firmware: '1.3.0.4',
        statusSince: at(0),
        connection: {
          subnet: '127.40.2.0',
          interfaceName: 'lo',
          stack: 'HUDDLE',
          clink: 0,
          plink: null,
          hostSerial: null,
        },
      }),
    },
  ]);
  cookies = await signInCookies(hub.app, user.email, user.password);
});
afterAll(async () => hub.close());

describe('status since and history', () => {
  it('keeps since on repeated identical reports and moves it on a change, from the agent clock', async () => {
    await send(siteA, [{ at: at(5), kind: 'device.seen', device: unit('4001', 0, { statusSince: at(5) }) }]);
    const list = await get<DeviceList>('/api/v1/devices?q=4001');
    expect(list.body.items[0]!.statusSince).toBe(at(0));

    await send(siteA, [{ at: at(10), kind: 'device.status', serial: '4001', status: 'locate_light_on', since: at(9) }]);
    await send(siteA, [
      { at: at(12), kind: 'device.status', serial: '4001', status: 'locate_light_on', since: at(12) },
    ]);
    const after = await get<DeviceList>('/api/v1/devices?q=4001');
    expect(after.body.items[0]).toMatchObject({ status: 'locate_light_on', statusSince: at(9) });
  });

  it('takes the new start when a status changed and came back within one batch', async () => {
    await send(siteA, [
      { at: at(20), kind: 'device.status', serial: '4002', status: 'overheating', since: at(20) },
      { at: at(21), kind: 'device.status', serial: '4002', status: 'healthy', since: at(21) },
    ]);
    const list = await get<DeviceList>('/api/v1/devices?q=4002&family=converge_pro_2');
    expect(list.body.items[0]).toMatchObject({ status: 'healthy', statusSince: at(21) });
  });

  it('pages the timeline newest first with a cursor', async () => {
    const list = await get<DeviceList>('/api/v1/devices?q=4001&model=CONVERGE_PRO_2_128T');
    const id = list.body.items[0]!.id;
    await send(siteA, [{ at: at(30), kind: 'device.lost', serial: '4001' }]);
    const first = await get<DeviceHistory>(`/api/v1/devices/${id}/history?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((entry) => [entry.kind, entry.status])).toEqual([
      ['lost', 'down'],
      ['status', 'locate_light_on'],
    ]);
    expect(first.body.items[0]!.severity).toBe('down');
    const second = await get<DeviceHistory>(`/api/v1/devices/${id}/history?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((entry) => entry.kind)).toEqual(['status', 'seen']);
    const third = await get<DeviceHistory>(`/api/v1/devices/${id}/history?limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body.items.map((entry) => [entry.kind, entry.since])).toEqual([['seen', at(0)]]);
    expect(third.body.nextCursor).toBeNull();
    await send(siteA, [{ at: at(31), kind: 'device.seen', device: unit('4001', 0, { statusSince: at(31) }) }]);
  });
});

describe('GET /api/v1/devices/:id', () => {
  it('shows the connections path, peripherals and every stack member with theirs', async () => {
    const list = await get<DeviceList>('/api/v1/devices?q=4002');
    const detail = await get<DeviceDetail>(`/api/v1/devices/${list.body.items[0]!.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      serial: '4002',
      connectionPath: 'Server Site-A > Subnet 127.40.1.0 (eth0) > Stack BOARDROOM > C-Link 01',
      host: null,
      port: 23,
      lostAt: null,
    });
    expect(detail.body.peripherals.map((device) => device.serial)).toEqual(['4903']);
    expect(detail.body.stack?.name).toBe('BOARDROOM');
    expect(
      detail.body.stack?.members.map((member) => [member.device.serial, member.peripherals.map((p) => p.serial)]),
    ).toEqual([
      ['4001', ['4901', '4902']],
      ['4002', ['4903']],
    ]);
  });

  it('shows the host of a peripheral', async () => {
    const list = await get<DeviceList>('/api/v1/devices?q=4902');
    const detail = await get<DeviceDetail>(`/api/v1/devices/${list.body.items[0]!.id}`);
    expect(detail.body.connectionPath).toBe(
      'Server Site-A > Subnet 127.40.1.0 (eth0) > Stack BOARDROOM > C-Link 00 > P-Link 02',
    );
    expect(detail.body.host?.serial).toBe('4001');
    expect(detail.body.peripherals).toEqual([]);
  });

  it('does not show a device of another organization', async () => {
    const other = await makeOrg(hub.database.db);
    const agent = await makeAgent(hub.database.db, other.id);
    await ingestAgentEvents(hub.database.db, agent, [
      { seq: 1, at: at(0), kind: 'device.seen', device: makeDeviceReport({ serial: '4999' }) },
    ]);
    const theirs = await withTenant(hub.database.db, [other.id], (tx) =>
      listDevicesOf(tx, other.id, deviceListQuerySchema.parse({})),
    );
    const id = theirs.items[0]!.id;
    expect((await get(`/api/v1/devices/${id}`)).status).toBe(404);
    expect((await get(`/api/v1/devices/${id}/history`)).status).toBe(404);
  });
});

describe('devices list filters', () => {
  it.each([
    ['model', '?model=BMA_2&model=DIALOG_20', ['4901', '4902']],
    ['family', '?family=beamforming_mic', ['4901', '4903']],
    ['firmware', '?firmware=5.1.3.2', ['4002']],
    ['server', '?server=Site-B', ['4101']],
    ['subnet', '?subnet=127.40.2.0', ['4101']],
    ['stack', '?stack=BOARDROOM&family=converge_pro_2', ['4001', '4002']],
    ['model and family that exclude each other', '?model=BMA_2&family=dialog_20', []],
    ['status', '?status=healthy&server=Site-B', ['4101']],
    ['severity with text', '?severity=healthy&q=huddle', ['4101']],
  ])('filters by %s', async (_name, query, serials) => {
    const { status, body } = await get<DeviceList>(`/api/v1/devices${query}&sort=serial`);
    expect(status).toBe(200);
    expect(body.items.map((device) => device.serial)).toEqual(serials);
    expect(body.total).toBe(serials.length);
  });

  it('refuses an unknown family with 400', async () => {
    expect((await get('/api/v1/devices?family=speakers')).status).toBe(400);
  });
});

describe('Overflowed', () => {
  it('shows Pro Audio devices beyond the plan limit as Overflowed, first registered first covered', async () => {
    const list = await withTenant(hub.database.db, [orgId], (tx) =>
      listDevicesOf(tx, orgId, deviceListQuerySchema.parse({ sort: 'serial' }), { proAudioLimit: 4 }),
    );
    const overflowed = list.items.filter((device) => device.status === 'overflowed').map((device) => device.serial);
    expect(overflowed).toHaveLength(2);
    expect(overflowed).toContain('4101');
    expect(list.items.find((device) => device.status === 'overflowed')?.severity).toBe('issue');
    const filtered = await withTenant(hub.database.db, [orgId], (tx) =>
      listDevicesOf(tx, orgId, deviceListQuerySchema.parse({ status: 'overflowed' }), { proAudioLimit: 4 }),
    );
    expect(filtered).toMatchObject({ total: 2 });
    const unlimited = await get<DeviceList>('/api/v1/devices?status=overflowed');
    expect(unlimited.body.total).toBe(0);
  });
});

describe('GET /api/v1/dashboard', () => {
  it('counts devices by severity, model and server and lists recent changes', async () => {
    await send(siteB, [{ at: at(40), kind: 'device.status', serial: '4101', status: 'down', since: at(40) }]);
    const { status, body } = await get<Dashboard>('/api/v1/dashboard');
    expect(status).toBe(200);
    expect(body.devices).toEqual({ healthy: 5, issue: 0, down: 1, total: 6 });
    expect(body.byModel.find((row) => row.model === 'CONVERGE_PRO_2_128T')).toMatchObject({
      modelName: 'CONVERGE Pro 2 128T',
      family: 'converge_pro_2',
      total: 2,
      healthy: 2,
    });
    expect(body.byServer.map((server) => [server.name, server.total, server.down, server.monitoring])).toEqual([
      ['Site-A', 5, 0, 'off'],
      ['Site-B', 1, 1, 'off'],
    ]);
    expect(body.recentChanges[0]).toMatchObject({ serial: '4101', name: 'Huddle', kind: 'status', status: 'down' });
    expect(body.recentChanges.length).toBeLessThanOrEqual(20);
  });

  it('counts Overflowed devices as issues', async () => {
    const dashboard = await withTenant(hub.database.db, [orgId], (tx) => getDashboard(tx, orgId, { proAudioLimit: 0 }));
    expect(dashboard.devices).toEqual({ healthy: 0, issue: 6, down: 0, total: 6 });
  });

  it('needs a session', async () => {
    const response = await hub.app.inject({ method: 'GET', url: '/api/v1/dashboard' });
    expect(response.statusCode).toBe(401);
  });
});

import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceFtpState, DeviceList, DeviceReport } from '@tutti/protocol';
import { makeDeviceReport, makeOrg, makeUser } from '../testing/factories.ts';
import { makeAgent } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';
import { ingestAgentEvents } from '../agents/index.ts';
import { rowsOf } from '../db/index.ts';

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

  it('counts a search with the page, and still counts it when the status filter leaves the page empty', async () => {
    const found = await list('?q=DSP&sort=name');
    expect(found.body.items.map((d) => d.name)).toEqual(['Boardroom DSP', 'Training DSP']);
    expect([found.body.total, found.body.counts]).toEqual([2, { healthy: 0, issue: 1, down: 1 }]);
    const none = await list('?q=DSP&status=locate_light_on');
    expect(none.body.items).toEqual([]);
    expect([none.body.total, none.body.counts]).toEqual([0, { healthy: 0, issue: 1, down: 1 }]);
  });

  it('answers a page alone, without the total and the counts, for counts=false', async () => {
    const page = await list('?sort=name&limit=3&page=2&counts=false');
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ items: [expect.objectContaining({ name: 'Training DSP' })], page: 2, limit: 3 });
    const search = await list('?q=DSP&sort=-name&counts=false');
    expect(Object.keys(search.body).sort()).toEqual(['items', 'limit', 'page']);
    expect(search.body.items.map((d) => d.name)).toEqual(['Training DSP', 'Boardroom DSP']);
    const byConnection = await list('?sort=connection&counts=false');
    expect([byConnection.body.items.length, byConnection.body.total]).toEqual([4, undefined]);
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

describe('GET /api/v1/devices sorted by connection', () => {
  let theirCookies: Record<string, string>;

  const report = (serial: string, subnet: string, stack: string | null, clink: number | null): DeviceReport =>
    makeDeviceReport({
      serial,
      name: serial,
      connection: { subnet, interfaceName: 'lo', stack, clink, plink: null, hostSerial: null },
    });

  beforeAll(async () => {
    const db = hub.database.db;
    const org = await makeOrg(db);
    const user = await makeUser(db, org.id);
    // Servers created out of name order; the one named "Conn-Gone" is deleted, its devices stay without a server.
    const layout: Array<[string, DeviceReport[]]> = [
      ['Conn-B', [report('B2', '127.20.2.0', null, null), report('B1', '127.20.1.0', 'S', 1)]],
      ['Conn-Gone', [report('Z2', '127.20.9.0', null, null), report('Z1', '127.20.1.0', null, null)]],
      [
        'Conn-A',
        [
          report('A3', '127.20.3.0', null, null),
          report('A2', '127.20.1.0', 'S', 1),
          report('A1', '127.20.1.0', 'S', 0),
        ],
      ],
      ['Conn-C', [report('C1', '127.20.1.0', null, null)]],
    ];
    for (const [name, devices] of layout) {
      const agent = await makeAgent(db, org.id, name);
      await ingestAgentEvents(
        db,
        agent,
        devices.map((device, index) => ({ seq: index + 1, at: new Date().toISOString(), kind: 'device.seen', device })),
      );
    }
    await db.execute(sql`DELETE FROM agents WHERE org_id = ${org.id}::uuid AND name = 'Conn-Gone'`);
    theirCookies = await signInCookies(hub.app, user.email, user.password);
  });

  async function serials(query: string): Promise<string[]> {
    const response = await hub.app.inject({ method: 'GET', url: `/api/v1/devices${query}`, cookies: theirCookies });
    expect(response.statusCode).toBe(200);
    return response.json<DeviceList>().items.map((device) => device.serial);
  }

  // By server name, then subnet, stack, C-Link; devices without a server last (first when descending).
  const ascending = ['A1', 'A2', 'A3', 'B1', 'B2', 'C1', 'Z1', 'Z2'];
  const descending = ['Z2', 'Z1', 'C1', 'B2', 'B1', 'A3', 'A2', 'A1'];

  it('orders across servers by name and puts devices without a server at the end', async () => {
    expect(await serials('?sort=connection')).toEqual(ascending);
    expect(await serials('?sort=-connection')).toEqual(descending);
  });

  it.each([2, 3, 5])('pages of %i give the same order, across servers and into the serverless', async (limit) => {
    for (const [sort, expected] of [
      ['connection', ascending],
      ['-connection', descending],
    ] as const) {
      const pages: string[] = [];
      for (let page = 1; page <= Math.ceil(expected.length / limit) + 1; page += 1) {
        pages.push(...(await serials(`?sort=${sort}&limit=${limit}&page=${page}`)));
      }
      expect(pages).toEqual(expected);
    }
  });

  it('applies the filters to every server and to the devices without one', async () => {
    expect(await serials('?sort=connection&subnet=127.20.1.0&limit=3&page=2')).toEqual(['C1', 'Z1']);
    expect(await serials('?sort=connection&server=Conn-B&server=Conn-C')).toEqual(['B1', 'B2', 'C1']);
  });
});

describe('GET /api/v1/devices counts as statuses change', () => {
  it('counts from device_statuses exactly what the devices hold, through changes, losses and deletions', async () => {
    const db = hub.database.db;
    const org = await makeOrg(db);
    const user = await makeUser(db, org.id);
    const agent = await makeAgent(db, org.id, 'Site-M');
    const serials = ['0009-0000-01', '0009-0000-02', '0009-0000-03'] as const;
    let seq = 0;
    const at = new Date().toISOString();
    await ingestAgentEvents(
      db,
      agent,
      serials.map((serial) => ({ seq: ++seq, at, kind: 'device.seen' as const, device: makeDeviceReport({ serial }) })),
    );
    const theirCookies = await signInCookies(hub.app, user.email, user.password);
    const counts = async (query: string) => {
      const response = await hub.app.inject({ method: 'GET', url: `/api/v1/devices${query}`, cookies: theirCookies });
      const body = response.json<DeviceList>();
      return [body.total, body.counts];
    };
    expect(await counts('')).toEqual([3, { healthy: 3, issue: 0, down: 0 }]);

    await ingestAgentEvents(db, agent, [
      { seq: ++seq, at, kind: 'device.status', serial: serials[0], status: 'down', since: at },
      { seq: ++seq, at, kind: 'device.status', serial: serials[1], status: 'overheating', since: at },
      { seq: ++seq, at, kind: 'device.lost', serial: serials[2] },
    ]);
    // Narrowed by status alone, the counts come from device_statuses; with a model filter, from devices.
    expect(await counts('?severity=down')).toEqual([2, { healthy: 0, issue: 1, down: 2 }]);
    expect(await counts('?severity=down&model=CONVERGE_PRO_2_128T')).toEqual([2, { healthy: 0, issue: 1, down: 2 }]);
    expect(await counts('?status=overheating')).toEqual([1, { healthy: 0, issue: 1, down: 2 }]);

    await ingestAgentEvents(db, agent, [
      { seq: ++seq, at, kind: 'device.seen', device: makeDeviceReport({ serial: serials[2] }) },
    ]);
    await db.execute(sql`DELETE FROM devices WHERE org_id = ${org.id}::uuid AND serial = ${serials[0]}`);
    expect(await counts('')).toEqual([2, { healthy: 1, issue: 1, down: 0 }]);
    const mirrored = rowsOf(
      await db.execute(sql`
      SELECT count(*)::int AS n FROM devices d JOIN device_statuses s ON s.device_id = d.id
      WHERE d.org_id = ${org.id}::uuid AND s.org_id = d.org_id AND s.status = d.status AND s.severity = d.severity`),
    );
    expect(mirrored).toEqual([{ n: 2 }]);
  });
});

describe('GET /api/v1/devices sorted by status duration', () => {
  it('pages in status start order through device_statuses, with the filters applied', async () => {
    const db = hub.database.db;
    const org = await makeOrg(db);
    const user = await makeUser(db, org.id);
    const agent = await makeAgent(db, org.id, 'Site-S');
    const started = (minutes: number) => new Date(Date.UTC(2026, 10, 1, 12, minutes)).toISOString();
    const units = [
      { serial: '0010-0000-01', statusSince: started(30), status: 'down' as const },
      { serial: '0010-0000-02', statusSince: started(10), status: 'healthy' as const },
      { serial: '0010-0000-03', statusSince: started(20), status: 'down' as const },
      { serial: '0010-0000-04', statusSince: started(40), status: 'healthy' as const },
    ];
    await ingestAgentEvents(
      db,
      agent,
      units.map((unit, index) => ({
        seq: index + 1,
        at: started(50),
        kind: 'device.seen' as const,
        device: makeDeviceReport(unit),
      })),
    );
    const theirCookies = await signInCookies(hub.app, user.email, user.password);
    const serials = async (query: string) => {
      const response = await hub.app.inject({ method: 'GET', url: `/api/v1/devices${query}`, cookies: theirCookies });
      expect(response.statusCode).toBe(200);
      return response.json<DeviceList>().items.map((device) => device.serial.slice(-2));
    };
    expect(await serials('?sort=statusSince')).toEqual(['02', '03', '01', '04']);
    expect(await serials('?sort=-statusSince')).toEqual(['04', '01', '03', '02']);
    expect(await serials('?sort=-statusSince&limit=2&page=2')).toEqual(['03', '02']);
    expect(await serials('?sort=statusSince&severity=down')).toEqual(['03', '01']);
    // A status change moves the device in the order.
    await ingestAgentEvents(db, agent, [
      { seq: 5, at: started(55), kind: 'device.status', serial: '0010-0000-02', status: 'down', since: started(55) },
    ]);
    expect(await serials('?sort=-statusSince&severity=down')).toEqual(['02', '01', '03']);
  });
});

describe('FTP state the device reports', () => {
  it('stores ftpEnabled from device.seen, keeps it when a report leaves it out, and returns it from the FTP route', async () => {
    const db = hub.database.db;
    const org = await makeOrg(db);
    const user = await makeUser(db, org.id);
    const agent = await makeAgent(db, org.id, 'Site-F');
    const theirCookies = await signInCookies(hub.app, user.email, user.password);
    const serial = '0011-0000-01';
    let seq = 0;
    const seen = (device: DeviceReport) =>
      ingestAgentEvents(db, agent, [{ seq: ++seq, at: new Date().toISOString(), kind: 'device.seen', device }]);
    // An older agent says nothing about FTP.
    await seen(makeDeviceReport({ serial }));
    const listed = await hub.app.inject({ method: 'GET', url: `/api/v1/devices?q=${serial}`, cookies: theirCookies });
    const id = listed.json<DeviceList>().items[0]!.id;
    const ftp = async () =>
      (
        await hub.app.inject({ method: 'GET', url: `/api/v1/devices/${id}/ftp`, cookies: theirCookies })
      ).json<DeviceFtpState>();
    expect(await ftp()).toEqual({ enabled: null, setAt: null, jobId: null, reported: null });
    const missing = await hub.app.inject({
      method: 'GET',
      url: `/api/v1/devices/${randomUUID()}/ftp`,
      cookies: theirCookies,
    });
    expect([missing.statusCode, missing.json<{ error: { code: string } }>().error.code]).toEqual([
      404,
      'DEVICE_NOT_FOUND',
    ]);

    await seen({ ...makeDeviceReport({ serial }), ftpEnabled: true });
    expect(await ftp()).toEqual({ enabled: null, setAt: null, jobId: null, reported: true });
    await seen(makeDeviceReport({ serial, name: 'Renamed' }));
    expect((await ftp()).reported).toBe(true);
    await seen({ ...makeDeviceReport({ serial }), ftpEnabled: false });
    expect((await ftp()).reported).toBe(false);
    await seen({ ...makeDeviceReport({ serial }), ftpEnabled: null });
    expect((await ftp()).reported).toBeNull();
  });
});

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceReport, JobDetail, VoipCsvPreview, VoipLineReport, VoipLines } from '@tutti/protocol';
import { ingestAgentEvents } from '../agents/index.ts';
import type { AuthenticatedAgent } from '../agents/agents.service.ts';
import { rowsOf } from '../db/index.ts';
import { makeDeviceReport, makeDevices, makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';
import { openVoipInput } from './voip-input.ts';

let hub: TestHub;
let agent: AuthenticatedAgent;
let voipDevices: DeviceReport[];
let plainDevice: DeviceReport;
const ids = new Map<string, string>();
let seq = 100;
const cookies: Record<'technician' | 'monitor' | 'stranger', Record<string, string>> = {
  technician: {},
  monitor: {},
  stranger: {},
};
const PASSWORD = 'Sip-Secret-7731';

beforeAll(async () => {
  hub = await startTestHub();
  const db = hub.database.db;
  const org = await makeOrg(db);
  for (const role of ['technician', 'monitor'] as const) {
    const user = await makeUser(db, org.id, { role });
    cookies[role] = await signInCookies(hub.app, user.email, user.password);
  }
  const other = await makeOrg(db);
  const stranger = await makeUser(db, other.id, { role: 'technician' });
  cookies.stranger = await signInCookies(hub.app, stranger.email, stranger.password);
  const made = await makeDevices(db, org.id, 2, { model: 'CONVERGE_PRO_2_128V' });
  agent = made.agent;
  voipDevices = made.reports;
  plainDevice = makeDeviceReport({ model: 'CONVERGE_PRO_2_128T' });
  await report(plainDevice, []);
  const list = await hub.app.inject({ method: 'GET', url: '/api/v1/devices?limit=10', cookies: cookies.technician });
  for (const device of list.json<{ items: { id: string; serial: string }[] }>().items)
    ids.set(device.serial, device.id);
});
afterAll(async () => hub?.close());

/** A device.seen as the agent sends it, with these lines. */
async function report(device: DeviceReport, lines: VoipLineReport[], at = new Date()) {
  seq += 1;
  await ingestAgentEvents(hub.database.db, agent, [
    { seq, at: at.toISOString(), kind: 'device.seen', device: { ...device, voipLines: lines } },
  ]);
}

const line = (number: number, overrides: Partial<VoipLineReport> = {}): VoipLineReport => ({
  line: number,
  state: 'registered',
  reason: null,
  server: 'pbx.site.test',
  port: 5060,
  transport: 'UDP',
  user: `20${number}`,
  extension: `20${number}`,
  displayName: '',
  ...overrides,
});

const inject = (who: keyof typeof cookies, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  hub.app.inject({ method, url: `/api/v1${url}`, cookies: cookies[who], ...(payload ? { payload } : {}) });

describe('VoIP line status', () => {
  it('stores the lines devices report; a line keeps its start while its state and reason stay the same', async () => {
    const device = voipDevices[0]!;
    const id = ids.get(device.serial)!;
    const t0 = new Date('2026-12-01T04:00:00.000Z');
    await report(device, [line(1), line(2, { state: 'failed', reason: '401 Unauthorized' })], t0);
    await report(
      device,
      [line(1), line(2, { state: 'failed', reason: '401 Unauthorized' })],
      new Date(t0.getTime() + 60_000),
    );
    let lines = (await inject('monitor', 'GET', `/devices/${id}/voip`)).json<VoipLines>().lines;
    expect(lines.map((each) => [each.line, each.state, each.reason, each.since])).toEqual([
      [1, 'registered', null, t0.toISOString()],
      [2, 'failed', '401 Unauthorized', t0.toISOString()],
    ]);

    const t2 = new Date(t0.getTime() + 120_000);
    await report(device, [line(1, { state: 'restart_pending', server: 'new.site.test' })], t2);
    lines = (await inject('monitor', 'GET', `/devices/${id}/voip`)).json<VoipLines>().lines;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ state: 'restart_pending', server: 'new.site.test', since: t2.toISOString() });

    // Another organization sees nothing of it.
    expect((await inject('stranger', 'GET', `/devices/${id}/voip`)).json().error.code).toBe('DEVICE_NOT_FOUND');
  });
});

describe('VoIP provisioning', () => {
  const settings = { line: 1, server: 'pbx.site.test', user: '2001', password: PASSWORD };

  it('needs voip.provision, a device with that line, and never keeps the password in clear', async () => {
    const id = ids.get(voipDevices[0]!.serial)!;
    expect((await inject('monitor', 'POST', `/devices/${id}/voip`, { lines: [settings] })).json().error.code).toBe(
      'FORBIDDEN',
    );
    expect(
      (await inject('technician', 'POST', `/devices/${id}/voip`, { lines: [{ ...settings, line: 3 }] })).json().error
        .code,
    ).toBe('VOIP_LINE_NOT_ON_DEVICE');
    const plain = ids.get(plainDevice.serial)!;
    expect(
      (await inject('technician', 'POST', `/devices/${plain}/voip`, { lines: [settings] })).json().error.code,
    ).toBe('VOIP_LINE_NOT_ON_DEVICE');

    const response = await inject('technician', 'POST', `/devices/${id}/voip`, { lines: [settings] });
    expect(response.statusCode).toBe(201);
    const job = response.json<JobDetail>();
    expect(job.operation).toEqual({ kind: 'voip_provision' });
    expect(job.targets.map((target) => target.serial)).toEqual([voipDevices[0]!.serial]);
    expect(JSON.stringify(job)).not.toContain(PASSWORD);

    const [stored] = rowsOf<{ input: unknown }>(
      await hub.database.db.execute(sql`SELECT input FROM job_targets WHERE job_id = ${job.id}::uuid`),
    );
    expect(JSON.stringify(stored!.input)).not.toContain(PASSWORD);
    // Only the dispatcher opens it, for the agent.
    expect(openVoipInput(hub.context.secrets, stored!.input).voipLines).toEqual([
      {
        line: 1,
        server: 'pbx.site.test',
        port: 5060,
        transport: 'UDP',
        user: '2001',
        authUser: '2001',
        password: PASSWORD,
        extension: '2001',
        displayName: '',
      },
    ]);
    const audit = rowsOf<{ action: string; after: unknown }>(
      await hub.database.db.execute(sql`SELECT action, after FROM audit_log WHERE target = ${`job:${job.id}`}`),
    );
    expect(audit.map((entry) => entry.action).sort()).toEqual(['job.create', 'voip.provision']);
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
    expect(JSON.stringify(audit)).toContain('pbx.site.test');
  });
});

describe('VoIP provisioning from a CSV file', () => {
  const csv = () =>
    [
      'serial,line,sip_server,user,password,transport',
      `${voipDevices[0]!.serial},1,pbx.site.test,2001,${PASSWORD},udp`,
      `${voipDevices[1]!.serial},2,pbx.site.test,2102,${PASSWORD},tls`,
    ].join('\n');

  it('previews every row with its errors: unknown device, no VoIP, missing line, a line twice, bad values', async () => {
    const text = [
      csv(),
      `NOPE-1,1,pbx.site.test,1,pw,`,
      `${plainDevice.serial},1,pbx.site.test,1,pw,`,
      `${voipDevices[1]!.serial},3,pbx.site.test,1,pw,`,
      `${voipDevices[0]!.serial},1,pbx.site.test,2001,pw,`,
      `${voipDevices[1]!.serial},1,pbx site,1,,SCTP`,
    ].join('\n');
    expect((await inject('monitor', 'POST', '/voip/csv/preview', { csv: text })).json().error.code).toBe('FORBIDDEN');
    const preview = (await inject('technician', 'POST', '/voip/csv/preview', { csv: text })).json<VoipCsvPreview>();
    expect(preview).toMatchObject({ fileError: null, validRows: 2, invalidRows: 5, devices: 2 });
    expect(preview.rows.map((row) => [row.row, row.errors])).toEqual([
      [2, []],
      [3, []],
      [4, [{ column: 'serial', code: 'unknown_device' }]],
      [5, [{ column: 'serial', code: 'no_voip_lines' }]],
      [6, [{ column: 'line', code: 'line_not_on_device' }]],
      [7, [{ column: 'row', code: 'duplicate_line' }]],
      [
        8,
        [
          { column: 'password', code: 'required' },
          { column: 'sip_server', code: 'invalid' },
          { column: 'transport', code: 'invalid' },
        ],
      ],
    ]);
    expect(JSON.stringify(preview)).not.toContain(PASSWORD);
    // A file with errors never starts a job.
    expect((await inject('technician', 'POST', '/voip/csv/jobs', { csv: text })).json().error.code).toBe(
      'VOIP_CSV_INVALID',
    );
    const missing = (await inject('technician', 'POST', '/voip/csv/preview', { csv: 'serial,line\nX,1' })).json();
    expect(missing).toMatchObject({ fileError: 'missing_columns', missingColumns: ['sip_server', 'user', 'password'] });
  });

  it('runs a clean file as one job with a target per device', async () => {
    const response = await inject('technician', 'POST', '/voip/csv/jobs', { csv: csv() });
    expect(response.statusCode).toBe(201);
    const job = response.json<JobDetail>();
    expect(job.operation.kind).toBe('voip_provision');
    expect(job.targets.map((target) => target.serial).sort()).toEqual(
      voipDevices.map((device) => device.serial).sort(),
    );
    const inputs = rowsOf<{ serial: string; input: unknown }>(
      await hub.database.db.execute(sql`SELECT serial, input FROM job_targets WHERE job_id = ${job.id}::uuid`),
    );
    const second = inputs.find((row) => row.serial === voipDevices[1]!.serial)!;
    expect(openVoipInput(hub.context.secrets, second.input).voipLines).toMatchObject([
      { line: 2, transport: 'TLS', port: 5061, user: '2102', password: PASSWORD },
    ]);
  });
});

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { BackupDiff, BackupVerification, ConfigurationDto, JobDetail } from '@tutti/protocol';
import { insertBackup } from '../backups/backups.queries.ts';
import { rowsOf } from '../db/index.ts';
import { makeDevices, makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';
import { packProjectFile } from './project-file.ts';

let hub: TestHub;
let orgId: string;
const cookies: Record<'technician' | 'monitor' | 'stranger', Record<string, string>> = {
  technician: {},
  monitor: {},
  stranger: {},
};
/** Serial → device id, for the 128T units and the Huddle. */
const devices = new Map<string, { id: string; model: string }>();

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const projectFile = (model: string, stamp = 1) =>
  packProjectFile(
    'Boardroom',
    `<?xml version="1.0" encoding="UTF-8"?><Root Version="9"><Project Model="${model}" Stamp="${stamp}">` +
      `<Settings SipPort="5060"/></Project></Root>`,
  );

beforeAll(async () => {
  hub = await startTestHub();
  const db = hub.database.db;
  const org = await makeOrg(db);
  orgId = org.id;
  for (const role of ['technician', 'monitor'] as const) {
    const user = await makeUser(db, org.id, { role });
    cookies[role] = await signInCookies(hub.app, user.email, user.password);
  }
  const other = await makeOrg(db);
  const stranger = await makeUser(db, other.id);
  cookies.stranger = await signInCookies(hub.app, stranger.email, stranger.password);
  await makeDevices(db, org.id, 2);
  await makeDevices(db, org.id, 1, { model: 'CONVERGE_HUDDLE' });
  const list = await hub.app.inject({ method: 'GET', url: '/api/v1/devices?limit=10', cookies: cookies.technician });
  for (const device of list.json<{ items: { id: string; serial: string; model: string }[] }>().items) {
    devices.set(device.serial, { id: device.id, model: device.model });
  }
}, 180_000);
afterAll(async () => hub?.close());

function upload(who: keyof typeof cookies, content: Uint8Array, extra: Record<string, unknown> = {}) {
  return hub.app.inject({
    method: 'POST',
    url: '/api/v1/configurations',
    cookies: cookies[who],
    payload: {
      fileName: 'Boardroom.PCCP2X',
      sha256: sha256(content),
      contentBase64: Buffer.from(content).toString('base64'),
      ...extra,
    },
  });
}

describe('configuration library', () => {
  it('stores a project file with its checksum and the model read from it, audited', async () => {
    const content = projectFile('CONVERGE_PRO_2_128T');
    const response = await upload('technician', content, { name: 'Boardroom 128T' });
    expect(response.statusCode).toBe(201);
    const stored = response.json<ConfigurationDto>();
    expect(stored).toMatchObject({ name: 'Boardroom 128T', model: 'CONVERGE_PRO_2_128T', sha256: sha256(content) });
    const download = await hub.app.inject({
      method: 'GET',
      url: `/api/v1/configurations/${stored.id}/download`,
      cookies: cookies.monitor,
    });
    expect(sha256(download.rawPayload)).toBe(stored.sha256);
    const audit = rowsOf<{ action: string }>(
      await hub.database.db.execute(sql`SELECT action FROM audit_log WHERE target = ${`configuration:${stored.id}`}`),
    );
    expect(audit.map((row) => row.action)).toEqual(['configuration.upload']);
  });

  it('refuses a truncated, corrupt or foreign file with a clear code, and stores nothing', async () => {
    const content = projectFile('CONVERGE_PRO_2_128T');
    const truncated = await upload('technician', content.subarray(0, content.byteLength - 40), {
      sha256: sha256(content),
    });
    expect(truncated.json().error.code).toBe('CONFIGURATION_CHECKSUM_MISMATCH');
    const notZip = Buffer.from('<Root Version="9"/>');
    expect((await upload('technician', notZip)).json().error.code).toBe('CONFIGURATION_FILE_INVALID');
    const damaged = content.subarray(0, content.byteLength - 40);
    expect((await upload('technician', damaged)).json().error.code).toBe('CONFIGURATION_FILE_INVALID');
    const foreign = await upload('technician', projectFile('CONVERGE_HUDDLE'), { model: 'CONVERGE_PRO_2_128T' });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.code).toBe('CONFIGURATION_WRONG_MODEL');
    const codec = await upload('technician', projectFile('COLLABORATE_LIVE_600'));
    expect(codec.json().error.code).toBe('CONFIGURATION_WRONG_MODEL');
    const list = await hub.app.inject({ method: 'GET', url: '/api/v1/configurations', cookies: cookies.technician });
    expect(list.json<{ items: ConfigurationDto[] }>().items).toHaveLength(1);
  });

  it('lets a monitor read the library but not add to it, and keeps it within the organization', async () => {
    expect((await upload('monitor', projectFile('CONVERGE_HUDDLE'))).json().error.code).toBe('FORBIDDEN');
    const foreign = await hub.app.inject({ method: 'GET', url: '/api/v1/configurations', cookies: cookies.stranger });
    expect(foreign.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('loads a library file onto devices of its model and refuses each device of another model with the reason', async () => {
    const content = projectFile('CONVERGE_HUDDLE', 2);
    const stored = (await upload('technician', content)).json<ConfigurationDto>();
    const created = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      cookies: cookies.technician,
      payload: {
        operation: { kind: 'config_load', configurationId: stored.id },
        deviceIds: [...devices.values()].map((d) => d.id),
      },
    });
    expect(created.statusCode).toBe(201);
    const job = created.json<JobDetail>();
    const huddle = job.targets.find((target) => target.model === 'CONVERGE_HUDDLE')!;
    expect(huddle.state).not.toBe('failed');
    const refused = job.targets.filter((target) => target.model !== 'CONVERGE_HUDDLE');
    expect(refused).toHaveLength(2);
    for (const target of refused) {
      expect(target).toMatchObject({ state: 'failed', failureCode: 'wrong_model' });
      expect(target.reason).toContain('CONVERGE Huddle');
    }
    const missing = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      cookies: cookies.technician,
      payload: {
        operation: { kind: 'config_load', configurationId: '00000000-0000-4000-8000-000000000000' },
        deviceIds: [huddle.deviceId],
      },
    });
    expect(missing.json().error.code).toBe('CONFIGURATION_NOT_FOUND');
    expect(orgId).toBeTruthy();

    // Renamed and deleted by a technician; never deleted while its job runs, and a retry after is refused once.
    const library = (method: 'PATCH' | 'DELETE', who: keyof typeof cookies, payload?: Record<string, unknown>) =>
      hub.app.inject({ method, url: `/api/v1/configurations/${stored.id}`, cookies: cookies[who], payload });
    expect((await library('PATCH', 'monitor', { name: 'Huddle room' })).statusCode).toBe(403);
    expect((await library('PATCH', 'technician', { name: ' ' })).json().error.code).toBe('VALIDATION_FAILED');
    expect((await library('PATCH', 'technician', { name: 'Huddle room' })).json<ConfigurationDto>().name).toBe(
      'Huddle room',
    );
    expect((await library('DELETE', 'stranger')).json().error.code).toBe('CONFIGURATION_NOT_FOUND');
    const inUse = await library('DELETE', 'technician');
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().error).toMatchObject({ code: 'CONFIGURATION_IN_USE', details: { jobIds: [job.id] } });
    const cancel = (id: string) =>
      hub.app.inject({ method: 'POST', url: `/api/v1/jobs/${id}/cancel`, cookies: cookies.technician, payload: {} });
    expect((await cancel(job.id)).statusCode).toBe(200);
    expect((await library('DELETE', 'technician')).statusCode).toBe(204);
    expect((await library('DELETE', 'technician')).json().error.code).toBe('CONFIGURATION_NOT_FOUND');
    const list = await hub.app.inject({ method: 'GET', url: '/api/v1/configurations', cookies: cookies.technician });
    expect(list.json<{ items: ConfigurationDto[] }>().items.map((item) => item.id)).not.toContain(stored.id);
    const retry = await hub.app.inject({
      method: 'POST',
      url: `/api/v1/jobs/${job.id}/retry`,
      cookies: cookies.technician,
      payload: {},
    });
    expect(retry.json().error.code).toBe('CONFIGURATION_NOT_FOUND');
    const audit = rowsOf<{ action: string }>(
      await hub.database.db.execute(
        sql`SELECT action FROM audit_log WHERE target = ${`configuration:${stored.id}`} ORDER BY id`,
      ),
    );
    expect(audit.map((row) => row.action)).toEqual([
      'configuration.upload',
      'configuration.rename',
      'configuration.delete',
    ]);
  });
});

describe('backup differences', () => {
  /** Stores a version of the Huddle's configuration as a unit's CONFIG_SAVE returns it (bare XML). */
  async function storeVersion(xml: string) {
    const [serial, device] = [...devices].find(([, candidate]) => candidate.model === 'CONVERGE_HUDDLE')!;
    const content = Buffer.from(xml);
    return insertBackup(hub.database.db, {
      orgId,
      deviceId: device.id,
      serial,
      model: device.model,
      sizeBytes: content.byteLength,
      sha256: sha256(content),
      content,
    });
  }
  const xml = (settings: string) =>
    `<?xml version="1.0"?><Root Version="9"><Project Model="CONVERGE_HUDDLE">${settings}</Project></Root>`;

  it('lists the settings that differ between two versions, and checks every version on read', async () => {
    const first = await storeVersion(xml('<Settings SipPort="5060" SafetyMute="0"/>'));
    const second = await storeVersion(xml('<Settings SipPort="5061"/><Macro Name="SYSON"/>'));
    const diff = await hub.app.inject({
      method: 'GET',
      url: `/api/v1/backups/diff?from=${first.id}&to=${second.id}`,
      cookies: cookies.monitor,
    });
    expect(diff.statusCode).toBe(200);
    expect(diff.json<BackupDiff>().changes).toEqual([
      { path: 'Root/Project/Macro@Name', change: 'added', before: null, after: 'SYSON' },
      { path: 'Root/Project/Settings@SafetyMute', change: 'removed', before: '0', after: null },
      { path: 'Root/Project/Settings@SipPort', change: 'changed', before: '5060', after: '5061' },
    ]);
    await hub.database.db.execute(
      sql`UPDATE device_backups SET content = ${Buffer.from(xml('<Settings SipPort="9"/>'))} WHERE id = ${first.id}`,
    );
    const deviceId = [...devices.values()].find((device) => device.model === 'CONVERGE_HUDDLE')!.id;
    const verification = await hub.app.inject({
      method: 'GET',
      url: `/api/v1/backups/verification?deviceId=${deviceId}`,
      cookies: cookies.monitor,
    });
    expect(verification.json<BackupVerification>().items).toEqual(
      expect.arrayContaining([
        { id: first.id, verified: false },
        { id: second.id, verified: true },
      ]),
    );
    const damaged = await hub.app.inject({
      method: 'GET',
      url: `/api/v1/backups/diff?from=${first.id}&to=${second.id}`,
      cookies: cookies.monitor,
    });
    expect(damaged.json().error.code).toBe('BACKUP_CORRUPT');
  });
});

import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createAgent, parseAgentConfig, type Agent } from '@tutti/agent';
import { ApiError, createApiClient, type ApiClient } from '@tutti/client';
import {
  connectDevice,
  createSimulator,
  DeviceLoginError,
  type SimulatedDeviceSpec,
  type SimulatedPeripheralSpec,
  type Simulator,
  type SimulatorChange,
} from '@tutti/devices';
import {
  createHub,
  createTestDatabase,
  ensureAgentAccount,
  ensureMember,
  ensureOrganization,
  packProjectFile,
  rowsOf,
  testDatabaseKinds,
  type Database,
  type Hub,
} from '@tutti/hub';
import { buildFirmwarePackage, type DeviceFamily, type JobDetail } from '@tutti/protocol';
import { until } from '../harness.ts';

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function firmwareUpload(family: DeviceFamily, version: string, content?: Uint8Array) {
  const bytes = content ?? buildFirmwarePackage(family, version, new Uint8Array(4096).fill(7), sha256Hex);
  return {
    modelFamily: family,
    version,
    releaseNotes: `Release ${version}`,
    fileName: `${family}-${version}.tfw`,
    sha256: sha256Hex(bytes),
    contentBase64: Buffer.from(bytes).toString('base64'),
  };
}

async function expectApiError(call: Promise<unknown>, code: string): Promise<void> {
  const error = await call.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).code).toBe(code);
}

describe.each(await testDatabaseKinds())('jobs end to end on %s', (databaseKind) => {
  const subnet = `127.${200 + (process.pid % 50)}.${databaseKind === 'pglite' ? 1 : 2}.0`;
  const prefix = subnet.slice(0, -1);
  const dsps: SimulatedDeviceSpec[] = Array.from({ length: 6 }, (_, index) => ({
    address: `${prefix}${10 + index}`,
    model: 'CONVERGE_PRO_2_128T',
    boxName: `Room${index + 1}`,
    serial: `JOB-${databaseKind === 'pglite' ? 'L' : 'P'}-${String(index + 1).padStart(3, '0')}`,
    mac: `00:06:E2:00:10:${String(10 + index)}`,
    firmware: '5.2.0.7',
    stackName: `Room${index + 1}`,
    boxNumber: 1,
  }));
  // Room3's P-Link chain: a ceiling mic array and a wireless receiver, reached through Room3's session.
  const [ceilingMic, wireless] = (dsps[2]!.peripherals = [
    { plink: 1, model: 'BMA_360', serial: `${dsps[2]!.serial}-P1`, firmware: '2.1.0.4', name: 'Ceiling' },
    { plink: 2, model: 'DIALOG_20', serial: `${dsps[2]!.serial}-P2`, firmware: '3.0.1.4', name: 'Wireless' },
  ]) as [SimulatedPeripheralSpec, SimulatedPeripheralSpec];
  const huddle: SimulatedDeviceSpec = {
    address: `${prefix}40`,
    model: 'CONVERGE_HUDDLE',
    boxName: 'Huddle1',
    serial: `JOB-${databaseKind === 'pglite' ? 'L' : 'P'}-HUD`,
    mac: '00:06:E2:00:10:40',
    firmware: '1.4.0.2',
    stackName: 'Huddle1',
    boxNumber: 1,
  };
  const codec: SimulatedDeviceSpec = {
    address: `${prefix}50`,
    model: 'COLLABORATE_LIVE_600',
    boxName: 'Codec1',
    serial: `JOB-${databaseKind === 'pglite' ? 'L' : 'P'}-COD`,
    mac: '00:06:2F:00:10:50',
    firmware: '1.4.2.0',
    stackName: 'NONE',
    boxNumber: 1,
  };
  const changes: SimulatorChange[] = [];
  let database: Database;
  let hub: Hub;
  let simulator: Simulator;
  let agent: Agent;
  let api: ApiClient;
  let dataDir: string;
  let agentConfig: ReturnType<typeof parseAgentConfig>;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    database = await createTestDatabase(databaseKind);
    hub = await createHub({ database, config: { host: '127.0.0.1', port: 0, logLevel: 'silent', liveFlushMs: 50 } });
    const baseUrl = await hub.start();
    const org = await ensureOrganization(database.db, { name: 'Jobs Organization', kind: 'client' }, 'test');
    const email = 'admin@jobs.tutti.test';
    const password = 'Jobs-admin-2026!';
    await ensureMember(database.db, { orgId: org.id, email, name: 'Jobs Admin', password, role: 'owner' }, 'test');
    await ensureAgentAccount(database.db, org.id, 'Jobs-Site', 'Agent-pass-2026!', 'test');
    simulator = createSimulator({
      devices: [...dsps, huddle, codec],
      port: 2323,
      discoveryPort: 50_123,
      firmwareUpdateMs: 1_200,
      rebootMs: 400,
      configLoadMs: 300,
      onChange: (change) => changes.push(change),
    });
    await simulator.start();
    dataDir = mkdtempSync(join(tmpdir(), 'tutti-jobs-'));
    agentConfig = parseAgentConfig({
      dataDir,
      hub: { url: baseUrl, agentName: 'Jobs-Site', password: 'Agent-pass-2026!' },
      subnets: [{ subnet, interfaceName: 'lo', enabled: true }],
      telnetPort: 2323,
      scanIntervalSeconds: 1,
      discoveryTimeoutMs: 300,
      restartGraceSeconds: 20,
      hubReconnect: { initialMs: 100, maxMs: 300 },
      logLevel: 'silent',
    });
    agent = createAgent({ ui: false, config: agentConfig });
    await agent.start();
    api = createApiClient({ baseUrl, keepCookies: true });
    await api.signIn({ email, password });
    await until(async () => (await api.listDevices({ limit: 100 })).total >= dsps.length + 4, 200);
    for (const device of (await api.listDevices({ limit: 100 })).items) ids.set(device.serial, device.id);
  });

  afterAll(async () => {
    await agent?.close();
    await simulator?.close();
    await hub?.close();
    await database?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const idOf = (serial: string) => ids.get(serial)!;
  const finished = (job: JobDetail) => job.finishedAt !== null;

  it('lights the locate LED of the chosen devices, reports each outcome and audits the job', async () => {
    const chosen = dsps.slice(0, 2);
    const created = await api.createJob({
      operation: { kind: 'locate', on: true },
      deviceIds: chosen.map((spec) => idOf(spec.serial)),
    });
    expect(created.targets.map((target) => target.serial).sort()).toEqual(chosen.map((spec) => spec.serial).sort());
    await until(async () => finished(await api.getJob(created.id)), 100);
    const job = await api.getJob(created.id);
    expect(job.state).toBe('completed');
    expect(job.counts).toMatchObject({ total: 2, succeeded: 2, failed: 0 });
    expect(job.progress).toBe(100);
    for (const spec of chosen) {
      expect(changes.some((c) => c.serial === spec.serial && c.kind === 'locate' && c.value === '1')).toBe(true);
    }
    await until(async () => {
      const { items } = await api.listDevices({ q: chosen[0]!.serial });
      return items[0]?.status === 'locate_light_on';
    }, 100);
    const audit = rowsOf<{ action: string }>(
      await database.db.execute(sql`SELECT action FROM audit_log WHERE target = ${`job:${job.id}`} ORDER BY id`),
    );
    expect(audit.map((row) => row.action)).toEqual(['job.create', 'job.finish']);
  });

  it('refuses a corrupt, truncated or mislabelled package, and a package for another family, before any device is touched', async () => {
    const good = firmwareUpload('converge_pro_2', '9.1.0.0');
    await expectApiError(api.uploadFirmware({ ...good, sha256: 'a'.repeat(64) }), 'FIRMWARE_CHECKSUM_MISMATCH');
    const whole = Buffer.from(good.contentBase64, 'base64');
    const truncated = whole.subarray(0, whole.byteLength - 100);
    await expectApiError(
      api.uploadFirmware(firmwareUpload('converge_pro_2', '9.1.0.0', truncated)),
      'FIRMWARE_PACKAGE_INVALID',
    );
    const corrupt = Buffer.from(whole);
    corrupt[corrupt.byteLength - 1] = 0;
    await expectApiError(
      api.uploadFirmware(firmwareUpload('converge_pro_2', '9.1.0.0', corrupt)),
      'FIRMWARE_PACKAGE_INVALID',
    );
    await expectApiError(api.uploadFirmware({ ...good, modelFamily: 'converge_huddle' }), 'FIRMWARE_WRONG_MODEL');

    const huddleFirmware = await api.uploadFirmware(firmwareUpload('converge_huddle', '1.5.0.0'));
    const jobsBefore = (await api.listJobs()).total;
    await expectApiError(
      api.createJob({
        operation: { kind: 'firmware_update', packageId: huddleFirmware.id },
        deviceIds: [idOf(dsps[0]!.serial), idOf(huddle.serial)],
      }),
      'FIRMWARE_WRONG_MODEL',
    );
    expect((await api.listJobs()).total).toBe(jobsBefore);
    expect(changes.filter((change) => change.kind === 'firmware_update')).toEqual([]);
  });

  it('backs up configurations as checked versions, restores one exactly, and refuses another model or a damaged copy', async () => {
    const [first, second] = dsps as [SimulatedDeviceSpec, SimulatedDeviceSpec];
    const backupJob = async (serials: string[]) => {
      const job = await api.createJob({ operation: { kind: 'backup' }, deviceIds: serials.map(idOf) });
      await until(async () => finished(await api.getJob(job.id)), 100);
      return api.getJob(job.id);
    };
    const systemwide = await backupJob([first.serial, second.serial]);
    expect(systemwide.counts.succeeded).toBe(2);
    const original = (await api.listBackups({ deviceId: idOf(first.serial) })).items;
    expect(original.map((backup) => backup.version)).toEqual([1]);
    const originalContent = await api.downloadBackup(original[0]!.id);
    expect(sha256Hex(originalContent)).toBe(original[0]!.sha256);
    expect(Buffer.from(originalContent).toString('utf8')).toContain('<Root Version="9">');

    // Someone loads another project; the next backup is version 2 with other content.
    await simulator.device(first.serial)!.loadConfig('other-project.pccp2x');
    await backupJob([first.serial]);
    const [changed] = (await api.listBackups({ deviceId: idOf(first.serial) })).items;
    expect(changed!.version).toBe(2);
    expect(changed!.sha256).not.toBe(original[0]!.sha256);

    const restoreJob = await api.createJob({
      operation: { kind: 'restore', backupId: original[0]!.id },
      deviceIds: [idOf(first.serial)],
    });
    await until(async () => finished(await api.getJob(restoreJob.id)), 100);
    expect((await api.getJob(restoreJob.id)).counts.succeeded).toBe(1);
    await backupJob([first.serial]);
    const [afterRestore] = (await api.listBackups({ deviceId: idOf(first.serial) })).items;
    expect(afterRestore!.version).toBe(3);
    expect(afterRestore!.sha256).toBe(original[0]!.sha256);

    await expectApiError(
      api.createJob({ operation: { kind: 'restore', backupId: original[0]!.id }, deviceIds: [idOf(huddle.serial)] }),
      'BACKUP_WRONG_MODEL',
    );
    await database.db.execute(
      sql`UPDATE device_backups SET content = ${Buffer.from('tampered')} WHERE id = ${changed!.id}`,
    );
    await expectApiError(api.downloadBackup(changed!.id), 'BACKUP_CORRUPT');
  });

  it('loads a library project onto a device of its model, refuses another model, and reads the project back', async () => {
    const project =
      '<?xml version="1.0" encoding="UTF-8"?><Root Version="9"><Project Model="CONVERGE_HUDDLE" Box="Huddle1" ' +
      'Stack="Huddle1" Stamp="77" Source="library"><Settings NtpServer="127.0.0.1" SafetyMute="1"/></Project></Root>';
    const file = packProjectFile('Huddle1', project);
    const stored = await api.uploadConfiguration({
      fileName: 'Huddle1.PCCP2X',
      sha256: sha256Hex(file),
      contentBase64: file.toString('base64'),
    });
    expect(stored.model).toBe('CONVERGE_HUDDLE');
    const other = dsps[2]!;
    const job = await api.createJob({
      operation: { kind: 'config_load', configurationId: stored.id },
      deviceIds: [idOf(huddle.serial), idOf(other.serial)],
    });
    await until(async () => finished(await api.getJob(job.id)), 100);
    const outcome = await api.getJob(job.id);
    expect(outcome.targets.find((target) => target.serial === huddle.serial)?.state).toBe('succeeded');
    expect(outcome.targets.find((target) => target.serial === other.serial)).toMatchObject({
      state: 'failed',
      failureCode: 'wrong_model',
    });

    // Read back: the Huddle's running configuration is now the library project, byte for byte.
    const backup = await api.createJob({ operation: { kind: 'backup' }, deviceIds: [idOf(huddle.serial)] });
    await until(async () => finished(await api.getJob(backup.id)), 100);
    const [readBack] = (await api.listBackups({ deviceId: idOf(huddle.serial) })).items;
    expect(Buffer.from(await api.downloadBackup(readBack!.id)).toString('utf8')).toBe(project);
  });

  it('loads a library project onto a P-Link peripheral through its host, backs it up and restores it', async () => {
    const project =
      `<?xml version="1.0" encoding="UTF-8"?><Root Version="9"><Peripheral Model="BMA_360" ` +
      `Serial="${ceilingMic.serial}" Name="Ceiling"><Settings Gain="-9" Mute="1" Aec="0"/></Peripheral></Root>`;
    const file = packProjectFile('Ceiling', project);
    const stored = await api.uploadConfiguration({
      fileName: 'Ceiling.xml.zip',
      sha256: sha256Hex(file),
      contentBase64: file.toString('base64'),
    });
    expect(stored.model).toBe('BMA_360');
    const runJob = async (request: Parameters<ApiClient['createJob']>[0]) => {
      const created = await api.createJob(request);
      await until(async () => finished(await api.getJob(created.id)), 100);
      return api.getJob(created.id);
    };
    const backups = async () => (await api.listBackups({ deviceId: idOf(ceilingMic.serial) })).items;

    expect(
      (await runJob({ operation: { kind: 'backup' }, deviceIds: [idOf(ceilingMic.serial)] })).counts.succeeded,
    ).toBe(1);
    const [factory] = await backups();
    expect(Buffer.from(await api.downloadBackup(factory!.id)).toString('utf8')).toContain('Gain="0" Mute="0" Aec="1"');

    const load = await runJob({
      operation: { kind: 'config_load', configurationId: stored.id },
      deviceIds: [idOf(ceilingMic.serial), idOf(wireless.serial)],
    });
    expect(load.targets.find((target) => target.serial === ceilingMic.serial)?.state).toBe('succeeded');
    expect(load.targets.find((target) => target.serial === wireless.serial)).toMatchObject({
      state: 'failed',
      failureCode: 'wrong_model',
    });
    await runJob({ operation: { kind: 'backup' }, deviceIds: [idOf(ceilingMic.serial)] });
    const [loaded] = await backups();
    expect(loaded!.version).toBe(2);
    expect(Buffer.from(await api.downloadBackup(loaded!.id)).toString('utf8')).toBe(project);

    const restored = await runJob({
      operation: { kind: 'restore', backupId: factory!.id },
      deviceIds: [idOf(ceilingMic.serial)],
    });
    expect(restored.counts.succeeded).toBe(1);
    await runJob({ operation: { kind: 'backup' }, deviceIds: [idOf(ceilingMic.serial)] });
    const [afterRestore] = await backups();
    expect(afterRestore!.sha256).toBe(factory!.sha256);
  });

  // An agent killed mid-rollout is jobs-crash.test.ts.
  it('switches FTP, changes the stack login (the agent keeps signing in) and zips the devices logs', async () => {
    const chosen = [huddle, dsps[5]!];
    const deviceIds = chosen.map((spec) => idOf(spec.serial));
    const runJob = async (request: Parameters<ApiClient['createJob']>[0]) => {
      const created = await api.createJob(request);
      await until(async () => finished(await api.getJob(created.id)), 100);
      const job = await api.getJob(created.id);
      expect(job.counts).toMatchObject({ succeeded: chosen.length, failed: 0 });
      return job;
    };
    const signIn = (spec: SimulatedDeviceSpec, password: string) =>
      connectDevice({ address: spec.address, port: 2323, username: 'clearone', password, discoveryPort: 50_123 });

    const ftp = await runJob({ operation: { kind: 'ftp', on: true }, deviceIds });
    expect(ftp.targets.every((target) => target.result?.ftpEnabled === true)).toBe(true);
    const reader = await signIn(huddle, 'converge');
    expect(await reader.commandValue('BOX Huddle1 NETWORK FTP_ENABLE')).toBe('1');
    await reader.close();
    expect((await api.deviceFtpState(idOf(huddle.serial))).enabled).toBe(true);
    // The unit's own FTP_ENABLE reaches the hub through the agent's device report.
    await until(async () => (await api.deviceFtpState(idOf(huddle.serial))).reported === true, 100);

    const newPassword = 'Rotated-Login-77';
    const change = await runJob({
      operation: { kind: 'change_credentials', username: 'clearone' },
      deviceIds,
      password: newPassword,
    });
    expect(JSON.stringify(change)).not.toContain(newPassword);
    await expect(signIn(huddle, 'converge')).rejects.toBeInstanceOf(DeviceLoginError);
    await (await signIn(huddle, newPassword)).close();
    // Nothing the agent or the hub keeps holds the password in clear.
    const stored = rowsOf<{ text: string }>(
      await database.db.execute(sql`
        SELECT row_to_json(job_targets)::text AS text FROM job_targets WHERE job_id = ${change.id}
        UNION ALL SELECT row_to_json(audit_log)::text FROM audit_log WHERE target = ${`job:${change.id}`}`),
    );
    for (const row of stored) expect(row.text).not.toContain(newPassword);
    for (const file of readdirSync(dataDir)) {
      if (statSync(join(dataDir, file)).isFile()) {
        expect(readFileSync(join(dataDir, file)).includes(newPassword)).toBe(false);
      }
    }

    const logs = await runJob({ operation: { kind: 'collect_logs' }, deviceIds });
    // The agent still signs in with the new login: it read the logs, and no device fell into Login Failed.
    for (const spec of chosen) {
      const [device] = (await api.listDevices({ q: spec.serial })).items;
      expect(device?.status).not.toBe('login_failed');
    }
    const listed = await api.listDeviceLogs({ jobId: logs.id });
    expect(listed.items.map((log) => log.serial).sort()).toEqual(chosen.map((spec) => spec.serial).sort());
    const huddleLog = listed.items.find((log) => log.serial === huddle.serial)!;
    const text = Buffer.from(await api.downloadDeviceLog(huddleLog.id)).toString('utf8');
    expect(text).toContain('NETWORK FTP_ENABLE set to 1');
    expect(text).toContain('SECURITY login credentials changed (username clearone)');
    expect(text).toMatch(/LOGIN clearone refused from/);
    expect(text).not.toContain(newPassword);
    const zip = Buffer.from(await api.downloadJobLogs(logs.id));
    expect(zip.subarray(0, 4).toString('binary')).toBe('PK\x03\x04');
    for (const spec of chosen) expect(zip.includes(Buffer.from(`${spec.serial}-`))).toBe(true);
  });

  it('changes the login of a COLLABORATE Live codec, reboots it and collects its log, like an audio device', async () => {
    const runJob = async (request: Parameters<ApiClient['createJob']>[0]) => {
      const created = await api.createJob(request);
      await until(async () => finished(await api.getJob(created.id)), 100);
      const job = await api.getJob(created.id);
      expect(job.targets.map((target) => target.reason)).toEqual([null]);
      expect(job.counts).toMatchObject({ succeeded: 1, failed: 0 });
      return job;
    };
    const deviceIds = [idOf(codec.serial)];
    const newPassword = 'Codec-Login-2026';
    await runJob({ operation: { kind: 'change_credentials', username: 'admin' }, deviceIds, password: newPassword });
    const signIn = (username: string, password: string) =>
      connectDevice({ address: codec.address, port: 2323, username, password, discoveryPort: 50_123 });
    await expect(signIn('clearone', 'converge')).rejects.toBeInstanceOf(DeviceLoginError);
    await (await signIn('admin', newPassword)).close();
    // The agent signs in with the new login for what follows.
    await runJob({ operation: { kind: 'reboot' }, deviceIds });
    expect(changes.filter((c) => c.serial === codec.serial && c.kind === 'availability').map((c) => c.value)).toEqual(
      expect.arrayContaining(['restarting', 'up']),
    );

    const logs = await runJob({ operation: { kind: 'collect_logs' }, deviceIds });
    const [log] = (await api.listDeviceLogs({ jobId: logs.id })).items;
    expect(log?.serial).toBe(codec.serial);
    const text = Buffer.from(await api.downloadDeviceLog(log!.id)).toString('utf8');
    expect(text).toContain('SYSTEM unit restarting');
    expect(text).toContain('SECURITY login credentials changed (username admin)');
    expect(text).toMatch(/LOGIN admin signed in from/);
    expect(text).not.toContain(newPassword);
    const zip = Buffer.from(await api.downloadJobLogs(logs.id));
    expect(zip.includes(Buffer.from(`${codec.serial}-`))).toBe(true);
  });

  it('shows a unit a job reboots as Restarting, and waits for it in another job instead of failing', async () => {
    const spec = dsps[4]!;
    const restarted = () => changes.filter((c) => c.serial === spec.serial && c.kind === 'availability').length;
    const before = restarted();
    const reboot = await api.createJob({ operation: { kind: 'reboot' }, deviceIds: [idOf(spec.serial)] });
    await until(() => restarted() > before, 5);
    // A backup of the same unit while it is away: the agent waits for the unit to come back.
    const backup = await api.createJob({ operation: { kind: 'backup' }, deviceIds: [idOf(spec.serial)] });
    await until(async () => finished(await api.getJob(reboot.id)) && finished(await api.getJob(backup.id)), 100);
    for (const job of [await api.getJob(reboot.id), await api.getJob(backup.id)]) {
      expect(job.targets.map((target) => target.reason)).toEqual([null]);
      expect(job.counts).toMatchObject({ succeeded: 1, failed: 0 });
    }
    const history = await api.deviceHistory(idOf(spec.serial));
    expect(history.items.map((entry) => entry.status)).toContain('restarting');
  });

  it('rolls firmware out in waves, the next wave after the pause, and updates each device once', async () => {
    const firmware = await api.uploadFirmware(firmwareUpload('converge_pro_2', '9.1.0.0'));
    expect((await api.listFirmware()).items.map((item) => item.version)).toContain('9.1.0.0');
    const created = await api.createJob({
      operation: { kind: 'firmware_update', packageId: firmware.id },
      deviceIds: dsps.map((spec) => idOf(spec.serial)),
      rollout: { concurrency: 2, waveSize: 3, wavePauseSeconds: 1, failureThresholdPercent: 50 },
    });
    expect(created.targets.map((target) => target.wave).sort()).toEqual([1, 1, 1, 2, 2, 2]);
    const started = () => changes.filter((change) => change.kind === 'firmware_update' && change.value === 'STARTED');

    await until(async () => finished(await api.getJob(created.id)), 200);
    const job = await api.getJob(created.id);
    expect(job.state).toBe('completed');
    for (const target of job.targets) {
      expect(target.state === 'succeeded' || (target.state === 'failed' && target.reason)).toBeTruthy();
    }
    expect(job.counts.succeeded).toBe(dsps.length);
    for (const spec of dsps) {
      expect(started().filter((change) => change.serial === spec.serial)).toHaveLength(1);
      expect(job.targets.find((target) => target.serial === spec.serial)?.result?.firmware).toBe('9.1.0.0');
    }
    // The second wave began only after the first had finished.
    const firstWaveEnd = Math.max(
      ...job.targets.filter((target) => target.wave === 1).map((target) => Date.parse(target.finishedAt!)),
    );
    const secondWaveStart = Math.min(
      ...job.targets.filter((target) => target.wave === 2).map((target) => Date.parse(target.startedAt!)),
    );
    expect(secondWaveStart).toBeGreaterThanOrEqual(firstWaveEnd);
    await until(async () => {
      const { items } = await api.listDevices({ q: dsps[5]!.serial });
      return items[0]?.firmware === '9.1.0.0';
    }, 100);
  });
});

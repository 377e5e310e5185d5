import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { AgentConfigInput } from '@tutti/agent';
import { createApiClient, type ApiClient } from '@tutti/client';
import { createSimulator, type SimulatedDeviceSpec, type Simulator, type SimulatorChange } from '@tutti/devices';
import {
  createHub,
  createTestDatabase,
  ensureAgentAccount,
  ensureMember,
  ensureOrganization,
  rowsOf,
  testDatabaseKinds,
  type Database,
  type Hub,
  type HubConfigInput,
} from '@tutti/hub';
import { buildFirmwarePackage, type JobDetail } from '@tutti/protocol';
import { until } from '../harness.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The size: a 50-device rollout. */
const DEVICES = Number(process.env.TUTTI_JOBS_CRASH_DEVICES ?? 50);
/** Simulated firmware transfer and install per device, then a short reboot. */
const FIRMWARE_UPDATE_MS = 1_500;
const REBOOT_MS = 300;
const TELNET_PORT = 26_000 + Math.floor(Math.random() * 800);
const DISCOVERY_PORT = TELNET_PORT + 26_000;
const SUBNET = `127.38.${1 + Math.floor(Math.random() * 250)}.0`;
const AGENT_PASSWORD = 'Crash-agent-2026!';

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** `tutti agent` as its own process, so that it can be killed like a real one. */
function startAgentProcess(configFile: string): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', 'packages/cli/src/main.ts', '--log-level', 'warn', 'agent', '--config', configFile],
    { cwd: repoRoot, env: process.env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

// One database kind (PostgreSQL when reachable): this file starts processes and runs 50-device jobs.
const databaseKind = (await testDatabaseKinds()).at(-1)!;

describe(`jobs through crashes on ${databaseKind}`, () => {
  const prefix = SUBNET.slice(0, -1);
  const specs: SimulatedDeviceSpec[] = Array.from({ length: DEVICES }, (_, index) => ({
    address: `${prefix}${10 + index}`,
    model: 'CONVERGE_PRO_2_128T',
    boxName: `Crash${index + 1}`,
    serial: `CRASH-${String(index + 1).padStart(3, '0')}`,
    mac: `00:06:E2:38:${String(Math.floor(index / 100)).padStart(2, '0')}:${String(index % 100).padStart(2, '0')}`,
    firmware: '5.2.0.7',
    stackName: `Crash${index + 1}`,
    boxNumber: 1,
  }));
  const changes: SimulatorChange[] = [];
  let database: Database;
  let hub: Hub;
  let hubConfig: HubConfigInput;
  let simulator: Simulator;
  let agent: ChildProcess;
  let api: ApiClient;
  let workDir: string;
  let configFile: string;
  const ids = new Map<string, string>();

  const finished = async (jobId: string) => (await api.getJob(jobId)).finishedAt !== null;
  const inState = (job: JobDetail, state: string) => job.targets.filter((target) => target.state === state);

  beforeAll(async () => {
    database = await createTestDatabase(databaseKind);
    hubConfig = { host: '127.0.0.1', port: 0, logLevel: 'silent', liveFlushMs: 100 };
    hub = await createHub({ database, config: hubConfig });
    const baseUrl = await hub.start();
    hubConfig = { ...hubConfig, port: Number(new URL(baseUrl).port) };
    const org = await ensureOrganization(database.db, { name: 'Crash Organization', kind: 'client' }, 'test');
    const email = 'admin@crash.tutti.test';
    const password = 'Crash-admin-2026!';
    await ensureMember(database.db, { orgId: org.id, email, name: 'Crash Admin', password, role: 'owner' }, 'test');
    await ensureAgentAccount(database.db, org.id, 'Crash-Site', AGENT_PASSWORD, 'test');
    simulator = createSimulator({
      devices: specs,
      port: TELNET_PORT,
      discoveryPort: DISCOVERY_PORT,
      firmwareUpdateMs: FIRMWARE_UPDATE_MS,
      rebootMs: REBOOT_MS,
      onChange: (change) => changes.push(change),
    });
    await simulator.start();
    workDir = mkdtempSync(join(tmpdir(), 'tutti-jobs-crash-'));
    configFile = join(workDir, 'agent.json');
    const agentConfig: AgentConfigInput = {
      dataDir: join(workDir, 'agent'),
      uiPort: 0,
      hub: { url: baseUrl, agentName: 'Crash-Site', password: AGENT_PASSWORD },
      subnets: [{ subnet: SUBNET, interfaceName: 'lo', enabled: true }],
      telnetPort: TELNET_PORT,
      discoveryPort: DISCOVERY_PORT,
      scanIntervalSeconds: 2,
      discoveryTimeoutMs: 300,
      restartGraceSeconds: 20,
      hubReconnect: { initialMs: 100, maxMs: 400 },
      logLevel: 'warn',
    };
    writeFileSync(configFile, JSON.stringify(agentConfig));
    agent = startAgentProcess(configFile);
    api = createApiClient({ baseUrl, keepCookies: true });
    await api.signIn({ email, password });
    await until(async () => (await api.listDevices({ limit: 1 })).total >= DEVICES, 200);
    for (const device of (await api.listDevices({ limit: 500 })).items) ids.set(device.serial, device.id);
  });

  afterAll(async () => {
    if (agent) await kill(agent);
    await simulator?.close();
    await hub?.close();
    await database?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('an agent killed (SIGKILL) mid-rollout and started again ends every target, and updates no device twice', async () => {
    const image = buildFirmwarePackage('converge_pro_2', '9.2.0.0', new Uint8Array(4096).fill(9), sha256Hex);
    const firmware = await api.uploadFirmware({
      modelFamily: 'converge_pro_2',
      version: '9.2.0.0',
      releaseNotes: 'Crash test release',
      fileName: 'converge_pro_2-9.2.0.0.tfw',
      sha256: sha256Hex(image),
      contentBase64: Buffer.from(image).toString('base64'),
    });
    const created = await api.createJob({
      operation: { kind: 'firmware_update', packageId: firmware.id },
      deviceIds: specs.map((spec) => ids.get(spec.serial)!),
      rollout: { concurrency: 50, failureThresholdPercent: 100 },
    });
    const starts = () => changes.filter((change) => change.kind === 'firmware_update' && change.value === 'STARTED');

    // Killed while a first batch of devices is installing and the rest wait on the agent's disk.
    await until(() => starts().length >= 8, 20);
    await kill(agent);
    const startsAtKill = starts().length;
    expect(startsAtKill).toBeLessThan(DEVICES);
    agent = startAgentProcess(configFile);

    await until(() => finished(created.id), 250);
    const job = await api.getJob(created.id);
    expect(job.state).toBe('completed');
    const startsOf = (serial: string) => starts().filter((change) => change.serial === serial).length;
    for (const target of job.targets) {
      if (target.state === 'succeeded') {
        expect(target.result?.firmware).toBe('9.2.0.0');
        expect(startsOf(target.serial)).toBe(1);
        continue;
      }
      // Stored as sent, killed before the device got it: the restarted agent finds the old firmware and says so
      // instead of sending the update a second time.
      expect(target.state).toBe('failed');
      expect(target.failureCode).toBe('agent_restarted');
      expect(target.reason).toContain('the device runs 5.2.0.7, not 9.2.0.0');
      expect(startsOf(target.serial)).toBe(0);
    }
    expect(inState(job, 'succeeded').length).toBeGreaterThanOrEqual(startsAtKill);

    // Retrying installs the rest (when the kill left any target failed); every device got FW_UPDATE exactly once.
    if (inState(job, 'failed').length > 0) {
      await api.retryJob(created.id);
      await until(() => finished(created.id), 250);
    }
    const retried = await api.getJob(created.id);
    expect(inState(retried, 'succeeded')).toHaveLength(DEVICES);
    for (const spec of specs) expect(startsOf(spec.serial)).toBe(1);
  });

  it('a hub restarted during a systemwide backup loses no backup and stores none twice; a damaged copy is refused', async () => {
    // The rollout above ends with reboots: every unit is back and Healthy before the backup starts.
    await until(async () => {
      const { counts } = await api.listDevices({ limit: 1 });
      return counts.healthy === DEVICES;
    }, 250);
    const created = await api.createJob({
      operation: { kind: 'backup' },
      deviceIds: specs.map((spec) => ids.get(spec.serial)!),
      rollout: { concurrency: 50 },
    });
    // The job went to the agent before the answer came back; the hub stops while the agent reads configurations.
    await hub.close();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    hub = await createHub({ database, config: hubConfig });
    await hub.start();

    await until(() => finished(created.id), 250);
    const job = await api.getJob(created.id);
    expect(job.state).toBe('completed');
    const stored = rowsOf<{ target_id: string; attempt: number; id: string; sha256: string; serial: string }>(
      await database.db.execute(
        sql`SELECT target_id, attempt, id, sha256, serial FROM device_backups WHERE job_id = ${created.id}`,
      ),
    );
    for (const target of job.targets) {
      const copies = stored.filter((row) => row.target_id === target.id);
      if (target.state === 'succeeded') {
        expect(copies).toHaveLength(1);
        expect(target.result?.backupId).toBe(copies[0]!.id);
      } else {
        expect(target.state).toBe('failed');
        expect(target.reason).toBeTruthy();
        expect(copies).toEqual([]);
      }
    }
    // Every backup is stored: a failure would name its reason here.
    expect(
      job.targets
        .filter((target) => target.state !== 'succeeded')
        .map(({ failureCode, reason }) => ({ failureCode, reason })),
    ).toEqual([]);
    // Each device has exactly one version from this job, and its bytes match the checksum it was stored with.
    expect(new Set(stored.map((row) => row.serial)).size).toBe(DEVICES);
    for (const row of stored.slice(0, 5)) expect(sha256Hex(await api.downloadBackup(row.id))).toBe(row.sha256);

    const damaged = stored[0]!;
    await database.db.execute(sql`UPDATE device_backups SET content = ${Buffer.from('half')} WHERE id = ${damaged.id}`);
    await expect(api.downloadBackup(damaged.id)).rejects.toMatchObject({ code: 'BACKUP_CORRUPT' });
  });
});

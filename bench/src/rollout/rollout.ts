import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { createApiClient, type ApiClient } from '@tutti/client';
import { ensureAgentAccount, ensureMember, rowsOf } from '@tutti/hub';
import { buildFirmwarePackage, type JobOperation, type Rollout } from '@tutti/protocol';
import type { Benchmark, BenchOptions, BenchReport, BenchScope } from '../benchmark.ts';
import { formatTable, round } from '../format.ts';
import { benchDataDir, databaseOf, type BenchNetwork } from '../shared/setup.ts';
import {
  agentConfig,
  layoutOf,
  startAgentWorker,
  startHubSite,
  startSimulatorWorker,
  waitForDevicesInHub,
  type HubSite,
} from '../shared/site.ts';
import { until } from '../wait.ts';

/** This benchmark's own loopback block and ports (the others are in shared/setup.ts). */
const network: BenchNetwork = { subnetPrefix: '127.64', telnetPort: 2428, discoveryPort: 50_128 };
const ADMIN = { email: 'rollout@bench.tutti.test', password: 'Bench-rollout-2026!' };
/** Each simulated FW_UPDATE (transfer and install) takes this long: the transfer time the figures include. */
const SIMULATED_TRANSFER_S = 10;
/** An updated box then restarts for this long before the backup can reach it. */
const SIMULATED_REBOOT_S = 5;
/** Share of the simulated boxes that are CONVERGE Pro 2 units (the rest are other families): sizes the site so that
 * the rollout has as many firmware targets as asked. */
const PRO_2_SHARE = 0.85;
const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface Settings {
  /** Firmware targets and backup targets. */
  devices: number;
  /** Simulated boxes, enough to hold `devices` CONVERGE Pro 2 units. */
  boxes: number;
  agents: number;
  concurrency: number;
}

function settingsOf(options: BenchOptions): Settings {
  const devices = options.devices ?? (options.quick ? 100 : 1000);
  return {
    devices,
    boxes: Math.ceil(devices / PRO_2_SHARE),
    agents: options.quick ? 2 : 10,
    concurrency: options.rate ?? 50,
  };
}

/** Every device id the hub lists for a filter (pages of 500). */
async function deviceIds(client: ApiClient, family?: 'converge_pro_2'): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ; page += 1) {
    const list = await client.listDevices({ limit: 500, page, ...(family ? { family: [family] } : {}) });
    ids.push(...list.items.filter((device) => device.connection.plink === null).map((device) => device.id));
    if (page * 500 >= list.total) return ids;
  }
}

/** Starts a job and waits until every target has an outcome; resolves to its figures. */
async function timeJob(
  client: ApiClient,
  scope: BenchScope,
  operation: JobOperation,
  ids: string[],
  rollout: Partial<Rollout>,
  timeoutMs: number,
) {
  const started = performance.now();
  const job = await client.createJob({ operation, deviceIds: ids, rollout });
  let last = job;
  await until(
    async () => {
      last = await client.getJob(job.id);
      scope.progress(`rollout: ${operation.kind} ${last.progress}% (${last.counts.succeeded}/${last.counts.total})`);
      return last.finishedAt !== null;
    },
    { timeoutMs, intervalMs: 1_000, signal: scope.signal, what: `${operation.kind} job to finish` },
  );
  const seconds = (performance.now() - started) / 1000;
  return { seconds, counts: last.counts, perMinute: round((last.counts.succeeded / seconds) * 60, 1), id: job.id };
}

async function startAgents(scope: BenchScope, site: HubSite, dataDir: string, subnets: string[], agents: number) {
  const orgId = rowsOf<{ id: string }>(
    await site.database.db.execute(sql`SELECT org_id AS id FROM agents WHERE id = ${site.agentId}`),
  )[0]!.id;
  await Promise.all(
    Array.from({ length: agents }, async (_, index) => {
      const agentName = `Bench-Rollout-${index + 1}`;
      await ensureAgentAccount(site.database.db, orgId, agentName, site.agentPassword, 'bench');
      const worker = startAgentWorker(scope);
      await worker.request(
        {
          type: 'start',
          config: agentConfig({
            dataDir: join(dataDir, `agent-${index + 1}`),
            site: { ...site, agentName },
            subnets: subnets.filter((_, subnet) => subnet % agents === index),
            telnetPort: network.telnetPort,
            discoveryPort: network.discoveryPort,
          }),
        },
        'started',
        60_000,
      );
    }),
  );
  return orgId;
}

async function run(options: BenchOptions, scope: BenchScope): Promise<BenchReport> {
  const settings = settingsOf(options);
  const dataDir = benchDataDir(scope, 'rollout');
  const site = await startHubSite(scope, databaseOf(options), dataDir);
  const layout = layoutOf(settings.boxes, network.subnetPrefix, 150, settings.agents);
  scope.progress(`rollout: simulating ${settings.boxes} boxes on ${layout.length} subnets`);
  await startSimulatorWorker(scope, layout, network.telnetPort, network.discoveryPort, {
    firmwareUpdateMs: SIMULATED_TRANSFER_S * 1000,
    rebootMs: SIMULATED_REBOOT_S * 1000,
  });
  const orgId = await startAgents(
    scope,
    site,
    dataDir,
    layout.map(({ subnet }) => subnet),
    settings.agents,
  );
  await ensureMember(site.database.db, { orgId, ...ADMIN, name: 'Bench Admin', role: 'owner' }, 'bench');
  await waitForDevicesInHub(
    { ...site, agentFilter: `org_id = '${orgId}'::uuid AND host_serial IS NULL` },
    settings.boxes,
    120_000 + settings.boxes * 100,
    scope.signal,
  );
  const client = createApiClient({ baseUrl: site.hubUrl, keepCookies: true });
  await client.signIn(ADMIN);

  const image = new Uint8Array(256 * 1024).fill(0x5a);
  const content = buildFirmwarePackage('converge_pro_2', '9.9.0.1', image, sha256Hex);
  const firmware = await client.uploadFirmware({
    modelFamily: 'converge_pro_2',
    version: '9.9.0.1',
    fileName: 'bench.tfw',
    sha256: sha256Hex(content),
    contentBase64: Buffer.from(content).toString('base64'),
  });
  const pro2 = await deviceIds(client, 'converge_pro_2');
  if (pro2.length < settings.devices)
    throw new Error(`Only ${pro2.length} CONVERGE Pro 2 units for ${settings.devices}`);
  const targets = pro2.slice(0, settings.devices);
  scope.progress(`rollout: firmware to ${targets.length} CONVERGE Pro 2 units at concurrency ${settings.concurrency}`);
  const rollout = await timeJob(
    client,
    scope,
    { kind: 'firmware_update', packageId: firmware.id },
    targets,
    { concurrency: settings.concurrency, failureThresholdPercent: 100 },
    60_000 + targets.length * SIMULATED_TRANSFER_S * 1000,
  );

  // Where a target's time goes once it has a slot: from the hub's dispatch until the agent starts it, then on the
  // device until its outcome is stored.
  const [phases] = rowsOf<{ dispatch_p50: number; dispatch_p95: number; device_p50: number; device_p95: number }>(
    await site.database.db.execute(sql`SELECT
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.started_at - t.dispatched_at)) AS dispatch_p50,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM t.started_at - t.dispatched_at)) AS dispatch_p95,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.finished_at - t.started_at)) AS device_p50,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM t.finished_at - t.started_at)) AS device_p95
      FROM job_targets t WHERE t.job_id = ${rollout.id}`),
  );

  // Updated units reboot; the backup starts once every unit answers again.
  scope.progress('rollout: waiting for the updated units to come back');
  await until(
    async () =>
      rowsOf<{ n: number }>(
        await site.database.db.execute(
          sql`SELECT count(*)::int AS n FROM devices WHERE org_id = ${orgId} AND status IN ('restarting', 'updating_firmware', 'down')`,
        ),
      )[0]!.n === 0,
    { timeoutMs: 180_000, intervalMs: 1_000, signal: scope.signal, what: 'updated units back' },
  );
  const all = (await deviceIds(client)).slice(0, settings.devices);
  scope.progress(`rollout: systemwide backup of ${all.length} units`);
  const backup = await timeJob(client, scope, { kind: 'backup' }, all, { concurrency: 500 }, 60_000 + all.length * 500);
  const [stored] = rowsOf<{ n: number; bytes: number }>(
    await site.database.db.execute(
      sql`SELECT count(*)::int AS n, coalesce(sum(size_bytes), 0)::int AS bytes FROM device_backups WHERE job_id = ${backup.id}`,
    ),
  );

  const table = formatTable(`Firmware rollout and systemwide backup (${databaseOf(options)})`, [
    ['simulated boxes', settings.boxes],
    ['agents', settings.agents],
    ['firmware targets (CONVERGE Pro 2 units)', rollout.counts.total],
    ['simulated transfer per device (s)', SIMULATED_TRANSFER_S],
    ['simulated reboot after the update (s)', SIMULATED_REBOOT_S],
    ['concurrency', settings.concurrency],
    ['rollout total (s)', round(rollout.seconds, 1)],
    ['rollout devices/min', rollout.perMinute],
    ['rollout succeeded / failed', `${rollout.counts.succeeded} / ${rollout.counts.failed}`],
    [
      '  dispatched → started on the agent p50 / p95 (s)',
      `${round(phases!.dispatch_p50, 2)} / ${round(phases!.dispatch_p95, 2)}`,
    ],
    ['  started → outcome stored p50 / p95 (s)', `${round(phases!.device_p50, 2)} / ${round(phases!.device_p95, 2)}`],
    ['backup targets', backup.counts.total],
    ['backup total (s)', round(backup.seconds, 1)],
    ['backup succeeded / failed', `${backup.counts.succeeded} / ${backup.counts.failed}`],
    ['backups stored', stored?.n ?? 0],
    ['bytes stored', stored?.bytes ?? 0],
  ]);
  return {
    table,
    json: {
      bench: 'rollout',
      database: databaseOf(options),
      devices: settings.devices,
      boxes: settings.boxes,
      agents: settings.agents,
      concurrency: settings.concurrency,
      simulatedTransferSeconds: SIMULATED_TRANSFER_S,
      simulatedRebootSeconds: SIMULATED_REBOOT_S,
      rolloutTargets: rollout.counts.total,
      rolloutSeconds: round(rollout.seconds, 1),
      rolloutDevicesPerMinute: rollout.perMinute,
      rolloutFailed: rollout.counts.failed,
      targetDispatchToStartSeconds: { p50: round(phases!.dispatch_p50, 2), p95: round(phases!.dispatch_p95, 2) },
      targetStartToOutcomeSeconds: { p50: round(phases!.device_p50, 2), p95: round(phases!.device_p95, 2) },
      backupTargets: backup.counts.total,
      backupSeconds: round(backup.seconds, 1),
      backupFailed: backup.counts.failed,
      backupsStored: stored?.n ?? 0,
      backupBytes: stored?.bytes ?? 0,
    },
  };
}

export const rolloutBenchmark: Benchmark = {
  name: 'rollout',
  description:
    'Firmware rollout to --devices CONVERGE Pro 2 units (1,000; 100 with --quick) over 10 agents (2) at a concurrency (--rate, 50), then a systemwide backup of as many devices',
  timeoutMs: (options) => (options.quick ? 8 : 40) * 60_000,
  run,
};

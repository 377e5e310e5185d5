import type { Benchmark, BenchOptions, BenchReport, BenchScope } from '../benchmark.ts';
import { formatTable, round } from '../format.ts';
import { until } from '../wait.ts';
import { cpuMs } from '../worker.ts';
import { analyseIngest, latencySummary } from '../shared/analyse.ts';
import {
  cores,
  elsewherePercent,
  machineBusyPercent,
  machineTicks,
  postgresCpuByPid,
  postgresCpuDelta,
  query,
} from '../shared/machine.ts';
import {
  eventCounts,
  layoutOf,
  startHubSite,
  startSimulatorWorker,
  storedStatusEvents,
  waitForDevicesInHub,
  waitForSettled,
  type AgentWorker,
  type HubSite,
  type SimWorker,
} from '../shared/site.ts';
import {
  benchDataDir,
  benchNetworks,
  busyWarningRows,
  cpuWindow,
  flipSettingsOf,
  MAX_DEVICES_PER_SUBNET,
  startSiteAgent,
  type FlipSettings,
} from '../shared/setup.ts';

const { subnetPrefix: SUBNET_PREFIX, telnetPort: TELNET_PORT, discoveryPort: DISCOVERY_PORT } = benchNetworks.latency;
const HOT_CELSIUS = 82;
const COOL_CELSIUS = 40;
/** Low enough that the pipeline is never the bottleneck: this measures latency, not throughput. */
const DEFAULT_RATE = 50;
const BUDGET_P99_MS = 500;
/** The PostgreSQL row counts client backends only (the hub's pool and the bench's own queries). */
const LATENCY_DEFINITION =
  'received_at (start of the hub transaction that stored the event) - flip time in the simulator process';

function settingsOf(options: BenchOptions): FlipSettings {
  return flipSettingsOf(options, {
    devices: [1000, 5000],
    seconds: [10, 60],
    rate: DEFAULT_RATE,
    discoveryMsPerDevice: 40,
    drainTimeoutMs: [60_000, 60_000],
  });
}

/**
 * Autovacuum and autoanalyze runs so far on this database's tables (null if the engine does not say). Those workers
 * come and go between CPU samples, so their CPU is not in the PostgreSQL row; this count says whether any ran.
 */
async function autovacuumRuns(site: HubSite): Promise<number | null> {
  if (site.database.kind !== 'postgres') return null;
  const rows = await query<{ n: number }>(
    site.database,
    'SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0)::int AS n FROM pg_stat_user_tables',
  );
  return rows[0]!.n;
}

async function cpuSnapshot(sim: SimWorker, agent: AgentWorker, site: HubSite) {
  const [simCpu, agentCpu, postgres] = await Promise.all([
    sim.request({ type: 'cpu' }, 'cpu', 10_000),
    agent.request({ type: 'cpu' }, 'cpu', 10_000),
    postgresCpuByPid(site.database, 'client'),
  ]);
  return {
    at: performance.now(),
    autovacuumRuns: await autovacuumRuns(site),
    simulator: simCpu.cpuMs,
    agent: agentCpu.cpuMs,
    hub: cpuMs(),
    postgres,
    machine: machineTicks(),
  };
}

async function run(options: BenchOptions, scope: BenchScope): Promise<BenchReport> {
  const settings = settingsOf(options);
  const { signal } = scope;
  const progress = (message: string): void => scope.progress(message);
  const layout = layoutOf(settings.devices, SUBNET_PREFIX, MAX_DEVICES_PER_SUBNET, 1);
  const dataDir = benchDataDir(scope, 'latency');

  progress(`latency: ${settings.devices} devices on ${layout.length} subnets, ${settings.database}`);
  // The database, the simulator and the agent's process start side by side: a shorter --quick run.
  const [site, { sim, serials }] = await Promise.all([
    startHubSite(scope, settings.database, dataDir),
    startSimulatorWorker(scope, layout, TELNET_PORT, DISCOVERY_PORT),
  ]);
  const agent = await startSiteAgent(scope, { dataDir, site, layout, network: benchNetworks.latency });
  const discoveryMs = await waitForDevicesInHub(site, settings.devices, settings.discoveryTimeoutMs, signal);
  progress(`latency: hub has all ${settings.devices} devices after ${Math.round(discoveryMs)} ms`);
  const baselineSeq = await waitForSettled(site, agent, { timeoutMs: 120_000, quietMs: 2_000, signal });

  // Random devices (a seeded permutation, so no device flips twice in a row) at a low, steady rate. No sampler
  // polls the agent meanwhile: agent.status() copies every device and would add its own delay.
  progress(`latency: flipping random devices at ${settings.rate}/s for ${settings.seconds} s`);
  const before = await cpuSnapshot(sim, agent, site);
  const flipped = await sim.request(
    {
      type: 'flip',
      rate: settings.rate,
      seconds: settings.seconds,
      hotCelsius: HOT_CELSIUS,
      coolCelsius: COOL_CELSIUS,
      order: 'shuffled',
      seed: 20_261_123,
    },
    'flipped',
    settings.seconds * 1000 + 60_000,
  );
  const flips = flipped.device.length;
  progress(`latency: ${flips} flips done; waiting for the last events`);
  let drained = true;
  let lastCount = -1;
  let countStableSince = performance.now();
  try {
    await until(
      async () => {
        const [counts, status] = await Promise.all([
          eventCounts(site, baselineSeq),
          agent.request({ type: 'status' }, 'status', 10_000),
        ]);
        if (counts.status !== lastCount) {
          lastCount = counts.status;
          countStableSince = performance.now();
        }
        const empty = status.outboxDepth === 0 && status.lastAckedSeq >= status.lastSeq;
        return (empty && counts.status >= flips) || (empty && performance.now() - countStableSince >= 3_000);
      },
      { timeoutMs: settings.drainTimeoutMs, intervalMs: 100, signal, what: 'the last events' },
    );
  } catch (error) {
    if (signal.aborted) throw error;
    drained = false;
    progress(`latency: ${error instanceof Error ? error.message : String(error)}; analysing what arrived`);
  }
  const after = await cpuSnapshot(sim, agent, site);

  const events = await storedStatusEvents(site, baselineSeq);
  const otherEvents = (await eventCounts(site, baselineSeq)).other;
  const analysis = analyseIngest(serials, flipped.device, flipped.at, events);
  const latency = latencySummary(analysis.latencyMs);
  const agentLatency = latencySummary(analysis.agentLatencyMs);
  const { share, pgShare } = cpuWindow(before, after);
  const cpu = {
    simulator: share(before.simulator, after.simulator),
    agent: share(before.agent, after.agent),
    hub: share(before.hub, after.hub),
    postgres: pgShare(postgresCpuDelta(before.postgres, after.postgres)),
    machineBusy: machineBusyPercent(before.machine, after.machine),
  };
  const elsewhere = elsewherePercent(cpu.machineBusy, cpu.simulator + cpu.agent + cpu.hub + (cpu.postgres ?? 0));
  const budgetMet = latency.p99 < BUDGET_P99_MS && analysis.lost === 0 && analysis.duplicates === 0;
  const ms = (value: number): number => round(value, 1);

  const json = {
    bench: 'latency',
    devices: settings.devices,
    seconds: settings.seconds,
    rate: settings.rate,
    flips,
    eventsStored: analysis.eventsStored,
    p50Ms: ms(latency.p50),
    p95Ms: ms(latency.p95),
    p99Ms: ms(latency.p99),
    maxMs: ms(latency.max),
    agentP50Ms: ms(agentLatency.p50),
    agentP99Ms: ms(agentLatency.p99),
    agentMaxMs: ms(agentLatency.max),
    lost: analysis.lost,
    duplicates: analysis.duplicates,
    wrongStatus: analysis.wrongStatus,
    downEvents: analysis.downEvents,
    otherEvents,
    drained,
    simulatorMaxLagMs: ms(flipped.maxLagMs),
    cpuPercent: { ...cpu, elsewhere },
    autovacuumRunsInWindow:
      before.autovacuumRuns === null || after.autovacuumRuns === null
        ? null
        : after.autovacuumRuns - before.autovacuumRuns,
    discoveryMs: Math.round(discoveryMs),
    database: settings.database,
    budgetP99Ms: BUDGET_P99_MS,
    budgetMet,
    latencyDefinition: LATENCY_DEFINITION,
  };
  const percent = (value: number | null): string => (value === null ? 'in hub (PGlite)' : `${value} %`);
  const table = formatTable(
    `latency — ${settings.devices} devices, random flips at ${settings.rate}/s for ${settings.seconds} s, ${settings.database}`,
    [
      ['flips (status changes made)', flips],
      ['status events stored', analysis.eventsStored],
      ['latency p50 / p95 / p99 / max', `${json.p50Ms} / ${json.p95Ms} / ${json.p99Ms} / ${json.maxMs} ms`],
      [
        '  of which flip → agent outbox',
        `p50 ${json.agentP50Ms} ms, p99 ${json.agentP99Ms} ms, max ${json.agentMaxMs} ms`,
      ],
      ['lost / duplicates / wrong status', `${analysis.lost} / ${analysis.duplicates} / ${analysis.wrongStatus}`],
      ['down events (sessions lost)', analysis.downEvents],
      ['other events in the window', otherEvents],
      ['simulator max lag', `${json.simulatorMaxLagMs} ms`],
      ['CPU % of one core: simulator', `${cpu.simulator} %`],
      ['                   agent', `${cpu.agent} %`],
      ['                   hub', `${cpu.hub} %`],
      ['                   postgres backends', percent(cpu.postgres)],
      ['  autovacuum / autoanalyze runs', json.autovacuumRunsInWindow ?? '-'],
      ['                   everything else', `${elsewhere} %`],
      [`machine busy (${cores} cores = 100 %)`, `${cpu.machineBusy} %`],
      ...busyWarningRows(elsewhere),
      ['discovery (all devices in hub)', `${json.discoveryMs} ms`],
      [`budget p99 < ${BUDGET_P99_MS} ms, nothing lost`, budgetMet ? 'met' : 'NOT met'],
    ],
  );
  return { table, json };
}

export const latencyBenchmark: Benchmark = {
  name: 'latency',
  description: 'one status change on a simulated device until the hub stored it, at fleet size and a low rate',
  timeoutMs(options) {
    const settings = settingsOf(options);
    return 60_000 + settings.discoveryTimeoutMs + 120_000 + settings.seconds * 1000 + 60_000 + settings.drainTimeoutMs;
  },
  run,
};

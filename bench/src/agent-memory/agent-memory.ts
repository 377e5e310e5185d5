import { join } from 'node:path';
import type { Benchmark, BenchOptions, BenchReport, BenchScope } from '../benchmark.ts';
import { formatTable, round } from '../format.ts';
import { sleep } from '../wait.ts';
import { cpuMs } from '../worker.ts';
import {
  cores,
  elsewherePercent,
  machineBusyPercent,
  machineTicks,
  postgresCpuByPid,
  postgresCpuDelta,
} from '../shared/machine.ts';
import type { MemorySample } from '../shared/messages.ts';
import {
  agentConfig,
  layoutOf,
  maxStoredSeq,
  startAgentWorker,
  startHubSite,
  startSimulatorWorker,
  waitForDevicesInHub,
  waitForSettled,
} from '../shared/site.ts';
import {
  benchDataDir,
  benchNetworks,
  busyWarningRows,
  cpuWindow,
  databaseOf,
  MAX_DEVICES_PER_SUBNET,
  type BenchDatabase,
} from '../shared/setup.ts';

const {
  subnetPrefix: SUBNET_PREFIX,
  telnetPort: TELNET_PORT,
  discoveryPort: DISCOVERY_PORT,
} = benchNetworks.agentMemory;
const BUDGET_KIB_PER_DEVICE = 20;
/** The agent's defaults (agent-config.ts), which decide what "idle" contains. */
const LIVENESS_INTERVAL_S = 45;
const SCAN_INTERVAL_S = 60;
/**
 * Between two forced GCs before a memory sample: V8 returns freed heap pages to the OS only some seconds after a
 * GC (its memory reducer), so without the wait the baseline keeps start-up garbage and RSS per device comes out low.
 */
const MEMORY_SETTLE_MS = 10_000;
const QUICK_MEMORY_SETTLE_MS = 6_000;

interface MemorySettings {
  devices: number;
  idleSeconds: number;
  database: BenchDatabase;
  identifyTimeoutMs: number;
  memorySettleMs: number;
  quietMs: number;
}

function settingsOf(options: BenchOptions): MemorySettings {
  const devices = options.devices ?? (options.quick ? 1000 : 5000);
  return {
    devices,
    idleSeconds: options.seconds ?? (options.quick ? 10 : 30),
    database: databaseOf(options),
    identifyTimeoutMs: 30_000 + devices * 40,
    memorySettleMs: options.quick ? QUICK_MEMORY_SETTLE_MS : MEMORY_SETTLE_MS,
    quietMs: options.quick ? 1_000 : 3_000,
  };
}

const MiB = 1024 * 1024;
const mib = (bytes: number): number => round(bytes / MiB, 1);

async function run(options: BenchOptions, scope: BenchScope): Promise<BenchReport> {
  const settings = settingsOf(options);
  const { signal } = scope;
  const progress = (message: string): void => scope.progress(message);
  const layout = layoutOf(settings.devices, SUBNET_PREFIX, MAX_DEVICES_PER_SUBNET, 1);
  const dataDir = benchDataDir(scope, 'agent-memory');

  progress(`agent-memory: ${settings.devices} devices on ${layout.length} subnets, ${settings.database}`);
  // The database, the simulator and the agent's process start side by side: a shorter --quick run.
  const [site, { sim }] = await Promise.all([
    startHubSite(scope, settings.database, dataDir),
    startSimulatorWorker(scope, layout, TELNET_PORT, DISCOVERY_PORT),
  ]);

  // The agent starts connected to the hub but with no subnet enabled: its footprint without devices.
  const agent = startAgentWorker(scope, ['--expose-gc']);
  await agent.request(
    {
      type: 'start',
      config: agentConfig({
        dataDir: join(dataDir, 'agent'),
        site,
        subnets: [],
        telnetPort: TELNET_PORT,
        discoveryPort: DISCOVERY_PORT,
      }),
    },
    'started',
    30_000,
  );
  await waitForSettled(site, agent, { timeoutMs: 30_000, quietMs: settings.quietMs, signal });
  const empty = await agent.request({ type: 'memory', gc: true, settleMs: settings.memorySettleMs }, 'memory', 60_000);
  progress(`agent-memory: agent without devices: RSS ${mib(empty.rss)} MiB, heap ${mib(empty.heapUsed)} MiB`);

  // Enable every subnet as an admin would in the UI; the agent sweeps them one after the other.
  const enabledAt = performance.now();
  await agent.request({ type: 'subnets', subnets: layout.map(({ subnet }) => subnet) }, 'subnets', 30_000);
  const identified = await agent.request(
    { type: 'identified', count: settings.devices, timeoutMs: settings.identifyTimeoutMs },
    'identified',
    settings.identifyTimeoutMs + 10_000,
  );
  const identifiedMs = performance.now() - enabledAt;
  progress(`agent-memory: all ${settings.devices} identified ${Math.round(identifiedMs)} ms after enabling`);
  await waitForDevicesInHub(site, settings.devices, 120_000, signal);
  const inHubMs = performance.now() - enabledAt;
  await waitForSettled(site, agent, { timeoutMs: 120_000, quietMs: settings.quietMs, signal });
  const noGc = await agent.request({ type: 'memory', gc: false }, 'memory', 30_000);
  const monitoring = await agent.request(
    { type: 'memory', gc: true, settleMs: settings.memorySettleMs },
    'memory',
    60_000,
  );

  // Idle: nothing changes on the devices; the agent still runs its liveness probes and periodic sweeps.
  progress(`agent-memory: measuring idle CPU for ${settings.idleSeconds} s`);
  const snapshot = async () => {
    const [agentCpu, simCpu, postgres, seq] = await Promise.all([
      agent.request({ type: 'cpu' }, 'cpu', 10_000),
      sim.request({ type: 'cpu' }, 'cpu', 10_000),
      postgresCpuByPid(site.database),
      maxStoredSeq(site),
    ]);
    return {
      at: performance.now(),
      agent: agentCpu.cpuMs,
      sim: simCpu.cpuMs,
      hub: cpuMs(),
      postgres,
      seq,
      machine: machineTicks(),
    };
  };
  const scansBefore = (await agent.request({ type: 'status' }, 'status', 30_000)).scans;
  const before = await snapshot();
  await sleep(settings.idleSeconds * 1000, signal);
  const after = await snapshot();
  const afterIdle = await agent.request({ type: 'memory', gc: true }, 'memory', 30_000);
  const status = await agent.request({ type: 'status' }, 'status', 30_000);

  const { window, share, pgShare } = cpuWindow(before, after);
  const idle = {
    agent: share(before.agent, after.agent),
    simulator: share(before.sim, after.sim),
    hub: share(before.hub, after.hub),
    postgres: pgShare(postgresCpuDelta(before.postgres, after.postgres)),
    machineBusy: machineBusyPercent(before.machine, after.machine),
  };
  const elsewhere = elsewherePercent(idle.machineBusy, idle.agent + idle.simulator + idle.hub + (idle.postgres ?? 0));
  const perDevice = (key: keyof MemorySample, sample: MemorySample = monitoring): number =>
    round((sample[key] - empty[key]) / settings.devices / 1024, 2);
  const rssPerDevice = perDevice('rss');
  const budgetMet = rssPerDevice <= BUDGET_KIB_PER_DEVICE;
  const sample = (memory: MemorySample) => ({
    rssMiB: mib(memory.rss),
    heapUsedMiB: mib(memory.heapUsed),
    heapTotalMiB: mib(memory.heapTotal),
    externalMiB: mib(memory.external),
    arrayBuffersMiB: mib(memory.arrayBuffers),
  });

  const json = {
    bench: 'agent-memory',
    devices: settings.devices,
    identified: identified.identified,
    connectedSessions: status.connectedSessions,
    database: settings.database,
    withoutDevices: sample(empty),
    monitoring: sample(monitoring),
    monitoringNoGc: sample(noGc),
    afterIdle: sample(afterIdle),
    rssKiBPerDevice: rssPerDevice,
    rssKiBPerDeviceNoGc: perDevice('rss', noGc),
    rssKiBPerDeviceAfterIdle: perDevice('rss', afterIdle),
    heapKiBPerDevice: perDevice('heapUsed'),
    externalKiBPerDevice: perDevice('external'),
    identifyAllMs: Math.round(identifiedMs),
    allInHubMs: Math.round(inHubMs),
    idleSeconds: round(window / 1000, 1),
    idleCpuPercent: { ...idle, elsewhere },
    idleEventsStored: after.seq - before.seq,
    idleSubnetSweeps: status.scans - scansBefore,
    livenessIntervalSeconds: LIVENESS_INTERVAL_S,
    scanIntervalSeconds: SCAN_INTERVAL_S,
    budgetKiBPerDevice: BUDGET_KIB_PER_DEVICE,
    budgetMet,
    definition:
      'RSS per device = (agent RSS monitoring N devices - same agent process before any subnet was enabled) / N, ' +
      'both after forced GC; idle CPU = process.cpuUsage() of the agent over the window, % of one core',
  };
  const memoryRow = (memory: MemorySample): string =>
    `RSS ${mib(memory.rss)} MiB, heap ${mib(memory.heapUsed)} / ${mib(memory.heapTotal)} MiB, ` +
    `external ${mib(memory.external)} MiB`;
  const percent = (value: number | null): string => (value === null ? 'in hub (PGlite)' : `${value} %`);
  const table = formatTable(`agent-memory — one agent, ${settings.devices} devices, ${settings.database}`, [
    ['agent without devices (GC)', memoryRow(empty)],
    ['agent monitoring (GC)', memoryRow(monitoring)],
    ['agent monitoring (no GC)', memoryRow(noGc)],
    [`after ${json.idleSeconds} s idle (GC)`, memoryRow(afterIdle)],
    [
      'RSS per device',
      `${rssPerDevice} KiB  (no GC ${json.rssKiBPerDeviceNoGc}, after idle ${json.rssKiBPerDeviceAfterIdle})`,
    ],
    ['heap / external per device', `${json.heapKiBPerDevice} / ${json.externalKiBPerDevice} KiB`],
    ['devices identified / sessions', `${identified.identified} / ${status.connectedSessions}`],
    ['all identified after enabling', `${json.identifyAllMs} ms (all in hub ${json.allInHubMs} ms)`],
    [`idle CPU over ${json.idleSeconds} s: agent`, `${idle.agent} % of one core`],
    ['                   simulator', `${idle.simulator} %`],
    ['                   hub', `${idle.hub} %`],
    ['                   postgres backends', percent(idle.postgres)],
    ['                   everything else', `${elsewhere} %`],
    [`machine busy (${cores} cores = 100 %)`, `${idle.machineBusy} %`],
    ...busyWarningRows(elsewhere),
    ['events stored / subnet sweeps while idle', `${json.idleEventsStored} / ${json.idleSubnetSweeps}`],
    ['idle includes', `liveness every ${LIVENESS_INTERVAL_S} s, sweep of every subnet every ${SCAN_INTERVAL_S} s`],
    [`budget ≤ ${BUDGET_KIB_PER_DEVICE} KiB RSS per device`, budgetMet ? 'met' : 'NOT met'],
  ]);
  return { table, json };
}

export const agentMemoryBenchmark: Benchmark = {
  name: 'agent-memory',
  description: 'RSS per monitored device and idle CPU of one Local Agent',
  timeoutMs(options) {
    const settings = settingsOf(options);
    return 120_000 + settings.identifyTimeoutMs + 240_000 + settings.idleSeconds * 1000 + 60_000;
  },
  run,
};

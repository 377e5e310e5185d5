import { join } from 'node:path';
import type { Benchmark, BenchOptions, BenchReport, BenchScope } from '../benchmark.ts';
import { formatTable, percentile, round } from '../format.ts';
import { cpuMs } from '../worker.ts';
import { cores, elsewherePercent, machineBusyPercent, machineTicks } from '../shared/machine.ts';
import { agentConfig, layoutOf, startAgentWorker, startSimulatorWorker, withInnerScope } from '../shared/site.ts';
import { benchDataDir, benchNetworks, busyWarningRows } from '../shared/setup.ts';

const { subnetPrefix: SUBNET_PREFIX, telnetPort: TELNET_PORT, discoveryPort: DISCOVERY_PORT } = benchNetworks.discovery;
/** The agent's defaults (agent-config.ts): how long a sweep listens after its last request, requests in flight. */
const AGENT_DISCOVERY_TIMEOUT_MS = 1_000;
const AGENT_SCAN_CONCURRENCY = 64;
/** A sweep with this short a listening tail shows what the packets themselves take. */
const SHORT_TIMEOUT_MS = 50;
const BUDGET_MS = 2_000;
const DEFINITION =
  'createAgent() + start() in a fresh agent process until agent.status() lists every device with a connected ' +
  'session, an identity (firmware) and a status';

interface DiscoverySettings {
  devices: number;
  runs: number;
  identifyTimeoutMs: number;
}

function settingsOf(options: BenchOptions): DiscoverySettings {
  const devices = options.devices ?? 50;
  if (devices > 253) throw new Error('discovery sweeps one /24: at most 253 devices');
  return { devices, runs: options.runs ?? (options.quick ? 3 : 10), identifyTimeoutMs: 30_000 };
}

interface Run {
  startMs: number;
  firstMs: number;
  discoveryMs: number;
  sweepMs: number;
  sweepAnswers: number;
  shortSweepMs: number;
  shortSweepAnswers: number;
  machineBusy: number;
  elsewhere: number;
}

function summary(values: number[]): { p50: number; max: number; min: number } {
  const sorted = Float64Array.from(values).sort();
  return {
    p50: round(percentile(sorted, 50), 0),
    max: round(sorted[sorted.length - 1] ?? Number.NaN, 0),
    min: round(sorted[0] ?? Number.NaN, 0),
  };
}

async function run(options: BenchOptions, scope: BenchScope): Promise<BenchReport> {
  const settings = settingsOf(options);
  const progress = (message: string): void => scope.progress(message);
  const [layout] = layoutOf(settings.devices, SUBNET_PREFIX, 253, 1);
  const subnet = layout!.subnet;
  const dataDir = benchDataDir(scope, 'discovery');

  progress(`discovery: ${settings.devices} devices on ${subnet}, ${settings.runs} runs`);
  const { sim } = await startSimulatorWorker(scope, [layout!], TELNET_PORT, DISCOVERY_PORT);

  const runs: Run[] = [];
  for (let index = 0; index < settings.runs; index += 1) {
    const result = await withInnerScope(scope, async (inner): Promise<Run> => {
      // A fresh process and data dir each time: what a site sees when its agent (re)starts with nothing known.
      const agent = startAgentWorker(inner);
      await agent.request({ type: 'cpu' }, 'cpu', 30_000); // process up and modules loaded
      const before = {
        at: performance.now(),
        machine: machineTicks(),
        sim: (await sim.request({ type: 'cpu' }, 'cpu', 10_000)).cpuMs,
        agent: (await agent.request({ type: 'cpu' }, 'cpu', 10_000)).cpuMs,
        bench: cpuMs(),
      };
      const started = await agent.request(
        {
          type: 'start',
          config: agentConfig({
            dataDir: join(dataDir, `agent-${index}`),
            site: null,
            subnets: [subnet],
            telnetPort: TELNET_PORT,
            discoveryPort: DISCOVERY_PORT,
          }),
        },
        'started',
        30_000,
      );
      const identified = await agent.request(
        { type: 'identified', count: settings.devices, timeoutMs: settings.identifyTimeoutMs },
        'identified',
        settings.identifyTimeoutMs + 10_000,
      );
      const after = {
        at: performance.now(),
        machine: machineTicks(),
        sim: (await sim.request({ type: 'cpu' }, 'cpu', 10_000)).cpuMs,
        agent: (await agent.request({ type: 'cpu' }, 'cpu', 10_000)).cpuMs,
        bench: cpuMs(),
      };
      const window = after.at - before.at;
      const ours = ((after.sim - before.sim + after.agent - before.agent + after.bench - before.bench) / window) * 100;
      const machineBusy = machineBusyPercent(before.machine, after.machine);
      // The sweep alone, from the same process, while the agent's sessions sit idle.
      const sweep = await agent.request(
        {
          type: 'probe',
          subnet,
          port: DISCOVERY_PORT,
          timeoutMs: AGENT_DISCOVERY_TIMEOUT_MS,
          concurrency: AGENT_SCAN_CONCURRENCY,
        },
        'probe',
        30_000,
      );
      const short = await agent.request(
        {
          type: 'probe',
          subnet,
          port: DISCOVERY_PORT,
          timeoutMs: SHORT_TIMEOUT_MS,
          concurrency: AGENT_SCAN_CONCURRENCY,
        },
        'probe',
        30_000,
      );
      return {
        startMs: started.startMs,
        firstMs: identified.firstMs,
        discoveryMs: identified.ms,
        sweepMs: sweep.ms,
        sweepAnswers: sweep.answers,
        shortSweepMs: short.ms,
        shortSweepAnswers: short.answers,
        machineBusy,
        elsewhere: elsewherePercent(machineBusy, ours),
      };
    });
    progress(
      `discovery: run ${index + 1}: all ${settings.devices} identified after ${Math.round(result.discoveryMs)} ms ` +
        `(sweep ${Math.round(result.sweepMs)} ms, ${result.sweepAnswers} answers)`,
    );
    runs.push(result);
  }

  const discovery = summary(runs.map((r) => r.discoveryMs));
  const first = summary(runs.map((r) => r.firstMs));
  const start = summary(runs.map((r) => r.startMs));
  const sweep = summary(runs.map((r) => r.sweepMs));
  const shortSweep = summary(runs.map((r) => r.shortSweepMs));
  const machineBusy = summary(runs.map((r) => r.machineBusy));
  const elsewhere = summary(runs.map((r) => r.elsewhere));
  const missedAnswers = runs.filter(
    (r) => r.sweepAnswers !== settings.devices || r.shortSweepAnswers !== settings.devices,
  ).length;
  const budgetMet = discovery.max < BUDGET_MS && missedAnswers === 0;

  const json = {
    bench: 'discovery',
    devices: settings.devices,
    runs: settings.runs,
    discoveryP50Ms: discovery.p50,
    discoveryMaxMs: discovery.max,
    discoveryMinMs: discovery.min,
    firstIdentifiedP50Ms: first.p50,
    agentStartP50Ms: start.p50,
    sweepP50Ms: sweep.p50,
    sweepMaxMs: sweep.max,
    sweepTimeoutMs: AGENT_DISCOVERY_TIMEOUT_MS,
    shortSweepP50Ms: shortSweep.p50,
    shortSweepMaxMs: shortSweep.max,
    shortSweepTimeoutMs: SHORT_TIMEOUT_MS,
    sweepsMissingAnswers: missedAnswers,
    runsMs: runs.map((r) => Math.round(r.discoveryMs)),
    machineBusyP50: machineBusy.p50,
    machineBusyMax: machineBusy.max,
    elsewhereMaxPercent: elsewhere.max,
    budgetMs: BUDGET_MS,
    budgetMet,
    definition: DEFINITION,
  };
  const table = formatTable(`discovery — ${settings.devices} devices on one /24, ${settings.runs} runs`, [
    [
      'discovered + logged in + identified',
      `p50 ${discovery.p50} ms, max ${discovery.max} ms, min ${discovery.min} ms`,
    ],
    ['  first device identified', `p50 ${first.p50} ms`],
    ['  agent start() (outbox, links)', `p50 ${start.p50} ms`],
    [
      `UDP sweep (probeSubnet, ${AGENT_DISCOVERY_TIMEOUT_MS} ms tail)`,
      `p50 ${sweep.p50} ms, max ${sweep.max} ms  (the agent's default listening tail)`,
    ],
    [`UDP sweep (${SHORT_TIMEOUT_MS} ms tail)`, `p50 ${shortSweep.p50} ms, max ${shortSweep.max} ms`],
    ['sweeps missing an answer', missedAnswers],
    ['every run (ms)', json.runsMs.join(', ')],
    [
      `machine busy (${cores} cores = 100 %)`,
      `p50 ${machineBusy.p50} %, max ${machineBusy.max} %; everything else max ${elsewhere.max} % of a core`,
    ],
    ...busyWarningRows(elsewhere.max),
    [`budget < ${BUDGET_MS} ms (every run)`, budgetMet ? 'met' : 'NOT met'],
  ]);
  return { table, json };
}

export const discoveryBenchmark: Benchmark = {
  name: 'discovery',
  description: 'a fresh Local Agent finding, logging in to and identifying the devices of one /24',
  timeoutMs(options) {
    const settings = settingsOf(options);
    return 90_000 + settings.runs * (settings.identifyTimeoutMs + 30_000 + 15_000);
  },
  run,
};

import { join } from 'node:path';
import type { AgentConfigInput } from '@tutti/agent';
import { createHub, createTestDatabase, ensureAgentAccount, ensureOrganization, type Database } from '@tutti/hub';
import type { BenchScope } from '../benchmark.ts';
import { until } from '../wait.ts';
import { startWorker, type Worker } from '../worker.ts';
import type { StoredStatusEvent } from './analyse.ts';
import { query } from './machine.ts';
import type { AgentReply, AgentRequest, SimReply, SimRequest, SimulatorTimings, SubnetLayout } from './messages.ts';

export type SimWorker = Worker<SimRequest, SimReply>;
export type AgentWorker = Worker<AgentRequest, AgentReply>;

/** Spreads the devices evenly over at least `minSubnets` /24s `<prefix>.1.0`, `<prefix>.2.0`, … of at most `max` each. */
export function layoutOf(devices: number, prefix: string, maxPerSubnet = 200, minSubnets = 2): SubnetLayout[] {
  const count = Math.max(minSubnets, Math.ceil(devices / maxPerSubnet));
  if (count > 250) throw new Error(`Too many devices: ${devices}`);
  return Array.from({ length: count }, (_, index) => ({
    subnet: `${prefix}.${index + 1}.0`,
    devices: Math.floor(devices / count) + (index < devices % count ? 1 : 0),
  }));
}

export interface HubSite {
  database: Database;
  hubUrl: string;
  agentId: string;
  agentName: string;
  agentPassword: string;
  /** SQL condition selecting this agent's rows. */
  agentFilter: string;
}

/** A fresh database copied from the migrated template, a hub on it (in this process) and one agent account. */
export async function startHubSite(scope: BenchScope, kind: 'postgres' | 'pglite', dataDir: string): Promise<HubSite> {
  const database = await createTestDatabase(kind);
  scope.defer(() => database.close());
  const hub = await createHub({
    database,
    config: { host: '127.0.0.1', port: 0, logLevel: 'silent', dataDir: join(dataDir, 'hub') },
  });
  const hubUrl = await hub.start();
  scope.defer(() => hub.close());
  const org = await ensureOrganization(database.db, { name: 'Bench Organization', kind: 'client' }, 'bench');
  const agentName = 'Bench-Site';
  const agentPassword = 'Bench-agent-2026!';
  const { id: agentId } = await ensureAgentAccount(database.db, org.id, agentName, agentPassword, 'bench');
  return { database, hubUrl, agentId, agentName, agentPassword, agentFilter: `agent_id = '${agentId}'::uuid` };
}

/** The simulator (and flip driver) in a child process, started; resolves to every box's serial. */
export async function startSimulatorWorker(
  scope: BenchScope,
  layout: SubnetLayout[],
  port: number,
  discoveryPort: number,
  timings?: SimulatorTimings,
): Promise<{ sim: SimWorker; serials: string[]; startMs: number }> {
  const sim = startWorker<SimRequest, SimReply>(new URL('./sim-worker.ts', import.meta.url), 'simulator', scope, {
    type: 'stop',
  });
  const started = await sim.request(
    { type: 'start', layout, port, discoveryPort, ...(timings ? { timings } : {}) },
    'started',
    60_000,
  );
  const expected = layout.reduce((sum, { devices }) => sum + devices, 0);
  if (started.serials.length !== expected) {
    throw new Error(`Simulator made ${started.serials.length} boxes, not ${expected}`);
  }
  return { sim, serials: started.serials, startMs: started.startMs };
}

/** A Local Agent worker (child process), not started yet. */
export function startAgentWorker(scope: BenchScope, extraExecArgv: readonly string[] = []): AgentWorker {
  return startWorker<AgentRequest, AgentReply>(
    new URL('./agent-worker.ts', import.meta.url),
    'agent',
    scope,
    { type: 'stop' },
    extraExecArgv,
  );
}

/** The agent configuration every benchmark uses: its own data dir, the hub (if any), loopback subnets. */
export function agentConfig(options: {
  dataDir: string;
  site: HubSite | null;
  subnets: string[];
  telnetPort: number;
  discoveryPort: number;
}): AgentConfigInput {
  const { site } = options;
  return {
    dataDir: options.dataDir,
    serverName: site?.agentName ?? 'Bench-Site',
    hub: site ? { url: site.hubUrl, agentName: site.agentName, password: site.agentPassword } : null,
    subnets: options.subnets.map((subnet) => ({ subnet, interfaceName: 'lo', enabled: true })),
    telnetPort: options.telnetPort,
    discoveryPort: options.discoveryPort,
    hubReconnect: { initialMs: 100, maxMs: 1_000 },
    logLevel: 'warn',
  };
}

/** Waits until the hub's database lists `devices` devices of the agent; resolves to the time it took. */
export async function waitForDevicesInHub(
  site: HubSite,
  devices: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<number> {
  const began = performance.now();
  await until(
    async () =>
      (
        await query<{ n: number }>(site.database, `SELECT count(*)::int AS n FROM devices WHERE ${site.agentFilter}`)
      )[0]!.n >= devices,
    { timeoutMs, intervalMs: 250, signal, what: `${devices} devices in the hub` },
  );
  return performance.now() - began;
}

/** Highest event seq the hub stored for the agent. */
export async function maxStoredSeq(site: HubSite): Promise<number> {
  const rows = await query<{ s: string }>(
    site.database,
    `SELECT coalesce(max(seq), 0) AS s FROM device_events WHERE ${site.agentFilter}`,
  );
  return Number(rows[0]!.s);
}

/**
 * Waits until the outbox is empty, the hub stored the agent's last seq and nothing new arrived for `quietMs`;
 * resolves to that seq, so every event above it comes from what the benchmark does next.
 */
export async function waitForSettled(
  site: HubSite,
  agent: AgentWorker,
  options: { quietMs?: number; timeoutMs: number; signal: AbortSignal },
): Promise<number> {
  let stableSince = performance.now();
  let lastSeen = -1;
  await until(
    async () => {
      const [seq, status] = await Promise.all([
        maxStoredSeq(site),
        agent.request({ type: 'status' }, 'status', 10_000),
      ]);
      const settled = status.outboxDepth === 0 && seq === status.lastSeq;
      if (!settled || seq !== lastSeen) {
        lastSeen = seq;
        stableSince = performance.now();
      }
      return performance.now() - stableSince >= (options.quietMs ?? 1_000);
    },
    {
      timeoutMs: options.timeoutMs,
      intervalMs: 200,
      signal: options.signal,
      what: 'the agent and hub to settle',
    },
  );
  return lastSeen;
}

/**
 * Runs `body` with a scope of its own whose clean-ups (e.g. stopping a worker) run when `body` ends, so one
 * repetition's processes are gone before the next starts. They are also registered with `parent`, so a timeout or
 * Ctrl-C mid-repetition still runs them.
 */
export async function withInnerScope<T>(parent: BenchScope, body: (scope: BenchScope) => Promise<T>): Promise<T> {
  const cleanups: Array<() => Promise<void> | void> = [];
  let done = false;
  const runCleanups = async (): Promise<void> => {
    if (done) return;
    done = true;
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        parent.progress(`clean-up failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  parent.defer(runCleanups);
  try {
    return await body({
      defer: (cleanup) => cleanups.push(cleanup),
      signal: parent.signal,
      progress: (message) => parent.progress(message),
    });
  } finally {
    await runCleanups();
  }
}

/** The agent's stored `device.status` events above `baselineSeq`, in seq order. */
export async function storedStatusEvents(site: HubSite, baselineSeq: number): Promise<StoredStatusEvent[]> {
  const rows = await query<{ serial: string; status: string; occurred_ms: number; received_ms: number }>(
    site.database,
    `SELECT serial, payload->>'status' AS status,
            (extract(epoch FROM occurred_at) * 1000)::float8 AS occurred_ms,
            (extract(epoch FROM received_at) * 1000)::float8 AS received_ms
       FROM device_events
      WHERE ${site.agentFilter} AND kind = 'device.status' AND seq > ${baselineSeq}
      ORDER BY seq`,
  );
  return rows.map((row) => ({
    serial: row.serial,
    status: row.status,
    occurredMs: Number(row.occurred_ms),
    receivedMs: Number(row.received_ms),
  }));
}

/** How many of the agent's events above `baselineSeq` are `device.status` events, and how many are not. */
export async function eventCounts(site: HubSite, baselineSeq: number): Promise<{ status: number; other: number }> {
  const rows = await query<{ status: number; other: number }>(
    site.database,
    `SELECT count(*) FILTER (WHERE kind = 'device.status')::int AS status,
            count(*) FILTER (WHERE kind <> 'device.status')::int AS other
       FROM device_events WHERE ${site.agentFilter} AND seq > ${baselineSeq}`,
  );
  return rows[0]!;
}

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sql } from 'drizzle-orm';
import { createApiClient } from '@tutti/client';
import {
  createHub,
  createTestDatabase,
  ensureAgentAccount,
  ensureMember,
  ensureOrganization,
  rowsOf,
  type Database,
} from '@tutti/hub';
import type { Benchmark, BenchOptions, BenchReport, BenchScope } from '../benchmark.ts';
import { insertDevices, insertLocations, deviceListViews, measureDeviceList } from '../device-list/device-list.ts';
import { formatTable, percentile, round } from '../format.ts';
import {
  elsewherePercent,
  machineBusyPercent,
  machineTicks,
  postgresCpuByPid,
  postgresCpuDelta,
} from '../shared/machine.ts';
import { benchDataDir, busyWarningRows, cpuWindow, databaseOf } from '../shared/setup.ts';
import { sleep } from '../wait.ts';
import { startWorker, type Worker } from '../worker.ts';
import type { LinkReply, LinkRequest } from './link-worker.ts';

/** Issue 10: the hub at 100,000 devices and 1,000 connected agents; device list API p95 < 50 ms. */
const BUDGET_P95_MS = 50;
const ADMIN = { email: 'scale-admin@bench.tutti.test', password: 'Bench-admin-2026!' };
const AGENT_PASSWORD = 'Bench-agent-2026!';
const MIB = 1024 * 1024;

/** The hub's memory after full collections and a pause for V8 to hand freed pages back (see agent-memory). */
async function settledMemory(signal: AbortSignal): Promise<NodeJS.MemoryUsage> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let pass = 0; pass < 3; pass += 1) gc();
  await sleep(10_000, signal);
  gc();
  return process.memoryUsage();
}

function settingsOf(options: BenchOptions) {
  return {
    devices: options.devices ?? (options.quick ? 10_000 : 100_000),
    agents: options.quick ? 100 : 1000,
    idleSeconds: options.seconds ?? (options.quick ? 16 : 32),
    requests: options.quick ? 200 : 1000,
    database: databaseOf(options),
  };
}

export interface ScaleSite {
  database: Database;
  hubUrl: string;
  orgId: string;
  agentNames: string[];
  buildings: string[];
}

/**
 * A hub (in this process) on a fresh database holding `devices` devices spread evenly over `agents` agent accounts
 * of one organization, in rooms of 10 buildings. The accounts share one password hash: hashing a thousand argon2
 * passwords would only time the seeding.
 */
export async function startScaleSite(
  scope: BenchScope,
  settings: { devices: number; agents: number; database: 'postgres' | 'pglite' },
  bench: string,
): Promise<ScaleSite> {
  const database = await createTestDatabase(settings.database);
  scope.defer(() => database.close());
  const hub = await createHub({
    database,
    config: { host: '127.0.0.1', port: 0, logLevel: 'silent', dataDir: benchDataDir(scope, bench) },
  });
  const hubUrl = await hub.start();
  scope.defer(() => hub.close());
  const org = await ensureOrganization(database.db, { name: 'Bench Organization', kind: 'client' }, 'bench');
  await ensureMember(database.db, { orgId: org.id, ...ADMIN, name: 'Bench Admin', role: 'owner' }, 'bench');
  const agentName = (n: number) => `Bench-Agent-${String(n).padStart(4, '0')}`;
  const first = await ensureAgentAccount(database.db, org.id, agentName(1), AGENT_PASSWORD, 'bench');
  await database.db.execute(sql`
    INSERT INTO agents (org_id, name, password_hash)
    SELECT ${org.id}::uuid, 'Bench-Agent-' || lpad(n::text, 4, '0'), (SELECT password_hash FROM agents WHERE id = ${first.id}::uuid)
    FROM generate_series(2, ${settings.agents}) AS n`);
  const agents = rowsOf<{ id: string; name: string }>(
    await database.db.execute(sql`SELECT id, name FROM agents WHERE org_id = ${org.id}::uuid ORDER BY name`),
  );
  const { buildings, rooms } = await insertLocations({ database }, org.id);
  await insertDevices(
    { database, agentId: first.id, agentIds: agents.map((agent) => agent.id) },
    org.id,
    settings.devices,
    rooms,
  );
  return { database, hubUrl, orgId: org.id, agentNames: agents.map((agent) => agent.name), buildings };
}

export type LinkWorker = Worker<LinkRequest, LinkReply>;

/** The agent links in a child process, connected (hello → welcome) `concurrency` at a time. */
export async function connectLinks(scope: BenchScope, site: ScaleSite, concurrency = 16) {
  const links = startWorker<LinkRequest, LinkReply>(new URL('./link-worker.ts', import.meta.url), 'links', scope, {
    type: 'stop',
  });
  const connected = await links.request(
    {
      type: 'connect',
      hubUrl: site.hubUrl,
      agents: site.agentNames.map((name) => ({ name, password: AGENT_PASSWORD })),
      concurrency,
    },
    'connected',
    10 * 60_000,
  );
  if (connected.failed.length > 0) throw new Error(`Links failed: ${connected.failed.slice(0, 3).join('; ')}`);
  return { links, connectMs: connected.ms };
}

async function run(options: BenchOptions, scope: BenchScope): Promise<BenchReport> {
  const settings = settingsOf(options);
  scope.progress(`hub-scale: seeding ${settings.devices} devices over ${settings.agents} agents`);
  const site = await startScaleSite(scope, settings, 'hub-scale');
  const connectedAgents = async () =>
    rowsOf<{ count: number }>(
      await site.database.db.execute(sql`SELECT count(*)::int AS count FROM agents WHERE connected`),
    )[0]!.count;

  const memoryBefore = await settledMemory(scope.signal);
  scope.progress(`hub-scale: connecting ${settings.agents} agent links`);
  const { links, connectMs } = await connectLinks(scope, site);
  const connected = await connectedAgents();
  const memoryLinked = await settledMemory(scope.signal);

  scope.progress(`hub-scale: ${settings.idleSeconds} s idle with every link up`);
  const hubCpu = process.cpuUsage();
  const linksBefore = await links.request({ type: 'stats' }, 'stats', 10_000);
  const pgBefore = await postgresCpuByPid(site.database);
  const ticksBefore = machineTicks();
  const windowStart = { at: performance.now() };
  await sleep(settings.idleSeconds * 1000, scope.signal);
  const windowEnd = { at: performance.now() };
  const ticksAfter = machineTicks();
  const pgAfter = await postgresCpuByPid(site.database);
  const linksAfter = await links.request({ type: 'stats' }, 'stats', 10_000);
  const hubCpuMs = (() => {
    const delta = process.cpuUsage(hubCpu);
    return (delta.user + delta.system) / 1000;
  })();
  const { share, pgShare } = cpuWindow(windowStart, windowEnd);
  const hubIdle = share(0, hubCpuMs);
  const pgIdle = pgShare(postgresCpuDelta(pgBefore, pgAfter));
  const linksIdle = share(linksBefore.cpuMs, linksAfter.cpuMs);
  const busy = machineBusyPercent(ticksBefore, ticksAfter);
  const elsewhere = elsewherePercent(busy, hubIdle + (pgIdle ?? 0) + linksIdle);

  scope.progress(`hub-scale: ${settings.requests} device list requests with every link up`);
  const client = createApiClient({ baseUrl: site.hubUrl, keepCookies: true });
  await client.signIn({ email: ADMIN.email, password: ADMIN.password });
  const { all, viewRows } = await measureDeviceList(
    client,
    deviceListViews(site.buildings),
    settings.requests,
    scope.signal,
  );
  const stillOpen = (await links.request({ type: 'stats' }, 'stats', 10_000)).open;
  const p = (q: number) => round(percentile(all, q), 1);
  const mib = (bytes: number) => round(bytes / MIB, 1);
  const json = {
    bench: 'hub-scale',
    devices: settings.devices,
    agents: settings.agents,
    database: settings.database,
    connectedAgents: connected,
    linksOpenAtEnd: stillOpen,
    connectMs: Math.round(connectMs),
    hubRssMiB: { withoutLinks: mib(memoryBefore.rss), withLinks: mib(memoryLinked.rss) },
    hubHeapUsedMiB: { withoutLinks: mib(memoryBefore.heapUsed), withLinks: mib(memoryLinked.heapUsed) },
    rssPerLinkKiB: round((memoryLinked.rss - memoryBefore.rss) / 1024 / settings.agents, 1),
    idleSeconds: settings.idleSeconds,
    idleCpuPercent: { hub: hubIdle, postgres: pgIdle, linkClients: linksIdle },
    heartbeatsInWindow: {
      sent: linksAfter.heartbeatsSent - linksBefore.heartbeatsSent,
      received: linksAfter.heartbeatsReceived - linksBefore.heartbeatsReceived,
    },
    machineBusyPercent: busy,
    elsewherePercent: elsewhere,
    requests: settings.requests,
    listP50Ms: p(50),
    listP95Ms: p(95),
    listP99Ms: p(99),
    views: Object.fromEntries(viewRows.map(([label, value]) => [label.slice(4), value])),
    budgetP95Ms: BUDGET_P95_MS,
    meetsBudget: p(95) < BUDGET_P95_MS,
  };
  const table = formatTable(
    `hub-scale: ${settings.devices.toLocaleString('en-US')} devices, ${settings.agents} agent links, ${settings.database}`,
    [
      ['agents connected (hub) / links open at end', `${connected} / ${stillOpen}`],
      ['all links welcomed after', `${json.connectMs} ms`],
      [
        'hub RSS without / with the links (after GC)',
        `${json.hubRssMiB.withoutLinks} / ${json.hubRssMiB.withLinks} MiB`,
      ],
      ['hub heap used without / with', `${json.hubHeapUsedMiB.withoutLinks} / ${json.hubHeapUsedMiB.withLinks} MiB`],
      ['RSS per link', `${json.rssPerLinkKiB} KiB`],
      [`idle CPU over ${settings.idleSeconds} s: hub`, `${hubIdle} % of one core`],
      ['                     PostgreSQL', pgIdle === null ? 'in-process (PGlite)' : `${pgIdle} %`],
      ['                     link clients', `${linksIdle} %`],
      [
        'heartbeats in the window (sent / received)',
        `${json.heartbeatsInWindow.sent} / ${json.heartbeatsInWindow.received}`,
      ],
      [
        'device list p50 / p95 / p99',
        `${json.listP50Ms} / ${json.listP95Ms} / ${json.listP99Ms} ms (budget p95 < ${BUDGET_P95_MS} ms)`,
      ],
      ...viewRows,
      ['machine busy (2 cores = 100 %) in the idle window', `${busy} %; everything else ${elsewhere} % of a core`],
      ...busyWarningRows(elsewhere),
    ],
  );
  return { table, json };
}

export const hubScaleBenchmark: Benchmark = {
  name: 'hub-scale',
  description: 'Hub at 100,000 devices and 1,000 connected agent links: RSS, CPU at idle, device list API p95',
  timeoutMs: (options) => (options.quick ? 180_000 : 900_000),
  run,
};

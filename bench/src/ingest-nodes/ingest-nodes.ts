import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { WebSocket } from 'ws';
import { AGENT_LINK_MAX_BATCH, AGENT_LINK_PATH, type AgentEvent, type HubMessage } from '@tutti/protocol';
import { createTestDatabase, ensureAgentAccount, ensureOrganization, rowsOf, type Database } from '@tutti/hub';
import type { Benchmark, BenchOptions, BenchReport, BenchScope } from '../benchmark.ts';
import { formatTable, round } from '../format.ts';
import {
  cores,
  elsewherePercent,
  machineBusyPercent,
  machineTicks,
  postgresCpuByPid,
  postgresCpuDelta,
} from '../shared/machine.ts';
import { benchDataDir } from '../shared/setup.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const NATS_URL = 'nats://127.0.0.1:4222';
const AGENT_PASSWORD = 'Bench-agent-2026!';
/** Events per frame and frames awaiting their ack per link: what a Local Agent with a deep backlog sends. */
const BATCH = AGENT_LINK_MAX_BATCH;
const IN_FLIGHT = 4;

interface Settings {
  links: number;
  devicesPerLink: number;
  seconds: number;
}

function settingsOf(options: BenchOptions): Settings {
  const links = options.quick ? 4 : 8;
  return {
    links,
    devicesPerLink: Math.max(1, Math.round((options.devices ?? (options.quick ? 800 : 4000)) / links)),
    seconds: options.seconds ?? (options.quick ? 5 : 15),
  };
}

/** `tutti hub` as its own process; resolves with its address once it listens. */
async function startHubProcess(
  scope: BenchScope,
  databaseUrl: string,
  secretKey: string,
  dataDir: string,
): Promise<{ url: string; pid: number }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'packages/cli/src/main.ts',
      '--log-level',
      'info',
      'hub',
      '--port',
      '0',
      '--data-dir',
      dataDir,
    ].concat(['--nats', NATS_URL]),
    {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl, TUTTI_SECRET_KEY: secretKey },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  scope.defer(() => {
    child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.once('exit', (code) => reject(new Error(`hub process exited with ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n').find((candidate) => candidate.includes('"hub listening"'));
      if (line) resolve({ url: (JSON.parse(line) as { url: string }).url, pid: child.pid! });
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    });
  });
}

/** CPU ms a process has used, from /proc (USER_HZ is 100 on Linux). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * One agent link driven as fast as the hub acknowledges: hello, the devices once (`device.seen`), then frames of
 * status changes with increasing seq, up to `IN_FLIGHT` frames unacknowledged, like a Local Agent's outbox with a
 * deep backlog. Frames are text put together from pre-built event bodies, so the load generator costs little.
 */
class LoadLink {
  private socket: WebSocket;
  private waiting: ((message: HubMessage) => void) | null = null;
  private seq = 0;
  private ackedSeq = 0;
  private onAck: (() => void) | null = null;
  acked = 0;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as HubMessage;
      if (message.type === 'ack' && message.upTo > this.ackedSeq) {
        this.acked += message.upTo - this.ackedSeq;
        this.ackedSeq = message.upTo;
        this.onAck?.();
      }
      this.waiting?.(message);
    });
  }

  static async open(hubUrl: string, agentName: string): Promise<LoadLink> {
    const socket = new WebSocket(`${hubUrl.replace('http', 'ws')}${AGENT_LINK_PATH}`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const link = new LoadLink(socket);
    const welcome = link.next('welcome');
    socket.send(JSON.stringify({ type: 'hello', protocol: 1, agentName, password: AGENT_PASSWORD, version: 'bench' }));
    await welcome;
    return link;
  }

  private next(type: HubMessage['type']): Promise<HubMessage> {
    return new Promise((resolve, reject) => {
      this.waiting = (message) => {
        if (message.type === type) resolve(message);
        else if (message.type === 'error') reject(new Error(`hub refused: ${message.code}`));
      };
    });
  }

  async send(events: AgentEvent[]): Promise<void> {
    const ack = this.next('ack');
    this.socket.send(JSON.stringify({ type: 'events', events }));
    await ack;
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  /**
   * Sends frames built from `bodies` (each the JSON of an event without its leading `"seq"`), taking turns through
   * `frames`, keeping `IN_FLIGHT` unacknowledged, until `until()` says stop; resolves once all sent are acked.
   */
  async pump(frames: string[][], until: () => boolean): Promise<void> {
    let frame = 0;
    const lastSeqs: number[] = [];
    while (!until()) {
      while (lastSeqs.length > 0 && lastSeqs[0]! <= this.ackedSeq) lastSeqs.shift();
      if (lastSeqs.length >= IN_FLIGHT) {
        await new Promise<void>((resolve) => (this.onAck = resolve));
        continue;
      }
      const bodies = frames[frame % frames.length]!;
      frame += 1;
      const parts = new Array<string>(bodies.length);
      for (let index = 0; index < bodies.length; index += 1) parts[index] = `{"seq":${this.nextSeq()},${bodies[index]}`;
      this.socket.send(`{"type":"events","events":[${parts.join(',')}]}`);
      lastSeqs.push(this.seq);
    }
    while (this.ackedSeq < this.seq) await new Promise<void>((resolve) => (this.onAck = resolve));
  }

  close(): void {
    this.socket.close();
  }
}

function serialOf(link: number, device: number): string {
  return `0B${String(link).padStart(2, '0')}-${String(device).padStart(4, '0')}-01`;
}

/** Two frames' worth of status changes per link (statuses alternate frame by frame), as event bodies without seq. */
function statusFrames(linkIndex: number, devicesPerLink: number): string[][] {
  const at = new Date().toISOString();
  return [0, 1].map((parity) =>
    Array.from({ length: BATCH }, (_, index) => {
      const status = (index + parity) % 2 === 0 ? 'healthy' : 'overheating';
      const serial = serialOf(linkIndex, index % devicesPerLink);
      return `"at":"${at}","kind":"device.status","serial":"${serial}","status":"${status}","since":"${at}"}`;
    }),
  );
}

interface NodesRun {
  nodes: number;
  eventsPerSecond: number;
  stored: number;
  acked: number;
  machineBusy: number;
  /** CPU in % of one core over the window. */
  cpuPercent: { hubs: number; postgres: number | null; loadGenerator: number; elsewhere: number };
  /** CPU µs per acknowledged event, and the rate two cores would sustain at that cost with nothing else on them. */
  cpuMicrosPerEvent: { hubs: number; postgres: number | null; ceilingPerSecond: number | null };
  loadAverage: number;
}

async function measure(scope: BenchScope, settings: Settings, nodes: number, dataDir: string): Promise<NodesRun> {
  const database: Database & { url: string | null } = await createTestDatabase('postgres');
  scope.defer(() => database.close());
  const org = await ensureOrganization(database.db, { name: 'Bench Organization', kind: 'client' }, 'bench');
  const names = Array.from({ length: settings.links }, (_, index) => `bench-link-${index + 1}`);
  for (const name of names) await ensureAgentAccount(database.db, org.id, name, AGENT_PASSWORD, 'bench');
  const secretKey = randomBytes(32).toString('base64url');
  const hubs = await Promise.all(
    Array.from({ length: nodes }, (_, node) =>
      startHubProcess(scope, database.url!, secretKey, join(dataDir, `nodes-${nodes}-hub-${node + 1}`)),
    ),
  );
  scope.progress(`${nodes} node(s) up; opening ${settings.links} agent links`);
  const links = await Promise.all(names.map((name, index) => LoadLink.open(hubs[index % nodes]!.url, name)));
  scope.defer(() => links.forEach((link) => link.close()));
  const now = () => new Date().toISOString();
  await Promise.all(
    links.map((link, linkIndex) =>
      link.send(
        Array.from({ length: settings.devicesPerLink }, (_, device) => ({
          seq: link.nextSeq(),
          at: now(),
          kind: 'device.seen' as const,
          device: {
            serial: serialOf(linkIndex, device),
            model: 'CONVERGE_PRO_2_128' as const,
            name: `Bench ${linkIndex}-${device}`,
            mac: `02:00:00:${String(linkIndex).padStart(2, '0')}:${(device >> 8).toString(16).padStart(2, '0')}:${(device & 255).toString(16).padStart(2, '0')}`,
            firmware: '4.4.0.2',
            accessIp: `127.9.${linkIndex}.${(device % 250) + 1}`,
            port: 23,
            status: 'healthy' as const,
            statusSince: now(),
            connection: {
              subnet: `127.9.${linkIndex}.0`,
              interfaceName: 'lo',
              stack: null,
              clink: null,
              plink: null,
              hostSerial: null,
            },
          },
        })),
      ),
    ),
  );
  const frames = links.map((_, linkIndex) => statusFrames(linkIndex, settings.devicesPerLink));
  const before = links.reduce((sum, link) => sum + link.acked, 0);
  scope.progress(`${nodes} node(s): sending status changes for ${settings.seconds} s`);
  const machineBefore = machineTicks();
  const hubsBefore = hubs.map((hub) => processCpuMs(hub.pid));
  const postgresBefore = await postgresCpuByPid(database, 'client');
  const ownBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + settings.seconds * 1000;
  const stop = () => performance.now() >= deadline || scope.signal.aborted;
  await Promise.all(links.map((link, linkIndex) => link.pump(frames[linkIndex]!, stop)));
  const elapsedMs = performance.now() - started;
  const own = process.cpuUsage(ownBefore);
  const postgresMs = postgresCpuDelta(postgresBefore, await postgresCpuByPid(database, 'client'));
  const hubsMs = hubs.reduce((sum, hub, index) => sum + processCpuMs(hub.pid) - hubsBefore[index]!, 0);
  const machineBusy = machineBusyPercent(machineBefore, machineTicks());
  const loadAverage = round(loadavg()[0]!, 1);
  const acked = links.reduce((sum, link) => sum + link.acked, 0) - before;
  const [row] = rowsOf<{ stored: number }>(
    await database.db.execute(sql`SELECT count(*)::int AS stored FROM device_events WHERE kind = 'device.status'`),
  );
  const share = (ms: number) => round((ms / elapsedMs) * 100, 0);
  const perEvent = (ms: number) => round((ms * 1000) / acked, 1);
  const loadGeneratorMs = (own.user + own.system) / 1000;
  const cpuPercent = {
    hubs: share(hubsMs),
    postgres: postgresMs === null ? null : share(postgresMs),
    loadGenerator: share(loadGeneratorMs),
    elsewhere: 0,
  };
  cpuPercent.elsewhere = elsewherePercent(
    machineBusy,
    cpuPercent.hubs + (cpuPercent.postgres ?? 0) + cpuPercent.loadGenerator,
  );
  const hubMicros = perEvent(hubsMs);
  const postgresMicros = postgresMs === null ? null : perEvent(postgresMs);
  return {
    nodes,
    eventsPerSecond: Math.round(acked / (elapsedMs / 1000)),
    stored: row!.stored,
    acked,
    machineBusy,
    cpuPercent,
    cpuMicrosPerEvent: {
      hubs: hubMicros,
      postgres: postgresMicros,
      ceilingPerSecond:
        postgresMicros === null ? null : Math.round((cores * 1_000_000) / (hubMicros + postgresMicros) / 100) * 100,
    },
    loadAverage,
  };
}

/**
 * Ingest through one hub node, then through two nodes on the same PostgreSQL: agent links spread over the nodes,
 * each sending frames of status changes as fast as its node acknowledges them (an acknowledgement follows the
 * commit). Shows what a second node adds on this machine and where the limit is.
 */
export const ingestNodesBenchmark: Benchmark = {
  name: 'ingest-nodes',
  description: 'events/s stored through 1 and through 2 hub processes on one PostgreSQL (load-generating links)',
  timeoutMs: (options) => (settingsOf(options).seconds * 2 + 180) * 1000,
  async run(options: BenchOptions, scope: BenchScope): Promise<BenchReport> {
    if (options.pglite) throw new Error('ingest-nodes needs PostgreSQL: several hub processes share one database');
    const settings = settingsOf(options);
    const dataDir = benchDataDir(scope, 'ingest-nodes');
    const one = await measure(scope, settings, 1, dataDir);
    const two = await measure(scope, settings, 2, dataDir);
    for (const run of [one, two]) {
      if (run.stored !== run.acked)
        throw new Error(`${run.nodes} node(s): ${run.acked} acknowledged, ${run.stored} stored`);
    }
    const scaling = round(two.eventsPerSecond / one.eventsPerSecond, 2);
    const cpuRow = (run: NodesRun) =>
      `hubs ${run.cpuPercent.hubs} % / pg ${run.cpuPercent.postgres ?? '-'} % / load ${run.cpuPercent.loadGenerator} % / elsewhere ${run.cpuPercent.elsewhere} %`;
    const microsRow = (run: NodesRun) =>
      `${run.cpuMicrosPerEvent.hubs} / ${run.cpuMicrosPerEvent.postgres ?? '-'} (ceiling ${run.cpuMicrosPerEvent.ceilingPerSecond ?? '-'}/s)`;
    return {
      table: formatTable('Ingest through one and two hub nodes (PostgreSQL)', [
        ['agent links', settings.links],
        ['devices', settings.links * settings.devicesPerLink],
        ['events per frame / frames in flight', `${BATCH} / ${IN_FLIGHT}`],
        ['window per run', `${settings.seconds} s`],
        ['1 node: events/s', one.eventsPerSecond],
        ['2 nodes: events/s', two.eventsPerSecond],
        ['2 nodes ÷ 1 node', scaling],
        ['1 node: CPU % of one core', cpuRow(one)],
        ['2 nodes: CPU % of one core', cpuRow(two)],
        ['1 node: CPU µs/event hub / pg', microsRow(one)],
        ['2 nodes: CPU µs/event hubs / pg', microsRow(two)],
        ['machine busy (1 node / 2 nodes)', `${one.machineBusy} % / ${two.machineBusy} %`],
        ['load average (1 node / 2 nodes)', `${one.loadAverage} / ${two.loadAverage}`],
        ['cores', cores],
      ]),
      json: {
        bench: 'ingest-nodes',
        links: settings.links,
        devices: settings.links * settings.devicesPerLink,
        batch: BATCH,
        inFlight: IN_FLIGHT,
        seconds: settings.seconds,
        oneNode: one,
        twoNodes: two,
        scaling,
        cores: cores,
        definition: 'acknowledged (so committed) device.status events / window, every acknowledged event stored once',
        ceilingDefinition: 'cores × 1 s / (hub + PostgreSQL CPU µs per event): the rate if nothing else used the cores',
      },
    };
  },
};

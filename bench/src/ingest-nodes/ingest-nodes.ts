import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { WebSocket } from 'ws';
import { AGENT_LINK_PATH, type AgentEvent, type HubMessage } from '@tutti/protocol';
import { createTestDatabase, ensureAgentAccount, ensureOrganization, rowsOf, type Database } from '@tutti/hub';
import type { Benchmark, BenchOptions, BenchReport, BenchScope } from '../benchmark.ts';
import { formatTable, round } from '../format.ts';
import { cores, machineBusyPercent, machineTicks } from '../shared/machine.ts';
import { benchDataDir } from '../shared/setup.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const NATS_URL = 'nats://127.0.0.1:4222';
const AGENT_PASSWORD = 'Bench-agent-2026!';
/** Events per frame, as a busy agent's outbox sends them. */
const BATCH = 500;

interface Settings {
  links: number;
  devicesPerLink: number;
  seconds: number;
}

function settingsOf(options: BenchOptions): Settings {
  const links = options.quick ? 8 : 20;
  return {
    links,
    devicesPerLink: Math.max(1, Math.round((options.devices ?? (options.quick ? 800 : 2000)) / links)),
    seconds: options.seconds ?? (options.quick ? 4 : 12),
  };
}

/** `tutti hub` as its own process; resolves with its address once it listens. */
async function startHubProcess(scope: BenchScope, databaseUrl: string, secretKey: string, dataDir: string) {
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
  return new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.once('exit', (code) => reject(new Error(`hub process exited with ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n').find((candidate) => candidate.includes('"hub listening"'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    });
  });
}

/**
 * One agent link driven as fast as the hub acknowledges: hello, the devices once (`device.seen`), then frames of
 * status changes with increasing seq, one frame in flight, like an agent's outbox with a deep backlog.
 */
class LoadLink {
  private socket: WebSocket;
  private waiting: ((message: HubMessage) => void) | null = null;
  private seq = 0;
  acked = 0;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => this.waiting?.(JSON.parse(String(data)) as HubMessage));
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
    this.acked += events.length;
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  close(): void {
    this.socket.close();
  }
}

function serialOf(link: number, device: number): string {
  return `0B${String(link).padStart(2, '0')}-${String(device).padStart(4, '0')}-01`;
}

async function measure(
  scope: BenchScope,
  settings: Settings,
  nodes: number,
  dataDir: string,
): Promise<{ nodes: number; eventsPerSecond: number; stored: number; acked: number; machineBusy: number }> {
  const database: Database & { url: string | null } = await createTestDatabase('postgres');
  scope.defer(() => database.close());
  const org = await ensureOrganization(database.db, { name: 'Bench Organization', kind: 'client' }, 'bench');
  const names = Array.from({ length: settings.links }, (_, index) => `bench-link-${index + 1}`);
  for (const name of names) await ensureAgentAccount(database.db, org.id, name, AGENT_PASSWORD, 'bench');
  const secretKey = randomBytes(32).toString('base64url');
  const hubUrls = await Promise.all(
    Array.from({ length: nodes }, (_, node) =>
      startHubProcess(scope, database.url!, secretKey, join(dataDir, `nodes-${nodes}-hub-${node + 1}`)),
    ),
  );
  scope.progress(`${nodes} node(s) up; opening ${settings.links} agent links`);
  const links = await Promise.all(names.map((name, index) => LoadLink.open(hubUrls[index % nodes]!, name)));
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
  const before = links.reduce((sum, link) => sum + link.acked, 0);
  scope.progress(`${nodes} node(s): sending status changes for ${settings.seconds} s`);
  const machineBefore = machineTicks();
  const started = performance.now();
  const deadline = started + settings.seconds * 1000;
  await Promise.all(
    links.map(async (link, linkIndex) => {
      let flip = 0;
      while (performance.now() < deadline && !scope.signal.aborted) {
        const events: AgentEvent[] = Array.from({ length: BATCH }, () => {
          flip += 1;
          return {
            seq: link.nextSeq(),
            at: now(),
            kind: 'device.status' as const,
            serial: serialOf(linkIndex, flip % settings.devicesPerLink),
            status: flip % 2 === 0 ? ('healthy' as const) : ('overheating' as const),
            since: now(),
          };
        });
        await link.send(events);
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  const machineBusy = machineBusyPercent(machineBefore, machineTicks());
  const acked = links.reduce((sum, link) => sum + link.acked, 0) - before;
  const [row] = rowsOf<{ stored: number }>(
    await database.db.execute(sql`SELECT count(*)::int AS stored FROM device_events WHERE kind = 'device.status'`),
  );
  return { nodes, eventsPerSecond: Math.round(acked / elapsedSeconds), stored: row!.stored, acked, machineBusy };
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
    return {
      table: formatTable('Ingest through one and two hub nodes (PostgreSQL)', [
        ['agent links', settings.links],
        ['devices', settings.links * settings.devicesPerLink],
        ['events per frame', BATCH],
        ['window per run', `${settings.seconds} s`],
        ['1 node: events/s', one.eventsPerSecond],
        ['2 nodes: events/s', two.eventsPerSecond],
        ['2 nodes ÷ 1 node', scaling],
        ['machine busy (1 node / 2 nodes)', `${one.machineBusy} % / ${two.machineBusy} %`],
        ['cores', cores],
      ]),
      json: {
        bench: 'ingest-nodes',
        links: settings.links,
        devices: settings.links * settings.devicesPerLink,
        batch: BATCH,
        seconds: settings.seconds,
        oneNode: one,
        twoNodes: two,
        scaling,
        cores: cores,
        definition: 'acknowledged (so committed) device.status events / window, every acknowledged event stored once',
      },
    };
  },
};

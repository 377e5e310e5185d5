import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createAgent, parseAgentConfig, type Agent } from '@tutti/agent';
import { createSimulator, createSiteSpec, type SimulatedDevice, type Simulator } from '@tutti/devices';
import {
  createTestDatabase,
  ensureAgentAccount,
  ensureOrganization,
  rowsOf,
  testDatabaseKinds,
  type Database,
} from '@tutti/hub';
import { until } from '../harness.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const NATS_URL = process.env.TUTTI_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
/** The suite runs a small site; TUTTI_FAILOVER_FULL=1 runs the size (2,000 devices through 20 agents). */
const FULL = process.env.TUTTI_FAILOVER_FULL === '1';
const AGENTS = FULL ? 20 : 4;
const DEVICES_PER_AGENT = FULL ? 100 : 25;
const ROUNDS = 6;
/** The round after whose changes node A is killed, while the agents are still sending them. */
const KILL_AFTER_ROUND = 2;
const AGENT_PASSWORD = 'Failover-agent-2026!';

interface HubProcess {
  url: URL;
  child: ChildProcess;
}

/** `tutti hub` as its own process on the shared PostgreSQL and NATS; resolves once it listens. */
function startHubProcess(databaseUrl: string, secretKey: string, dataDir: string): Promise<HubProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'packages/cli/src/main.ts',
      '--log-level',
      'info',
      'hub',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--nats',
      NATS_URL,
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl, TUTTI_SECRET_KEY: secretKey },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.once('exit', (code) => reject(new Error(`hub process exited early with ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (const line of buffered.split('\n')) {
        if (!line.includes('"hub listening"')) continue;
        resolve({ url: new URL((JSON.parse(line) as { url: string }).url), child });
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    });
  });
}

/**
 * The deployment's load balancer, as a TCP proxy on 127.0.0.1: new connections go round-robin to the hub nodes,
 * skipping one that refuses; a connection whose node dies is closed, as a real balancer does.
 */
async function startBalancer(backends: URL[]): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let next = 0;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    track(client);
    client.pause();
    const tryBackend = (attemptsLeft: number) => {
      if (attemptsLeft === 0) return client.destroy();
      const backend = backends[next++ % backends.length]!;
      const upstream = connect(Number(backend.port), backend.hostname);
      track(upstream);
      upstream.once('error', () => {
        if (!upstream.readyState.includes('open')) tryBackend(attemptsLeft - 1);
      });
      upstream.once('connect', () => {
        client.pipe(upstream).pipe(client);
        client.resume();
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
      });
    };
    tryBackend(backends.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function agentsConnectedTo(hub: HubProcess): Promise<number> {
  const body = await (await fetch(new URL('/metrics', hub.url))).text();
  const line = body.split('\n').find((candidate) => candidate.startsWith('tutti_agents_connected '));
  return Number(line?.split(' ')[1]);
}

const postgres = (await testDatabaseKinds()).includes('postgres');

describe.runIf(postgres)('two hub processes on PostgreSQL and NATS behind a balancer', () => {
  const base = 150 + (process.pid % 40);
  const subnets = Array.from({ length: AGENTS }, (_, index) => `127.${base}.${index + 1}.0`);
  const dataDir = mkdtempSync(join(tmpdir(), 'tutti-failover-'));
  let database: Database & { url: string | null };
  let hubs: HubProcess[];
  let balancer: Awaited<ReturnType<typeof startBalancer>>;
  let simulator: Simulator;
  let agents: Agent[];
  const agentNames = subnets.map((_, index) => `failover-site-${index + 1}`);

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const org = await ensureOrganization(database.db, { name: 'Failover Org', kind: 'client' }, 'test');
    for (const name of agentNames) await ensureAgentAccount(database.db, org.id, name, AGENT_PASSWORD, 'test');
    const secretKey = randomBytes(32).toString('base64url');
    hubs = await Promise.all(
      ['a', 'b'].map((node) => startHubProcess(database.url!, secretKey, join(dataDir, `hub-${node}`))),
    );
    balancer = await startBalancer(hubs.map((hub) => hub.url));
    simulator = createSimulator({
      devices: createSiteSpec({ subnets, devicesPerSubnet: DEVICES_PER_AGENT, seed: 7 }),
      port: 2323,
      discoveryPort: 50_123,
    });
    await simulator.start();
    agents = subnets.map((subnet, index) =>
      createAgent({
        ui: false,
        config: parseAgentConfig({
          dataDir: join(dataDir, `agent-${index + 1}`),
          serverName: agentNames[index]!,
          hub: { url: balancer.url, agentName: agentNames[index]!, password: AGENT_PASSWORD },
          subnets: [{ subnet, interfaceName: 'lo', enabled: true }],
          telnetPort: 2323,
          scanIntervalSeconds: 2,
          discoveryTimeoutMs: 300,
          hubReconnect: { initialMs: 100, maxMs: 500 },
          logLevel: 'silent',
        }),
      }),
    );
    // One at a time, so the balancer's round-robin puts half of them on each node.
    for (const agent of agents) {
      await agent.start();
      await until(() => agent.status().link.state === 'connected');
    }
  });

  afterAll(async () => {
    await Promise.all((agents ?? []).map((agent) => agent.close()));
    await simulator?.close();
    await balancer?.close();
    for (const hub of hubs ?? []) hub.child.kill('SIGKILL');
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const devicesOf = (index: number): SimulatedDevice[] =>
    simulator.devices().filter((device) => device.address.startsWith(subnets[index]!.slice(0, -1)));

  it('loses and doubles nothing when a node is killed while agents send', async () => {
    await until(() =>
      agents.every((agent) => agent.status().devices.length >= DEVICES_PER_AGENT && agent.status().outbox.depth === 0),
    );
    const [nodeA, nodeB] = hubs as [HubProcess, HubProcess];
    expect(await agentsConnectedTo(nodeA)).toBeGreaterThan(0);
    expect(await agentsConnectedTo(nodeB)).toBeGreaterThan(0);

    // The simulators' own log of what they were made to do: every unit's status, round by round.
    const flipping = subnets.flatMap((_, index) => devicesOf(index).slice(0, 5));
    const expected = new Map<string, string[]>(flipping.map((device) => [device.spec.serial, []]));
    for (let round = 0; round < ROUNDS; round += 1) {
      const overheating = round % 2 === 0;
      for (const device of flipping) {
        device.setTemperature(overheating ? 82 : 40);
        expected.get(device.spec.serial)!.push(overheating ? 'overheating' : 'healthy');
      }
      if (round === KILL_AFTER_ROUND) nodeA.child.kill('SIGKILL');
      await until(() =>
        agents.every((agent) =>
          agent
            .status()
            .devices.filter((seen) => expected.has(seen.serial))
            .every((seen) => seen.status === (overheating ? 'overheating' : 'healthy')),
        ),
      );
    }
    await until(() =>
      agents.every((agent) => agent.status().outbox.depth === 0 && agent.status().link.state === 'connected'),
    );
    expect(await agentsConnectedTo(nodeB)).toBe(AGENTS);

    for (const [index, agent] of agents.entries()) {
      // Read at a moment the outbox is empty: everything up to lastSeq was acknowledged, so committed. The agent
      // may produce newer events meanwhile.
      let lastSeq = 0;
      await until(() => {
        const outbox = agent.status().outbox;
        lastSeq = outbox.lastSeq;
        return outbox.depth === 0;
      });
      const rows = rowsOf<{ seq: number; serial: string | null; kind: string; status: string | null }>(
        await database.db.execute(sql`
          SELECT e.seq::int AS seq, e.serial, e.kind, e.payload->>'status' AS status
          FROM device_events e JOIN agents a ON a.id = e.agent_id
          WHERE a.name = ${agentNames[index]} AND e.seq <= ${lastSeq} ORDER BY e.seq`),
      );
      const seqs = rows.map((row) => row.seq);
      // Every event the agent produced is stored once, in order, with nothing missing.
      expect(seqs).toEqual(Array.from({ length: lastSeq }, (_, position) => position + 1));
      for (const device of devicesOf(index).filter((candidate) => expected.has(candidate.spec.serial))) {
        const statuses = rows
          .filter((row) => row.kind === 'device.status' && row.serial === device.spec.serial)
          .map((row) => row.status);
        expect(statuses.slice(-ROUNDS)).toEqual(expected.get(device.spec.serial));
      }
    }
  });
});

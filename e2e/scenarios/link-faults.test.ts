import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf, testDatabaseKinds } from '@tutti/hub';
import type { SimulatedDevice } from '@tutti/devices';
import { startTestStack, until, type TestStack } from '../harness.ts';

/**
 * A TCP proxy on 127.0.0.1 between agent and hub. `blackHole()` keeps every connection open but stops forwarding
 * in both directions (a cut cable or a stuck NAT, not a clean close); `restore()` drops the dead connections and
 * forwards new ones again.
 */
async function startLinkProxy(
  target: URL,
): Promise<{ url: string; blackHole(): void; restore(): void; close(): Promise<void> }> {
  let forwarding = true;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (!forwarding) return; // accepted, never answered
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('data', (chunk) => forwarding && upstream.write(chunk));
    upstream.on('data', (chunk) => forwarding && client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    blackHole() {
      forwarding = false;
    },
    restore() {
      for (const socket of sockets) socket.destroy();
      forwarding = true;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface StatusEvent {
  seq: number;
  serial: string;
  status: string;
}

async function statusEvents(stack: TestStack): Promise<StatusEvent[]> {
  const result = await stack.database.db.execute(
    sql`SELECT seq::int AS seq, serial, payload->>'status' AS status FROM device_events
        WHERE kind = 'device.status' ORDER BY seq`,
  );
  return rowsOf<StatusEvent>(result);
}

async function allSeqs(stack: TestStack): Promise<number[]> {
  const result = await stack.database.db.execute(sql`SELECT seq::int AS seq FROM device_events ORDER BY seq`);
  return rowsOf<{ seq: number }>(result).map((row) => row.seq);
}

/** Overheats and cools the devices `rounds` times, waiting for the agent to see each step; returns what it saw. */
async function flip(stack: TestStack, devices: SimulatedDevice[], rounds: number): Promise<Map<string, string[]>> {
  const expected = new Map<string, string[]>();
  for (let round = 0; round < rounds; round += 1) {
    const hot = round % 2 === 0;
    for (const device of devices) {
      device.setTemperature(hot ? 82 : 40);
      expected.set(device.spec.serial, [...(expected.get(device.spec.serial) ?? []), hot ? 'overheating' : 'healthy']);
    }
    await until(() =>
      devices.every(
        (device) =>
          stack.agent.status().devices.find((d) => d.serial === device.spec.serial)?.status ===
          (hot ? 'overheating' : 'healthy'),
      ),
    );
  }
  return expected;
}

function expectExactlyOnce(seqs: number[], lastSeq: number): void {
  expect(new Set(seqs).size).toBe(seqs.length);
  expect(seqs).toEqual(Array.from({ length: lastSeq }, (_, index) => index + 1));
}

describe('agent link cut by a black-holed connection', () => {
  let stack: TestStack;
  let proxy: Awaited<ReturnType<typeof startLinkProxy>>;

  beforeAll(async () => {
    stack = await startTestStack({
      devicesPerSubnet: 6,
      hubConfig: { agentHeartbeatSeconds: 1 },
      agentHubUrl: async (hubUrl) => {
        proxy = await startLinkProxy(new URL(hubUrl));
        return proxy.url;
      },
    });
    await stack.waitForDevices(6);
  });
  afterAll(async () => {
    await stack?.close();
    await proxy?.close();
  });

  it('notices the dead link, buffers every change, and delivers each exactly once when the link returns', async () => {
    await until(() => stack.agent.status().outbox.depth === 0);
    const devices = stack.simulator.devices().slice(0, 4);
    proxy.blackHole();
    // No message from the hub for a few heartbeats: the agent gives the link up and keeps buffering.
    await until(() => stack.agent.status().link.state !== 'connected', 100);
    const expected = await flip(stack, devices, 6);
    expect(stack.agent.status().outbox.depth).toBeGreaterThanOrEqual(devices.length * 6);

    proxy.restore();
    await until(() => stack.agent.status().link.state === 'connected' && stack.agent.status().outbox.depth === 0, 100);
    expectExactlyOnce(await allSeqs(stack), stack.agent.status().outbox.lastSeq);
    const events = await statusEvents(stack);
    for (const device of devices) {
      const statuses = events.filter((event) => event.serial === device.spec.serial).map((event) => event.status);
      expect(statuses.slice(-6)).toEqual(expected.get(device.spec.serial));
    }
  });
});

describe.each((await testDatabaseKinds()).filter((kind) => kind === 'postgres'))(
  'PostgreSQL connections dropped mid-ingest (%s)',
  (databaseKind) => {
    let stack: TestStack;

    beforeAll(async () => {
      stack = await startTestStack({ databaseKind, devicesPerSubnet: 8 });
      await stack.waitForDevices(8);
    });
    afterAll(async () => stack?.close());

    it('recovers and stores every event exactly once: nothing is acknowledged before it is committed', async () => {
      await until(() => stack.agent.status().outbox.depth === 0);
      const devices = stack.simulator.devices().slice(0, 6);
      let dropped = 0;
      const dropping = (async () => {
        for (let attempt = 0; attempt < 5; attempt += 1) {
          await new Promise((resolve) => setTimeout(resolve, 150));
          // From one pooled connection, every other connection of the hub's pool is cut mid-whatever.
          const result = await stack.database.db.execute(
            sql`SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
                  WHERE datname = current_database() AND pid <> pg_backend_pid()`,
          );
          dropped += rowsOf<{ killed: boolean }>(result).filter((row) => row.killed).length;
        }
      })();
      const expected = await flip(stack, devices, 8);
      await dropping;
      expect(dropped).toBeGreaterThan(0);

      await until(() => stack.agent.status().outbox.depth === 0, 100);
      expectExactlyOnce(await allSeqs(stack), stack.agent.status().outbox.lastSeq);
      const events = await statusEvents(stack);
      for (const device of devices) {
        const statuses = events.filter((event) => event.serial === device.spec.serial).map((event) => event.status);
        expect(statuses.slice(-8)).toEqual(expected.get(device.spec.serial));
      }
    });
  },
);

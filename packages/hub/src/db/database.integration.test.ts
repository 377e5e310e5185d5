import { connect, createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';
import { createTestDatabase, isTestPostgresReachable, testPostgresUrl } from './test-database.ts';

const postgres = await isTestPostgresReachable();

/** A TCP proxy on 127.0.0.1 in front of PostgreSQL that can drop connections the moment their client next writes. */
async function startBreakableProxy(target: URL) {
  const sockets = new Set<Socket>();
  const breaking = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('data', (chunk) => {
      if (!breaking.has(client)) return upstream.write(chunk);
      client.destroy();
      upstream.destroy();
    });
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    /** The connections open now break when their client next writes; new ones are forwarded. */
    breakOnNextWrite() {
      for (const socket of sockets) breaking.add(socket);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe.runIf(postgres)('PostgreSQL pool when its connections are killed', () => {
  it('gives back a client whose connection broke as its transaction began, and still closes', async () => {
    const proxy = await startBreakableProxy(new URL(testPostgresUrl));
    const base = await createTestDatabase('postgres');
    // One connection: if the broken client were kept checked out, every later query would wait forever.
    const url = new URL(base.url!);
    url.port = String(proxy.port);
    const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 1 });
    try {
      await database.ping();
      proxy.breakOnNextWrite();
      // The idle client learns its connection is gone only when it sends BEGIN.
      await expect(database.db.transaction(async (tx) => tx.execute(sql`SELECT 1`))).rejects.toThrow();
      await database.ping();
      const started = performance.now();
      await database.close();
      expect(performance.now() - started).toBeLessThan(1_000);
    } finally {
      await base.close();
      await proxy.close();
    }
  });

  it('closes within its bound while a transaction is stuck on a lock', async () => {
    const database = await createTestDatabase('postgres', { poolSize: 2, closeTimeoutMs: 500 });
    const holder = new pg.Client({ connectionString: database.url! });
    holder.on('error', () => undefined); // ended by the database's drop
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE organizations IN ACCESS EXCLUSIVE MODE');
      const stuck = database.db.transaction(async (tx) => tx.execute(sql`SELECT count(*) FROM organizations`));
      stuck.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = performance.now();
      await database.close();
      expect(performance.now() - started).toBeLessThan(5_000);
      await expect(stuck).rejects.toThrow();
    } finally {
      await holder.end().catch(() => undefined);
    }
  });
});

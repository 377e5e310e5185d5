import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Something queries can run on: the database itself or a transaction. */
export type Queryable = Db | Tx;

export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** The rows of a raw `execute()`; both drivers answer with `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** Any number: only used to serialise migrations across hub nodes sharing one database. */
const MIGRATION_LOCK_KEY = 7_242_026;

export type DatabaseOptions =
  | {
      kind: 'postgres';
      url: string;
      poolSize?: number;
      /** How long `close()` waits for checked-out connections before it ends them. */
      closeTimeoutMs?: number;
    }
  | { kind: 'pglite'; dataDir: string | null; loadDataDir?: Blob };

const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

/**
 * A pg pool whose clients survive a server that drops them. Once a checked-out client's connection breaks it is
 * handed back at once and destroyed: drizzle's `transaction()` sends `BEGIN` before its `try`, so a `BEGIN` that
 * fails on a killed connection would otherwise keep the client checked out forever (the pool then waits for it in
 * `end()`, and with every client lost so would each query). Releasing twice is harmless, and clients still checked
 * out when the pool closes are ended after a bound.
 */
class ResilientPool extends pg.Pool {
  private readonly checkedOut = new Set<pg.PoolClient>();

  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (error: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): void;
  override connect(
    callback?: (error: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<pg.PoolClient> | void {
    if (callback) return super.connect(callback);
    return super.connect().then((client) => this.guard(client));
  }

  private guard(client: pg.PoolClient): pg.PoolClient {
    const poolRelease = client.release.bind(client);
    let released = false;
    const release = (error?: Error | boolean) => {
      if (released) return;
      released = true;
      client.removeListener('error', onBroken);
      this.checkedOut.delete(client);
      poolRelease(error);
    };
    const onBroken = (error: Error) => release(error);
    client.on('error', onBroken);
    client.release = release;
    this.checkedOut.add(client);
    return client;
  }

  /** Ends the pool; connections not handed back within `timeoutMs` (a query stuck on a lock, say) are ended. */
  async endWithin(timeoutMs: number): Promise<void> {
    const ended = this.end();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    try {
      if ((await Promise.race([ended, late])) !== 'late') return;
      for (const client of [...this.checkedOut]) client.release(new Error('database closing'));
      await ended;
    } finally {
      clearTimeout(timer);
    }
  }
}

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Applies pending migrations under an advisory lock, so several nodes may start at once. */
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The embedded engine, for taking a template copy in tests. */
  pglite: PGlite | null;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.kind === 'postgres') {
    const pool = new ResilientPool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // A client that loses its server (restart, dropped connection) must not crash the hub: an idle one is
    // dropped by the pool, a checked-out one fails its query and is destroyed (see ResilientPool).
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      pglite: null,
      async migrate() {
        const client = await pool.connect();
        try {
          await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
          try {
            await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
          } finally {
            await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
          }
        } finally {
          client.release();
        }
      },
      async ping() {
        await pool.query('SELECT 1');
      },
      async close() {
        await pool.endWithin(options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
      },
    };
  }

  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = new PGlite({
    // The device search's trigram index (migration 0024); PGlite bundles the extension.
    extensions: { pg_trgm },
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    pglite: client,
    async migrate() {
      await db.execute(sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
      try {
        await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder });
      } finally {
        await db.execute(sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
      }
    },
    async ping() {
      await client.query('SELECT 1');
    },
    async close() {
      await client.close();
    },
  };
}

/** SQLSTATEs of a lost connection: class 08, and the server ending the session (terminated, crashed, starting). */
const CONNECTION_LOST_CODES = /^(08|57P0[123])/;
/** What pg says when the socket went away before the server could tell why. */
const CONNECTION_LOST_MESSAGES = /Connection terminated|not queryable|ECONNRESET|ECONNREFUSED|EPIPE/;

/** Whether `error` (or what it wraps: drizzle puts the driver's error in `cause`) is a dropped connection. */
export function isConnectionLost(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_LOST_CODES.test(code)) return true;
    if (CONNECTION_LOST_MESSAGES.test(current.message)) return true;
  }
  return false;
}

/**
 * Runs `work` (a whole transaction) again when the connection under it was lost, after a short pause that doubles
 * each time; any other error, or the last attempt's, is thrown. Only for work that is safe to repeat, e.g. one
 * that de-duplicates what an earlier attempt may have committed just before its connection went.
 */
export async function retryWhenConnectionLost<T>(
  work: () => Promise<T>,
  { attempts = 4, firstPauseMs = 50 }: { attempts?: number; firstPauseMs?: number } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isConnectionLost(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, firstPauseMs * 2 ** (attempt - 1)));
    }
  }
}

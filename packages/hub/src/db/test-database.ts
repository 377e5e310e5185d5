import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { migrationsFolder, openDatabase, type Database } from './database.ts';

export type TestDatabaseKind = 'pglite' | 'postgres';

/** PostgreSQL for tests; CI points TUTTI_TEST_DATABASE_URL at the machine's server. */
export const testPostgresUrl = process.env.TUTTI_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function migrationsFingerprint(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsFolder)
    .filter((name) => name.endsWith('.sql'))
    .sort()) {
    hash.update(file).update(readFileSync(join(migrationsFolder, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

let pgliteTemplate: Promise<Blob> | null = null;

/** Migrates an in-memory PGlite once per test worker and keeps its data directory as the template. */
function pgliteTemplateDump(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const database = await openDatabase({ kind: 'pglite', dataDir: null });
    await database.migrate();
    const dump = await database.pglite!.dumpDataDir('none');
    await database.close();
    return dump;
  })();
  return pgliteTemplate;
}

let postgresReachable: Promise<boolean> | null = null;

export function isTestPostgresReachable(): Promise<boolean> {
  postgresReachable ??= (async () => {
    const client = new pg.Client({ connectionString: testPostgresUrl, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return postgresReachable;
}

function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates (once, under a lock, for all workers) a migrated template database and returns its name. */
async function postgresTemplate(admin: pg.Client): Promise<string> {
  const name = `tutti_template_${migrationsFingerprint()}`;
  await admin.query('SELECT pg_advisory_lock(7242028)');
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${name}"`);
      const template = await openDatabase({ kind: 'postgres', url: databaseUrl(testPostgresUrl, name), poolSize: 1 });
      try {
        await template.migrate();
      } finally {
        await template.close();
      }
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock(7242028)');
  }
  return name;
}

/**
 * A fresh, migrated database for one test: a copy of a template, never migrated per test.
 * Closing it drops the copy (PostgreSQL) or frees it (PGlite).
 */
export async function createTestDatabase(
  kind: TestDatabaseKind,
  pool: { poolSize?: number; closeTimeoutMs?: number } = {},
): Promise<Database & { url: string | null }> {
  if (kind === 'pglite') {
    const database = await openDatabase({ kind: 'pglite', dataDir: null, loadDataDir: await pgliteTemplateDump() });
    return { ...database, url: null };
  }
  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  const name = `tutti_test_${randomBytes(6).toString('hex')}`;
  try {
    const template = await postgresTemplate(admin);
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(testPostgresUrl, name);
  const database = await openDatabase({ kind: 'postgres', url, ...pool });
  return {
    ...database,
    url,
    async close() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: testPostgresUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/** The engines a database test should run on: PGlite always, PostgreSQL when the server answers. */
export async function testDatabaseKinds(): Promise<TestDatabaseKind[]> {
  if (await isTestPostgresReachable()) return ['pglite', 'postgres'];
  // Where PostgreSQL was asked for explicitly (CI), its absence is a failure, not a reason to skip.
  if (process.env.TUTTI_TEST_DATABASE_URL) throw new Error(`PostgreSQL is not reachable at ${testPostgresUrl}`);
  return ['pglite'];
}

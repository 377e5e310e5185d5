import { randomBytes } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createManualClock } from '../clock/index.ts';
import { createTestDatabase, openDatabase, tables, testDatabaseKinds, type Database } from '../db/index.ts';
import { createHub, type Hub } from '../hub.ts';
import { createScheduler } from './scheduler.ts';

const kinds = await testDatabaseKinds();
const MINUTE = 60_000;

describe.each(kinds)('scheduler on %s', (kind) => {
  const clock = createManualClock(new Date('2026-06-01T00:00:30Z'));
  let database: Database & { url: string | null };
  let secondDatabase: Database;
  let hubs: Hub[];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    // Two nodes: on PostgreSQL each has its own connection pool; PGlite is one embedded engine, shared in-process.
    secondDatabase = database.url ? await openDatabase({ kind: 'postgres', url: database.url }) : database;
    const secretKey = randomBytes(32).toString('base64url');
    hubs = await Promise.all(
      [database, secondDatabase].map((db) =>
        createHub({ database: db, clock, config: { host: '127.0.0.1', port: 0, logLevel: 'silent', secretKey } }),
      ),
    );
    await Promise.all(hubs.map((hub) => hub.app.ready()));
  });

  afterAll(async () => {
    await Promise.all(hubs.map((hub) => hub.close()));
    if (secondDatabase !== database) await secondDatabase.close();
    await database.close();
  });

  it('runs each tick of a task registered on two hub nodes exactly once', async () => {
    const runsByNode = hubs.map(() => [] as string[]);
    hubs.forEach((hub, index) =>
      hub.context.scheduler.every('test.every-minute', MINUTE, async ({ tickAt }) => {
        runsByNode[index]!.push(tickAt.toISOString());
      }),
    );
    for (let tick = 0; tick < 6; tick++) {
      clock.advance(MINUTE);
      await Promise.all(hubs.map((hub) => hub.context.scheduler.runDue()));
    }

    const allRuns = runsByNode.flat().sort();
    expect(allRuns).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => new Date(Date.parse('2026-06-01T00:00:00Z') + n * MINUTE).toISOString()),
    );
    const rows = await database.db
      .select()
      .from(tables.scheduledRuns)
      .where(eq(tables.scheduledRuns.task, 'test.every-minute'))
      .orderBy(asc(tables.scheduledRuns.tickAt));
    expect(rows.map((row) => row.tickAt.toISOString())).toEqual(allRuns);
    expect(rows.every((row) => row.finishedAt !== null && row.error === null)).toBe(true);
    const nodes = new Set(hubs.map((hub) => hub.context.scheduler.node));
    expect(rows.every((row) => nodes.has(row.node))).toBe(true);
  });

  it('records a failed run and still runs the next tick', async () => {
    let attempts = 0;
    hubs[0]!.context.scheduler.every('test.flaky', MINUTE, async () => {
      attempts++;
      if (attempts === 1) throw new Error('device list unavailable');
    });
    clock.advance(MINUTE);
    await hubs[0]!.context.scheduler.runDue();
    clock.advance(MINUTE);
    await hubs[0]!.context.scheduler.runDue();

    const rows = await database.db
      .select()
      .from(tables.scheduledRuns)
      .where(eq(tables.scheduledRuns.task, 'test.flaky'))
      .orderBy(asc(tables.scheduledRuns.tickAt));
    expect(rows.map((row) => row.error)).toEqual(['device list unavailable', null]);
  });

  it('collapses ticks missed while the clock jumped into one run of the latest tick', async () => {
    const ticks: string[] = [];
    hubs[1]!.context.scheduler.every('test.cron-hourly', '0 * * * *', async ({ tickAt }) => {
      ticks.push(tickAt.toISOString());
    });
    clock.set(new Date('2026-06-03T05:20:00Z'));
    await hubs[1]!.context.scheduler.runDue();
    await hubs[1]!.context.scheduler.runDue();
    expect(ticks).toEqual(['2026-06-03T05:00:00.000Z']);
  });

  it('polls on its own once started, and runs nothing after it stopped', async () => {
    const scheduler = createScheduler({ db: database.db, clock, log: pino({ level: 'silent' }), pollMs: 10 });
    let runs = 0;
    scheduler.every('test.polled', MINUTE, async () => {
      runs++;
    });
    scheduler.start();
    clock.advance(MINUTE);
    await vi.waitFor(() => expect(runs).toBe(1));
    await scheduler.stop();
    clock.advance(MINUTE);
    await scheduler.runDue();
    expect(runs).toBe(1);
  });
});

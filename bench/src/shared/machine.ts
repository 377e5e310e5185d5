import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { rowsOf, type Database } from '@tutti/hub';
import { round } from '../format.ts';

export const cores = availableParallelism();

/** Raw SQL on the bench's own connection (superuser, so row-level security does not apply). */
export async function query<Row>(database: Database, text: string): Promise<Row[]> {
  return rowsOf<Row>(await database.db.execute(text));
}

/** CPU time (ms) of the PostgreSQL backends serving this database, from /proc; null on PGlite (it runs in-process). */
export async function postgresCpuMs(database: Database): Promise<number | null> {
  const byPid = await postgresCpuByPid(database);
  return byPid === null ? null : [...byPid.values()].reduce((sum, value) => sum + value, 0);
}

/**
 * CPU time (ms) per PostgreSQL backend of this database; null on PGlite. Compare two samples with
 * `postgresCpuDelta`, which counts a backend that ended in between as nothing instead of as negative time.
 */
export async function postgresCpuByPid(
  database: Database,
  backends: 'all' | 'client' | 'other' = 'all',
): Promise<Map<number, number> | null> {
  if (database.kind !== 'postgres') return null;
  const filter = backends === 'all' ? '' : ` AND backend_type ${backends === 'client' ? '=' : '<>'} 'client backend'`;
  const pids = await query<{ pid: number }>(
    database,
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database()${filter}`,
  );
  const byPid = new Map<number, number>();
  for (const { pid } of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      byPid.set(pid, (Number(fields[11]) + Number(fields[12])) * 10); // USER_HZ is 100 on Linux.
    } catch {
      // A backend that just ended; its time is lost, which only understates PostgreSQL's share.
    }
  }
  return byPid;
}

/** CPU ms the backends spent between two `postgresCpuByPid` samples (new backends count from zero). */
export function postgresCpuDelta(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (before === null || after === null) return null;
  let total = 0;
  for (const [pid, value] of after) total += value - (before.get(pid) ?? 0);
  return total;
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
export function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** Share of the whole machine (all cores = 100 %) busy between two `machineTicks()` samples. */
export function machineBusyPercent(before: { busy: number; total: number }, after: { busy: number; total: number }) {
  const total = after.total - before.total;
  return total > 0 ? round(((after.busy - before.busy) / total) * 100, 0) : 0;
}

/**
 * CPU the machine spent outside the benchmark's own processes, in % of one core: other sessions' work, PostgreSQL's
 * background writers. `ours` is the sum of the benchmark's processes in the same units.
 */
export function elsewherePercent(machineBusy: number, ours: number): number {
  return Math.max(0, round((machineBusy / 100) * cores * 100 - ours, 0));
}

/** Above this share of one core spent elsewhere, a report warns that its figures understate Tutti. */
export const BUSY_WARNING_PERCENT = 25;

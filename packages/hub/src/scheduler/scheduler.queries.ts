import { and, eq, lt } from 'drizzle-orm';
import type { Queryable } from '../db/index.ts';
import { scheduledRuns } from '../db/schema.ts';

/**
 * Claims one tick of a task for a node. The primary key (task, tick_at) lets exactly one insert succeed whatever
 * the number of nodes, on PostgreSQL and PGlite alike; true means this node won and runs the tick.
 */
export async function claimTick(
  db: Queryable,
  claim: { task: string; tickAt: Date; node: string; startedAt: Date },
): Promise<boolean> {
  const inserted = await db
    .insert(scheduledRuns)
    .values(claim)
    .onConflictDoNothing()
    .returning({ task: scheduledRuns.task });
  return inserted.length === 1;
}

export async function recordTickFinished(
  db: Queryable,
  run: { task: string; tickAt: Date; finishedAt: Date; error: string | null },
): Promise<void> {
  await db
    .update(scheduledRuns)
    .set({ finishedAt: run.finishedAt, error: run.error })
    .where(and(eq(scheduledRuns.task, run.task), eq(scheduledRuns.tickAt, run.tickAt)));
}

export async function deleteRunsBefore(db: Queryable, before: Date): Promise<number> {
  const deleted = await db
    .delete(scheduledRuns)
    .where(lt(scheduledRuns.tickAt, before))
    .returning({ task: scheduledRuns.task });
  return deleted.length;
}

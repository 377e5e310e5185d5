import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { Queryable } from '../db/index.ts';
import { calls } from '../db/schema.ts';

export type CallRow = typeof calls.$inferSelect;

export async function insertCall(db: Queryable, values: typeof calls.$inferInsert): Promise<CallRow> {
  const [row] = await db.insert(calls).values(values).returning();
  return row!;
}

export async function findCall(db: Queryable, orgId: string, id: string): Promise<CallRow | null> {
  const [row] = await db
    .select()
    .from(calls)
    .where(and(eq(calls.orgId, orgId), eq(calls.id, id)))
    .limit(1);
  return row ?? null;
}

/** Moves a call on only from the state it was read in, so two answers racing cannot both win. */
export async function updateCallState(
  db: Queryable,
  orgId: string,
  id: string,
  from: CallRow['state'],
  change: Pick<Partial<CallRow>, 'state' | 'answeredAt' | 'endedAt'>,
): Promise<CallRow | null> {
  const [row] = await db
    .update(calls)
    .set(change)
    .where(and(eq(calls.orgId, orgId), eq(calls.id, id), eq(calls.state, from)))
    .returning();
  return row ?? null;
}

export async function listCallsOf(db: Queryable, orgId: string, userId: string, limit: number): Promise<CallRow[]> {
  return db
    .select()
    .from(calls)
    .where(and(eq(calls.orgId, orgId), or(eq(calls.callerUserId, userId), eq(calls.calleeUserId, userId))))
    .orderBy(desc(calls.createdAt))
    .limit(limit);
}

/** Calls of every organization still ringing since before `before` (system work: the owner role, no tenant). */
export async function listStaleRingingCalls(db: Queryable, before: Date, limit: number) {
  return db
    .select({ id: calls.id, orgId: calls.orgId })
    .from(calls)
    .where(and(eq(calls.state, 'ringing'), lt(calls.createdAt, before)))
    .limit(limit);
}

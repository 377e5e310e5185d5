import { and, asc, count, desc, eq, inArray, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import type { WebhookDeliveryEventType } from '@tutti/protocol';
import type { Queryable } from '../db/index.ts';
import { webhookAttempts, webhookDeliveries, webhookSubscriptions } from '../db/schema.ts';

export type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;

export function listSubscriptionRows(db: Queryable, orgId: string): Promise<SubscriptionRow[]> {
  return db
    .select()
    .from(webhookSubscriptions)
    .where(eq(webhookSubscriptions.orgId, orgId))
    .orderBy(asc(webhookSubscriptions.createdAt), asc(webhookSubscriptions.id));
}

export async function findSubscription(db: Queryable, orgId: string, id: string): Promise<SubscriptionRow | null> {
  const [row] = await db
    .select()
    .from(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.orgId, orgId), eq(webhookSubscriptions.id, id)));
  return row ?? null;
}

export async function insertSubscription(
  db: Queryable,
  values: typeof webhookSubscriptions.$inferInsert,
): Promise<SubscriptionRow> {
  const [row] = await db.insert(webhookSubscriptions).values(values).returning();
  return row!;
}

export async function updateSubscription(
  db: Queryable,
  orgId: string,
  id: string,
  patch: Partial<typeof webhookSubscriptions.$inferInsert>,
): Promise<SubscriptionRow> {
  const [row] = await db
    .update(webhookSubscriptions)
    .set(patch)
    .where(and(eq(webhookSubscriptions.orgId, orgId), eq(webhookSubscriptions.id, id)))
    .returning();
  return row!;
}

export async function deleteSubscription(db: Queryable, orgId: string, id: string): Promise<void> {
  await db
    .delete(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.orgId, orgId), eq(webhookSubscriptions.id, id)));
}

/** The enabled subscriptions of an organization with the event types they want. */
export function enabledSubscriptions(
  db: Queryable,
  orgId: string,
): Promise<Array<{ id: string; eventTypes: string[] }>> {
  return db
    .select({ id: webhookSubscriptions.id, eventTypes: webhookSubscriptions.eventTypes })
    .from(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.orgId, orgId), eq(webhookSubscriptions.enabled, true)));
}

export async function insertDeliveries(
  db: Queryable,
  rows: Array<typeof webhookDeliveries.$inferInsert>,
): Promise<void> {
  if (rows.length > 0) await db.insert(webhookDeliveries).values(rows);
}

export interface ClaimedDelivery {
  id: string;
  orgId: string;
  subscriptionId: string;
  eventType: WebhookDeliveryEventType;
  body: unknown;
  attempts: number;
  url: string;
  sealedSecret: string;
  subscriptionEnabled: boolean;
}

/**
 * Takes up to `limit` due deliveries for this node until `lockedUntil`. SKIP LOCKED and the lock column let several
 * nodes work the queue at once without taking the same delivery; a node that dies releases its deliveries when the
 * lock runs out.
 */
export async function claimDueDeliveries(
  db: Queryable,
  now: Date,
  lockedUntil: Date,
  limit: number,
): Promise<ClaimedDelivery[]> {
  const due = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.status, 'pending'),
        lte(webhookDeliveries.nextAttemptAt, now),
        or(isNull(webhookDeliveries.lockedUntil), lt(webhookDeliveries.lockedUntil, now)),
      ),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  const claimed = await db
    .update(webhookDeliveries)
    .set({ lockedUntil })
    .where(inArray(webhookDeliveries.id, due))
    .returning({ id: webhookDeliveries.id });
  if (claimed.length === 0) return [];
  const rows = await db
    .select({
      id: webhookDeliveries.id,
      orgId: webhookDeliveries.orgId,
      subscriptionId: webhookDeliveries.subscriptionId,
      eventType: webhookDeliveries.eventType,
      body: webhookDeliveries.body,
      attempts: webhookDeliveries.attempts,
      url: webhookSubscriptions.url,
      sealedSecret: webhookSubscriptions.sealedSecret,
      subscriptionEnabled: webhookSubscriptions.enabled,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookSubscriptions, eq(webhookSubscriptions.id, webhookDeliveries.subscriptionId))
    .where(
      inArray(
        webhookDeliveries.id,
        claimed.map((row) => row.id),
      ),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt));
  return rows.map((row) => ({ ...row, eventType: row.eventType as WebhookDeliveryEventType }));
}

export async function insertAttempt(db: Queryable, attempt: typeof webhookAttempts.$inferInsert): Promise<void> {
  await db.insert(webhookAttempts).values(attempt);
}

export async function updateDelivery(
  db: Queryable,
  id: string,
  patch: Partial<typeof webhookDeliveries.$inferInsert>,
): Promise<void> {
  await db.update(webhookDeliveries).set(patch).where(eq(webhookDeliveries.id, id));
}

/** Counts a failed attempt against the subscription; returns the new count. */
export async function addSubscriptionFailure(db: Queryable, id: string): Promise<number> {
  const [row] = await db
    .update(webhookSubscriptions)
    .set({ consecutiveFailures: sql`${webhookSubscriptions.consecutiveFailures} + 1` })
    .where(eq(webhookSubscriptions.id, id))
    .returning({ failures: webhookSubscriptions.consecutiveFailures });
  return row?.failures ?? 0;
}

export async function clearSubscriptionFailures(db: Queryable, id: string): Promise<void> {
  await db
    .update(webhookSubscriptions)
    .set({ consecutiveFailures: 0 })
    .where(and(eq(webhookSubscriptions.id, id), ne(webhookSubscriptions.consecutiveFailures, 0)));
}

/** Gives up every pending delivery of a subscription that was turned off. */
export async function failPendingDeliveries(
  db: Queryable,
  subscriptionId: string,
  reason: string,
  at: Date,
): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ status: 'failed', lastError: reason, finishedAt: at, lockedUntil: null })
    .where(and(eq(webhookDeliveries.subscriptionId, subscriptionId), eq(webhookDeliveries.status, 'pending')));
}

export function listDeliveryRows(
  db: Queryable,
  orgId: string,
  subscriptionId: string,
  status: DeliveryRow['status'] | undefined,
  limit: number,
): Promise<DeliveryRow[]> {
  return db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.orgId, orgId),
        eq(webhookDeliveries.subscriptionId, subscriptionId),
        status ? eq(webhookDeliveries.status, status) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit);
}

/** The newest delivery of each subscription given, with its latest attempt's status code. */
export function lastDeliveriesOf(
  db: Queryable,
  subscriptionIds: string[],
): Promise<Array<Pick<DeliveryRow, 'subscriptionId' | 'status' | 'createdAt' | 'lastStatusCode'>>> {
  if (subscriptionIds.length === 0) return Promise.resolve([]);
  return db
    .selectDistinctOn([webhookDeliveries.subscriptionId], {
      subscriptionId: webhookDeliveries.subscriptionId,
      status: webhookDeliveries.status,
      createdAt: webhookDeliveries.createdAt,
      lastStatusCode: webhookDeliveries.lastStatusCode,
    })
    .from(webhookDeliveries)
    .where(inArray(webhookDeliveries.subscriptionId, subscriptionIds))
    .orderBy(webhookDeliveries.subscriptionId, desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id));
}

export function attemptsOf(db: Queryable, deliveryIds: string[]): Promise<AttemptRow[]> {
  if (deliveryIds.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(webhookAttempts)
    .where(inArray(webhookAttempts.deliveryId, deliveryIds))
    .orderBy(asc(webhookAttempts.attemptedAt));
}

export async function countPendingDeliveries(db: Queryable): Promise<number> {
  const [row] = await db
    .select({ pending: count() })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.status, 'pending'));
  return row?.pending ?? 0;
}

/** Drops finished deliveries (and their attempts) older than `before`; pending ones stay whatever their age. */
export async function deleteFinishedDeliveriesBefore(db: Queryable, before: Date): Promise<void> {
  await db
    .delete(webhookDeliveries)
    .where(and(ne(webhookDeliveries.status, 'pending'), lt(webhookDeliveries.finishedAt, before)));
}

/** Turns a subscription off after repeated failures; false when it was already off (another node got there first). */
export async function disableSubscriptionForFailures(db: Queryable, id: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(webhookSubscriptions)
    .set({ enabled: false, disabledReason: 'failures', updatedAt: at })
    .where(and(eq(webhookSubscriptions.id, id), eq(webhookSubscriptions.enabled, true)))
    .returning({ id: webhookSubscriptions.id });
  return rows.length === 1;
}

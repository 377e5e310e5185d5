import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { DeliveryAttempt, DeliveryStatus } from '@tutti/protocol';
import { rowsOf, type Queryable } from '../db/index.ts';
import { alertDeliveries } from '../db/schema.ts';

export type DeliveryRow = typeof alertDeliveries.$inferSelect;
export type NewDelivery = typeof alertDeliveries.$inferInsert;

export async function insertDeliveries(db: Queryable, rows: NewDelivery[]): Promise<void> {
  if (rows.length > 0) await db.insert(alertDeliveries).values(rows);
}

/** The raw row of a `RETURNING *` (snake_case), mapped to the Drizzle shape. */
interface RawDelivery {
  id: string;
  org_id: string;
  channel: DeliveryRow['channel'];
  target: string;
  language: string;
  subject: string;
  body: string;
  ack_alert_ids: string[] | string;
  attempts: number;
}

export interface ClaimedDelivery {
  id: string;
  orgId: string;
  channel: DeliveryRow['channel'];
  target: string;
  language: string;
  subject: string;
  body: string;
  ackAlertCount: number;
  attempts: number;
}

/** PGlite answers uuid[] as an array, node-postgres as `{a,b}` text. */
function arrayLength(value: string[] | string): number {
  if (Array.isArray(value)) return value.length;
  const inner = value.replace(/^\{|\}$/g, '');
  return inner === '' ? 0 : inner.split(',').length;
}

/**
 * Takes up to `limit` due messages for this node: queued ones whose time has come, and ones whose claim expired
 * (the node sending them stopped). `FOR UPDATE SKIP LOCKED` lets several nodes claim at once without taking the same
 * row; the lease keeps a claimed row away from other nodes while it is being sent.
 */
export async function claimDueDeliveries(
  db: Queryable,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<ClaimedDelivery[]> {
  const at = now.toISOString();
  const result = await db.execute(sql`
    UPDATE alert_deliveries SET status = 'sending', claimed_until = ${leaseUntil.toISOString()}::timestamptz,
      attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM alert_deliveries
      WHERE (status = 'queued' AND next_attempt_at <= ${at}::timestamptz)
         OR (status = 'sending' AND claimed_until < ${at}::timestamptz)
      ORDER BY next_attempt_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, org_id, channel, target, language, subject, body, ack_alert_ids, attempts`);
  return rowsOf<RawDelivery>(result).map((row) => ({
    id: row.id,
    orgId: row.org_id,
    channel: row.channel,
    target: row.target,
    language: row.language,
    subject: row.subject,
    body: row.body,
    ackAlertCount: arrayLength(row.ack_alert_ids),
    attempts: row.attempts,
  }));
}

function appendAttempt(attempt: DeliveryAttempt): SQL {
  return sql`${alertDeliveries.attemptLog} || ${JSON.stringify([attempt])}::jsonb`;
}

export async function markDeliverySent(db: Queryable, id: string, at: Date): Promise<void> {
  await db
    .update(alertDeliveries)
    .set({
      status: 'sent',
      sentAt: at,
      claimedUntil: null,
      lastError: null,
      attemptLog: appendAttempt({ at: at.toISOString(), outcome: 'sent' }),
    })
    .where(eq(alertDeliveries.id, id));
}

/** Records a failed attempt: back in the queue at `retryAt`, or given up (`failed`) when retryAt is null. */
export async function markDeliveryFailed(
  db: Queryable,
  id: string,
  at: Date,
  error: string,
  retryAt: Date | null,
): Promise<void> {
  await db
    .update(alertDeliveries)
    .set({
      status: retryAt ? 'queued' : 'failed',
      ...(retryAt ? { nextAttemptAt: retryAt } : {}),
      claimedUntil: null,
      lastError: error,
      attemptLog: appendAttempt({ at: at.toISOString(), outcome: 'failed', error }),
    })
    .where(eq(alertDeliveries.id, id));
}

export async function listDeliveries(
  db: Queryable,
  orgId: string,
  status: DeliveryStatus | undefined,
  page: number,
  limit: number,
) {
  const where = and(eq(alertDeliveries.orgId, orgId), status ? eq(alertDeliveries.status, status) : undefined);
  const items = await db
    .select()
    .from(alertDeliveries)
    .where(where)
    .orderBy(desc(alertDeliveries.createdAt), desc(alertDeliveries.id))
    .limit(limit)
    .offset((page - 1) * limit);
  const [row] = await db
    .select({ total: sql<number>`count(*)::int` })
    .from(alertDeliveries)
    .where(where);
  return { items, total: row?.total ?? 0 };
}

export async function deliveryOrg(db: Queryable, id: string): Promise<string | null> {
  const [row] = await db
    .select({ orgId: alertDeliveries.orgId })
    .from(alertDeliveries)
    .where(eq(alertDeliveries.id, id));
  return row?.orgId ?? null;
}

/** Uses a message's acknowledge link: succeeds once, answering the alerts to acknowledge and the recipient. */
export async function consumeAcknowledgeLink(db: Queryable, deliveryId: string, at: Date) {
  const [row] = await db
    .update(alertDeliveries)
    .set({ ackUsedAt: at })
    .where(and(eq(alertDeliveries.id, deliveryId), isNull(alertDeliveries.ackUsedAt)))
    .returning({
      ackAlertIds: alertDeliveries.ackAlertIds,
      recipientLabel: alertDeliveries.recipientLabel,
    });
  return row ?? null;
}

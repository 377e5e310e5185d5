import {
  appError,
  languageSchema,
  type AlertDeliveryDto,
  type AlertDeliveryList,
  type alertDeliveryListQuerySchema,
  type DeliveryAttempt,
  type Language,
} from '@tutti/protocol';
import type { z } from 'zod';
import type { Queryable, Tx } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { createChannels, type Channels } from './channels.ts';
import { DeliveryFailure } from './delivery-failure.ts';
import {
  claimDueDeliveries,
  consumeAcknowledgeLink,
  deliveryOrg,
  insertDeliveries,
  listDeliveries,
  markDeliveryFailed,
  markDeliverySent,
  type ClaimedDelivery,
  type DeliveryRow,
} from './notifications.queries.ts';

/** A message ready for the queue: one recipient on one channel. */
export interface QueuedMessage {
  orgId: string;
  channel: DeliveryRow['channel'];
  target: string;
  recipientLabel: string;
  language: Language;
  subject: string;
  body: string;
  alertIds: string[];
  /** Open alerts the message's acknowledge link acknowledges. */
  ackAlertIds: string[];
}

/** Puts messages in the durable queue, in the caller's transaction (with the alert changes that caused them). */
export async function enqueueMessages(tx: Tx, messages: QueuedMessage[], now: Date): Promise<void> {
  await insertDeliveries(
    tx,
    messages.map((message) => ({ ...message, nextAttemptAt: now, createdAt: now })),
  );
}

const ACK_PURPOSE = 'alert-acknowledge-link';
const CLAIM_BATCH = 50;
const SEND_CONCURRENCY = 8;
/** Longer than any channel's timeout, so a claim outlives its send. */
const CLAIM_LEASE_MS = 2 * 60_000;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 60 * 60_000;

/** 30 s, 1 min, 2 min, … up to an hour between attempts. */
export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
}

const channelsOfHub = new WeakMap<HubContext, Channels>();

function channelsOf(context: HubContext): Channels {
  let channels = channelsOfHub.get(context);
  if (!channels) {
    channels = createChannels({ config: context.config, mailer: context.mailer, log: context.log });
    channelsOfHub.set(context, channels);
  }
  return channels;
}

/** The acknowledge link's token: the delivery id sealed (encrypted and authenticated) with the hub's secret key. */
function acknowledgeUrl(context: HubContext, delivery: ClaimedDelivery): string | null {
  if (delivery.ackAlertCount === 0) return null;
  // base64url keeps the token one URL-safe word (the sealed form has dots, which mail clients cut links at).
  const token = Buffer.from(context.secrets.seal(delivery.id, ACK_PURPOSE)).toString('base64url');
  return `${context.config.publicUrl}/alerts/acknowledge?token=${token}`;
}

async function sendOne(context: HubContext, delivery: ClaimedDelivery): Promise<boolean> {
  const log = context.log.child({ module: 'notifications', delivery: delivery.id, channel: delivery.channel });
  try {
    await channelsOf(context).send({
      channel: delivery.channel,
      target: delivery.target,
      language: languageSchema.catch('en').parse(delivery.language),
      subject: delivery.subject,
      body: delivery.body,
      acknowledgeUrl: acknowledgeUrl(context, delivery),
      alertsUrl: `${context.config.publicUrl}/alerts`,
    });
  } catch (error) {
    const failure =
      error instanceof DeliveryFailure ? error : new DeliveryFailure((error as Error).message ?? String(error), false);
    const now = context.clock.now();
    const giveUp = failure.permanent || delivery.attempts >= context.config.alerts.maxDeliveryAttempts;
    const retryAt = giveUp ? null : new Date(now.getTime() + retryDelayMs(delivery.attempts));
    await markDeliveryFailed(context.db, delivery.id, now, failure.message, retryAt);
    log.warn({ reason: failure.message, attempts: delivery.attempts, retryAt }, 'alert message not delivered');
    return false;
  }
  await markDeliverySent(context.db, delivery.id, context.clock.now());
  return true;
}

export interface DeliveryRun {
  sent: number;
  failed: number;
}

/**
 * The delivery tick: claims due messages in batches and sends them, a few at a time, until none are due. Every
 * attempt is recorded on its row (sent, or failed with the reason and the time of the next try).
 */
export async function deliverPending(context: HubContext): Promise<DeliveryRun> {
  const run: DeliveryRun = { sent: 0, failed: 0 };
  for (;;) {
    const now = context.clock.now();
    const claimed = await claimDueDeliveries(context.db, now, new Date(now.getTime() + CLAIM_LEASE_MS), CLAIM_BATCH);
    if (claimed.length === 0) return run;
    for (let start = 0; start < claimed.length; start += SEND_CONCURRENCY) {
      const outcomes = await Promise.all(
        claimed.slice(start, start + SEND_CONCURRENCY).map((delivery) => sendOne(context, delivery)),
      );
      for (const sent of outcomes) run[sent ? 'sent' : 'failed'] += 1;
    }
  }
}

/** A webhook URL carries its secret in the path: the screen shows only the host. */
function visibleTarget(row: DeliveryRow): string {
  if (row.channel !== 'teams' && row.channel !== 'slack') return row.target;
  try {
    return new URL(row.target).host;
  } catch {
    return row.channel;
  }
}

export function toDeliveryDto(row: DeliveryRow): AlertDeliveryDto {
  return {
    id: row.id,
    channel: row.channel,
    target: visibleTarget(row),
    recipientLabel: row.recipientLabel,
    language: languageSchema.catch('en').parse(row.language),
    subject: row.subject,
    alertCount: row.alertIds.length,
    status: row.status,
    attempts: row.attempts,
    attemptLog: row.attemptLog as DeliveryAttempt[],
    lastError: row.lastError,
    nextAttemptAt: row.status === 'queued' ? row.nextAttemptAt.toISOString() : null,
    sentAt: row.sentAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listAlertDeliveries(
  tx: Tx,
  orgId: string,
  query: z.output<typeof alertDeliveryListQuerySchema>,
): Promise<AlertDeliveryList> {
  const result = await listDeliveries(tx, orgId, query.status, query.page, query.limit);
  return { items: result.items.map(toDeliveryDto), total: result.total, page: query.page, limit: query.limit };
}

export interface AcknowledgeLink {
  deliveryId: string;
  orgId: string;
}

/** Reads an acknowledge link's token: the message it came in and its organization. Forged or foreign: ACK_LINK_INVALID. */
export async function readAcknowledgeLink(context: HubContext, db: Queryable, token: string): Promise<AcknowledgeLink> {
  let deliveryId: string;
  try {
    deliveryId = context.secrets.open(Buffer.from(token, 'base64url').toString('utf8'), ACK_PURPOSE);
  } catch {
    throw appError('ACK_LINK_INVALID');
  }
  const orgId = await deliveryOrg(db, deliveryId);
  if (!orgId) throw appError('ACK_LINK_INVALID');
  return { deliveryId, orgId };
}

export interface AcknowledgeLinkUse {
  alertIds: string[];
  recipientLabel: string;
}

/** Uses the link up (it works once); answers the alerts it acknowledges and whom the message went to. */
export async function useAcknowledgeLink(tx: Tx, link: AcknowledgeLink, now: Date): Promise<AcknowledgeLinkUse> {
  const used = await consumeAcknowledgeLink(tx, link.deliveryId, now);
  if (!used || used.ackAlertIds.length === 0) throw appError('ACK_LINK_INVALID');
  return { alertIds: used.ackAlertIds, recipientLabel: used.recipientLabel };
}

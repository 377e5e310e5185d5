import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  appError,
  isLoopbackWebhookTarget,
  WEBHOOK_TEST_EVENT,
  type AgentEvent,
  type createWebhookRequestSchema,
  type updateWebhookRequestSchema,
  type WebhookDeliveryList,
  type WebhookEventBody,
  type WebhookDeliveryEventType,
  type WebhookEventType,
  type WebhookSecretResponse,
  type WebhookSubscriptionDto,
  type WebhookSubscriptionList,
  type webhookDeliveryListQuerySchema,
} from '@tutti/protocol';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import type { AuthContext, ClientInfo } from '../auth/index.ts';
import { withTenant, type Tx } from '../db/index.ts';
import { deviceDtosByIds } from '../devices/index.ts';
import type { HubContext } from '../hub-context.ts';
import {
  addSubscriptionFailure,
  attemptsOf,
  claimDueDeliveries,
  clearSubscriptionFailures,
  countPendingDeliveries,
  deleteFinishedDeliveriesBefore,
  deleteSubscription,
  disableSubscriptionForFailures,
  enabledSubscriptions,
  failPendingDeliveries,
  findSubscription,
  insertAttempt,
  insertDeliveries,
  insertSubscription,
  lastDeliveriesOf,
  listDeliveryRows,
  listSubscriptionRows,
  updateDelivery,
  updateSubscription,
  type ClaimedDelivery,
  type SubscriptionRow,
} from './webhooks.queries.ts';
import { postSignedWebhook } from './webhook-sender.ts';

const DELIVER_EVERY_MS = 2000;
const CLAIM_BATCH = 20;
/** A node holds claimed deliveries this long; longer than one attempt's 10 s timeout, with room to record it. */
const CLAIM_LOCK_MS = 60_000;
const FIRST_RETRY_MS = 10_000;
const LONGEST_RETRY_MS = 2 * 3600_000;
const KEEP_FINISHED_MS = 30 * 86_400_000;
/** How long a node trusts its cached list of an organization's subscriptions (the hot path asks per agent batch). */
const SUBSCRIPTION_CACHE_MS = 5000;

const secretPurpose = (subscriptionId: string) => `webhook:${subscriptionId}`;

/** Waits before attempt n+1 after n failed attempts: 10 s, 30 s, 90 s, … at most 2 h. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(FIRST_RETRY_MS * 3 ** (failedAttempts - 1), LONGEST_RETRY_MS);
}

type LastDelivery = Awaited<ReturnType<typeof lastDeliveriesOf>>[number];

export function toSubscriptionDto(row: SubscriptionRow, last?: LastDelivery): WebhookSubscriptionDto {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes as WebhookEventType[],
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    consecutiveFailures: row.consecutiveFailures,
    lastDelivery: last
      ? { status: last.status, createdAt: last.createdAt.toISOString(), statusCode: last.lastStatusCode }
      : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

type CachedSubscriptions = { readAt: number; subscriptions: Array<{ id: string; eventTypes: string[] }> };
const subscriptionCaches = new WeakMap<HubContext, Map<string, CachedSubscriptions>>();

function cacheOf(context: HubContext): Map<string, CachedSubscriptions> {
  let cache = subscriptionCaches.get(context);
  if (!cache) {
    cache = new Map<string, CachedSubscriptions>();
    subscriptionCaches.set(context, cache);
  }
  return cache;
}

async function subscriptionsOf(context: HubContext, orgId: string) {
  const cache = cacheOf(context);
  const cached = cache.get(orgId);
  if (cached && performance.now() - cached.readAt < SUBSCRIPTION_CACHE_MS) return cached.subscriptions;
  const subscriptions = await enabledSubscriptions(context.db, orgId);
  cache.set(orgId, { readAt: performance.now(), subscriptions });
  return subscriptions;
}

function assertTargetAllowed(context: HubContext, url: string): void {
  if (isLoopbackWebhookTarget(url) && !context.config.webhooks.allowLoopbackTargets) {
    throw appError('VALIDATION_FAILED', {
      issues: [{ path: 'body.url', message: 'Loopback targets are not allowed on this hub.' }],
    });
  }
}

async function existing(tx: Tx, orgId: string, id: string): Promise<SubscriptionRow> {
  const row = await findSubscription(tx, orgId, id);
  if (!row) throw appError('NOT_FOUND', { webhook: id });
  return row;
}

const auditOf = (subscription: Pick<SubscriptionRow, 'url' | 'eventTypes' | 'description' | 'enabled'>) => ({
  url: subscription.url,
  eventTypes: subscription.eventTypes,
  description: subscription.description,
  enabled: subscription.enabled,
});

async function withLastDeliveries(tx: Tx, rows: SubscriptionRow[]): Promise<WebhookSubscriptionDto[]> {
  const last = new Map(
    (
      await lastDeliveriesOf(
        tx,
        rows.map((row) => row.id),
      )
    ).map((delivery) => [delivery.subscriptionId, delivery]),
  );
  return rows.map((row) => toSubscriptionDto(row, last.get(row.id)));
}

export async function listWebhooks(tx: Tx, orgId: string): Promise<WebhookSubscriptionList> {
  return { items: await withLastDeliveries(tx, await listSubscriptionRows(tx, orgId)) };
}

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/** A new subscription with a fresh signing secret, returned this once. */
export async function createWebhook(
  tx: Tx,
  context: HubContext,
  auth: AuthContext,
  request: z.output<typeof createWebhookRequestSchema>,
  client: ClientInfo,
): Promise<WebhookSecretResponse> {
  assertTargetAllowed(context, request.url);
  const id = randomUUID();
  const secret = newSecret();
  const row = await insertSubscription(tx, {
    id,
    orgId: auth.orgId,
    url: request.url,
    description: request.description,
    eventTypes: request.eventTypes,
    sealedSecret: context.secrets.seal(secret, secretPurpose(id)),
  });
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'webhook.create',
    target: `webhook:${id}`,
    after: auditOf(row),
    ip: client.ip,
  });
  cacheOf(context).delete(auth.orgId);
  return { subscription: toSubscriptionDto(row), secret };
}

/**
 * Changes a subscription in the tenant's transaction. Turning it off also gives up its queued deliveries, as the
 * owner role once that committed (tenants only read the queue).
 */
export async function updateWebhook(
  context: HubContext,
  auth: AuthContext,
  id: string,
  request: z.output<typeof updateWebhookRequestSchema>,
  client: ClientInfo,
): Promise<WebhookSubscriptionDto> {
  const { dto, turnedOff } = await withTenant(context.db, auth.orgIds, async (tx) => {
    const before = await existing(tx, auth.orgId, id);
    if (request.url !== undefined) assertTargetAllowed(context, request.url);
    const enabling = request.enabled === true && !before.enabled;
    const disabling = request.enabled === false && before.enabled;
    const row = await updateSubscription(tx, auth.orgId, id, {
      ...(request.url !== undefined ? { url: request.url } : {}),
      ...(request.eventTypes !== undefined ? { eventTypes: request.eventTypes } : {}),
      ...(request.description !== undefined ? { description: request.description } : {}),
      ...(disabling ? { enabled: false, disabledReason: 'manual' as const } : {}),
      ...(enabling ? { enabled: true, disabledReason: null, consecutiveFailures: 0 } : {}),
      updatedAt: context.clock.now(),
    });
    await recordAudit(tx, {
      orgId: auth.orgId,
      actorUserId: auth.userId,
      actorLabel: auth.email,
      action: 'webhook.update',
      target: `webhook:${id}`,
      before: auditOf(before),
      after: auditOf(row),
      ip: client.ip,
    });
    const [updated] = await withLastDeliveries(tx, [row]);
    return { dto: updated!, turnedOff: disabling };
  });
  cacheOf(context).delete(auth.orgId);
  if (!turnedOff) return dto;
  await failPendingDeliveries(context.db, id, 'The subscription was turned off.', context.clock.now());
  return withTenant(context.db, auth.orgIds, async (tx) => {
    const [updated] = await withLastDeliveries(tx, [await existing(tx, auth.orgId, id)]);
    return updated!;
  });
}

/** Replaces the signing secret; the old one stops signing at once (also for retries still queued). */
export async function rotateWebhookSecret(
  tx: Tx,
  context: HubContext,
  auth: AuthContext,
  id: string,
  client: ClientInfo,
): Promise<WebhookSecretResponse> {
  await existing(tx, auth.orgId, id);
  const secret = newSecret();
  const row = await updateSubscription(tx, auth.orgId, id, {
    sealedSecret: context.secrets.seal(secret, secretPurpose(id)),
    updatedAt: context.clock.now(),
  });
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'webhook.rotate_secret',
    target: `webhook:${id}`,
    ip: client.ip,
  });
  const [dto] = await withLastDeliveries(tx, [row]);
  return { subscription: dto!, secret };
}

/**
 * Queues a `webhook.test` delivery to this subscription alone. It goes through the same queue, signature and
 * retries as real events, so its log shows whether the receiver works. The request is audited in the tenant's
 * transaction; the delivery is queued as the owner role afterwards, like every event (tenants only read the queue).
 */
export async function sendTestWebhook(
  context: HubContext,
  auth: AuthContext,
  id: string,
  client: ClientInfo,
): Promise<WebhookSubscriptionDto> {
  const now = context.clock.now();
  const eventId = randomUUID();
  await withTenant(context.db, auth.orgIds, async (tx) => {
    const row = await existing(tx, auth.orgId, id);
    if (!row.enabled) throw appError('WEBHOOK_DISABLED', { webhook: id });
    await recordAudit(tx, {
      orgId: auth.orgId,
      actorUserId: auth.userId,
      actorLabel: auth.email,
      action: 'webhook.test',
      target: `webhook:${id}`,
      after: { eventId },
      ip: client.ip,
    });
  });
  const body: WebhookEventBody = {
    id: eventId,
    type: WEBHOOK_TEST_EVENT,
    orgId: auth.orgId,
    occurredAt: now.toISOString(),
    data: { subscriptionId: id, requestedBy: auth.email },
  };
  await insertDeliveries(context.db, [
    { orgId: auth.orgId, subscriptionId: id, eventId, eventType: WEBHOOK_TEST_EVENT, body, nextAttemptAt: now },
  ]);
  return withTenant(context.db, auth.orgIds, async (tx) => {
    const [dto] = await withLastDeliveries(tx, [await existing(tx, auth.orgId, id)]);
    return dto!;
  });
}

export async function removeWebhook(
  tx: Tx,
  context: HubContext,
  auth: AuthContext,
  id: string,
  client: ClientInfo,
): Promise<void> {
  const before = await existing(tx, auth.orgId, id);
  await deleteSubscription(tx, auth.orgId, id);
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'webhook.delete',
    target: `webhook:${id}`,
    before: auditOf(before),
    ip: client.ip,
  });
  cacheOf(context).delete(auth.orgId);
}

export async function listWebhookDeliveries(
  tx: Tx,
  orgId: string,
  id: string,
  query: z.output<typeof webhookDeliveryListQuerySchema>,
): Promise<WebhookDeliveryList> {
  await existing(tx, orgId, id);
  const rows = await listDeliveryRows(tx, orgId, id, query.status, query.limit);
  const attempts = await attemptsOf(
    tx,
    rows.map((row) => row.id),
  );
  return {
    items: rows.map((row) => ({
      id: row.id,
      eventId: row.eventId,
      eventType: row.eventType as WebhookDeliveryEventType,
      status: row.status,
      attempts: attempts
        .filter((attempt) => attempt.deliveryId === row.id)
        .map((attempt) => ({
          attemptedAt: attempt.attemptedAt.toISOString(),
          statusCode: attempt.statusCode,
          error: attempt.error,
          durationMs: attempt.durationMs,
        })),
      nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
      createdAt: row.createdAt.toISOString(),
      finishedAt: row.finishedAt?.toISOString() ?? null,
    })),
  };
}

export interface WebhookEvent {
  type: WebhookEventType;
  data: Record<string, unknown>;
  /** When it happened; defaults to now by the hub's clock. */
  occurredAt?: Date;
}

/**
 * Queues events of an organization for every enabled subscription that wants their type. Durable once this
 * resolves: the deliveries are rows, sent and retried by whichever hub node works the queue.
 */
export async function emitWebhookEvents(context: HubContext, orgId: string, events: WebhookEvent[]): Promise<void> {
  if (events.length === 0) return;
  const subscriptions = await subscriptionsOf(context, orgId);
  if (subscriptions.length === 0) return;
  const now = context.clock.now();
  const rows = events.flatMap((event) => {
    const wanting = subscriptions.filter((subscription) => subscription.eventTypes.includes(event.type));
    if (wanting.length === 0) return [];
    const eventId = randomUUID();
    const body: WebhookEventBody = {
      id: eventId,
      type: event.type,
      orgId,
      occurredAt: (event.occurredAt ?? now).toISOString(),
      data: event.data,
    };
    return wanting.map((subscription) => ({
      orgId,
      subscriptionId: subscription.id,
      eventId,
      eventType: event.type,
      body,
      nextAttemptAt: now,
    }));
  });
  await insertDeliveries(context.db, rows);
}

/** Queues one event; see emitWebhookEvents. Jobs (`job.finished`) and alerts (`alert.raised`, `alert.resolved`) call this. */
export function emitWebhookEvent(
  context: HubContext,
  orgId: string,
  type: WebhookEventType,
  data: Record<string, unknown>,
  occurredAt?: Date,
): Promise<void> {
  return emitWebhookEvents(context, orgId, [{ type, data, ...(occurredAt ? { occurredAt } : {}) }]);
}

/** `device.status` for every status change an agent batch stored (the events past the agent's old watermark). */
export async function emitDeviceStatusWebhooks(
  context: HubContext,
  orgId: string,
  storedEvents: AgentEvent[],
  changedDeviceIds: string[],
): Promise<void> {
  const changes = storedEvents.filter((event) => event.kind === 'device.status');
  if (changes.length === 0) return;
  const subscriptions = await subscriptionsOf(context, orgId);
  if (!subscriptions.some((subscription) => subscription.eventTypes.includes('device.status'))) return;
  const devices = new Map(
    (await deviceDtosByIds(context.db, orgId, changedDeviceIds)).map((device) => [device.serial, device]),
  );
  await emitWebhookEvents(
    context,
    orgId,
    changes.flatMap((change) => {
      const device = devices.get(change.serial);
      if (!device) return [];
      return [
        {
          type: 'device.status' as const,
          occurredAt: new Date(change.since),
          data: {
            device: {
              id: device.id,
              serial: device.serial,
              name: device.name,
              model: device.model,
              location: device.location,
              server: device.serverName,
            },
            status: change.status,
            severity: device.status === change.status ? device.severity : null,
            since: change.since,
          },
        },
      ];
    }),
  );
}

/** Sends one claimed delivery and records the attempt; resolves false when it turned the subscription off. */
async function attemptDelivery(context: HubContext, delivery: ClaimedDelivery): Promise<boolean> {
  const { db, clock, config } = context;
  if (!delivery.subscriptionEnabled) {
    await updateDelivery(db, delivery.id, {
      status: 'failed',
      lastError: 'The subscription is turned off.',
      finishedAt: clock.now(),
      lockedUntil: null,
    });
    return false;
  }
  const started = performance.now();
  const outcome = await postSignedWebhook(
    {
      url: delivery.url,
      secret: context.secrets.open(delivery.sealedSecret, secretPurpose(delivery.subscriptionId)),
      deliveryId: delivery.id,
      eventType: delivery.eventType,
      body: JSON.stringify(delivery.body),
      timestamp: Math.floor(clock.now().getTime() / 1000),
    },
    { allowLoopback: config.webhooks.allowLoopbackTargets },
  );
  const durationMs = Math.round(performance.now() - started);
  const attemptedAt = clock.now();
  const attempts = delivery.attempts + 1;
  const stillEnabled = await db.transaction(async (tx) => {
    await insertAttempt(tx, {
      orgId: delivery.orgId,
      deliveryId: delivery.id,
      attemptedAt,
      statusCode: outcome.statusCode,
      error: outcome.ok ? null : outcome.error,
      durationMs,
    });
    if (outcome.ok) {
      await updateDelivery(tx, delivery.id, {
        status: 'succeeded',
        attempts,
        lastStatusCode: outcome.statusCode,
        lastError: null,
        finishedAt: attemptedAt,
        lockedUntil: null,
      });
      await clearSubscriptionFailures(tx, delivery.subscriptionId);
      return true;
    }
    const givesUp = attempts >= config.webhooks.maxAttempts;
    await updateDelivery(tx, delivery.id, {
      attempts,
      lastStatusCode: outcome.statusCode,
      lastError: outcome.error,
      lockedUntil: null,
      ...(givesUp
        ? { status: 'failed' as const, finishedAt: attemptedAt }
        : { nextAttemptAt: new Date(attemptedAt.getTime() + retryDelayMs(attempts)) }),
    });
    const failures = await addSubscriptionFailure(tx, delivery.subscriptionId);
    if (failures < config.webhooks.disableAfterFailures) return true;
    if (!(await disableSubscriptionForFailures(tx, delivery.subscriptionId, attemptedAt))) return false;
    await failPendingDeliveries(
      tx,
      delivery.subscriptionId,
      'The subscription was turned off after repeated failures.',
      attemptedAt,
    );
    await recordAudit(tx, {
      orgId: delivery.orgId,
      actorUserId: null,
      actorLabel: 'system',
      action: 'webhook.disable',
      target: `webhook:${delivery.subscriptionId}`,
      after: { enabled: false, reason: 'failures', consecutiveFailures: failures },
    });
    return false;
  });
  if (!stillEnabled) cacheOf(context).delete(delivery.orgId);
  return stillEnabled;
}

/**
 * Sends the deliveries that are due, a batch at a time, until none is left or `limit` were tried. Safe on several
 * nodes at once (deliveries are claimed). Resolves with the number attempted.
 */
export async function deliverDueWebhooks(context: HubContext, limit = 200): Promise<number> {
  let attempted = 0;
  while (attempted < limit) {
    const now = context.clock.now();
    const batch = await claimDueDeliveries(
      context.db,
      now,
      new Date(now.getTime() + CLAIM_LOCK_MS),
      Math.min(CLAIM_BATCH, limit - attempted),
    );
    if (batch.length === 0) break;
    // Different receivers in parallel; one request at a time to each, so a slow receiver is not flooded.
    const bySubscription = new Map<string, ClaimedDelivery[]>();
    for (const delivery of batch) {
      bySubscription.set(delivery.subscriptionId, [...(bySubscription.get(delivery.subscriptionId) ?? []), delivery]);
    }
    await Promise.all(
      [...bySubscription.values()].map(async (deliveries) => {
        // Once the subscription is off, the rest of its claimed deliveries were given up with it.
        for (const delivery of deliveries) if (!(await attemptDelivery(context, delivery))) break;
      }),
    );
    attempted += batch.length;
  }
  return attempted;
}

/** The delivery queue runs on every node's scheduler; pruning keeps the log to 30 days. */
export function scheduleWebhookTasks(context: HubContext): void {
  context.scheduler.every('webhooks.deliver', DELIVER_EVERY_MS, async () => {
    await deliverDueWebhooks(context);
  });
  context.scheduler.every('webhooks.prune', 86_400_000, async ({ tickAt }) => {
    await deleteFinishedDeliveriesBefore(context.db, new Date(tickAt.getTime() - KEEP_FINISHED_MS));
  });
  context.metrics.gauge({
    name: 'tutti_webhook_deliveries_pending',
    help: 'Webhook deliveries waiting to be sent or retried (all organizations, shared by all nodes).',
    read: () => countPendingDeliveries(context.db),
  });
}

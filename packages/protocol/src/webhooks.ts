import { z } from 'zod';

const uuid = z.uuid();
const isoTime = z.iso.datetime();

/**
 * What an organization can subscribe a URL to. The hub sends `device.status` itself; jobs and alerts send theirs
 * through the hub's `emitWebhookEvent`.
 */
export const webhookEventTypes = ['device.status', 'job.finished', 'alert.raised', 'alert.resolved'] as const;
export const webhookEventTypeSchema = z.enum(webhookEventTypes);
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

/** A test delivery an administrator asks for; it goes to one subscription and cannot be subscribed to. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';
/** What a delivery can carry: a subscribed event type or a test. */
export const webhookDeliveryEventTypeSchema = z.enum([...webhookEventTypes, WEBHOOK_TEST_EVENT]);
export type WebhookDeliveryEventType = z.infer<typeof webhookDeliveryEventTypeSchema>;

/** Headers of every delivery. The signature is HMAC-SHA256 over `<timestamp>.<raw body>` with the subscription's secret. */
export const webhookHeaders = {
  event: 'x-tutti-event',
  delivery: 'x-tutti-delivery',
  timestamp: 'x-tutti-timestamp',
  signature: 'x-tutti-signature',
} as const;

/** The JSON body a receiver gets; `id` is the same in every retry of one event. */
export const webhookEventBodySchema = z.object({
  id: uuid,
  type: webhookDeliveryEventTypeSchema,
  orgId: uuid,
  occurredAt: isoTime,
  data: z.record(z.string(), z.unknown()),
});
export type WebhookEventBody = z.infer<typeof webhookEventBodySchema>;

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Address ranges a webhook must never reach: private networks, link-local, carrier NAT, multicast, reserved. */
function isNonPublicIpv4(host: string): boolean {
  const parts = IPV4.exec(host)?.slice(1).map(Number);
  if (!parts || parts.some((part) => part > 255)) return false;
  const [a, b] = parts as [number, number, number, number];
  return (
    a === 0 ||
    a === 10 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

/** A loopback receiver (`http://127.x.y.z:port/…`); the hub accepts one only when its settings allow it (tests). */
export function isLoopbackWebhookTarget(value: string): boolean {
  const url = parseUrl(value);
  return (
    url !== null && (url.protocol === 'http:' || url.protocol === 'https:') && /^127\.\d+\.\d+\.\d+$/.test(url.hostname)
  );
}

/**
 * Why a URL cannot receive webhooks, or null when it can. A pure check that connects nowhere: HTTPS to a public
 * host name or IPv4 address, no credentials in the URL, no IPv6 literals or local-only names. The hub checks the
 * resolved address again when it sends.
 */
export function webhookUrlProblem(value: string): string | null {
  const url = parseUrl(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return 'An http or https URL.';
  if (url.username || url.password) return 'A URL without a user name or password in it.';
  if (isLoopbackWebhookTarget(value)) return null;
  if (url.protocol !== 'https:') return 'An https URL.';
  const host = url.hostname.toLowerCase();
  if (host.startsWith('[')) return 'A host name or IPv4 address, not an IPv6 literal.';
  if (IPV4.test(host)) return isNonPublicIpv4(host) ? 'A public address, not a private or reserved one.' : null;
  if (!host.includes('.') || /\.(localhost|local|internal|lan|home|corp|intranet)$/.test(host)) {
    return 'A public host name.';
  }
  return null;
}

export const webhookUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .superRefine((value, context) => {
    const problem = webhookUrlProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

const eventTypesSchema = z
  .array(webhookEventTypeSchema)
  .min(1)
  .refine((types) => new Set(types).size === types.length, { message: 'Each event type once.' });

export const createWebhookRequestSchema = z.strictObject({
  url: webhookUrlSchema,
  eventTypes: eventTypesSchema,
  description: z.string().trim().max(200).default(''),
});
export type CreateWebhookRequest = z.input<typeof createWebhookRequestSchema>;

export const updateWebhookRequestSchema = z
  .strictObject({
    url: webhookUrlSchema.optional(),
    eventTypes: eventTypesSchema.optional(),
    description: z.string().trim().max(200).optional(),
    /** Turning a subscription back on clears its failure count. */
    enabled: z.boolean().optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: 'Change at least one field.',
  });
export type UpdateWebhookRequest = z.input<typeof updateWebhookRequestSchema>;

export const webhookDeliveryStatusSchema = z.enum(['pending', 'succeeded', 'failed']);

export const webhookSubscriptionDtoSchema = z.object({
  id: uuid,
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(webhookEventTypeSchema),
  enabled: z.boolean(),
  /** `failures`: the hub turned it off after too many failed attempts in a row. */
  disabledReason: z.enum(['manual', 'failures']).nullable(),
  consecutiveFailures: z.number().int(),
  /** The newest delivery: its state, when it was queued and the status code of its latest attempt. */
  lastDelivery: z
    .object({ status: webhookDeliveryStatusSchema, createdAt: isoTime, statusCode: z.number().int().nullable() })
    .nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type WebhookSubscriptionDto = z.infer<typeof webhookSubscriptionDtoSchema>;

export const webhookSubscriptionListSchema = z.object({ items: z.array(webhookSubscriptionDtoSchema) });
export type WebhookSubscriptionList = z.infer<typeof webhookSubscriptionListSchema>;

/** The secret is shown once, when the subscription is created or its secret replaced. */
export const webhookSecretResponseSchema = z.object({
  subscription: webhookSubscriptionDtoSchema,
  secret: z.string(),
});
export type WebhookSecretResponse = z.infer<typeof webhookSecretResponseSchema>;

export const webhookAttemptDtoSchema = z.object({
  attemptedAt: isoTime,
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int(),
});

export const webhookDeliveryDtoSchema = z.object({
  id: uuid,
  eventId: uuid,
  eventType: webhookDeliveryEventTypeSchema,
  status: webhookDeliveryStatusSchema,
  attempts: z.array(webhookAttemptDtoSchema),
  /** When the next attempt is due; null once it succeeded or gave up. */
  nextAttemptAt: isoTime.nullable(),
  createdAt: isoTime,
  finishedAt: isoTime.nullable(),
});
export type WebhookDeliveryDto = z.infer<typeof webhookDeliveryDtoSchema>;

export const webhookDeliveryListQuerySchema = z.strictObject({
  status: webhookDeliveryStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const webhookDeliveryListSchema = z.object({ items: z.array(webhookDeliveryDtoSchema) });
export type WebhookDeliveryList = z.infer<typeof webhookDeliveryListSchema>;

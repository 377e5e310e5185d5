import { z } from 'zod';
import { languageSchema, roleSchema } from './api.ts';
import { smsNumberSchema } from './identity.ts';
import { deviceModelSchema } from './models.ts';
import { deviceStatusSchema } from './statuses.ts';

/**
 * Alert rules, alerts, their deliveries and maintenance windows (DESIGN.md §7). A rule names a condition, who hears
 * about it, quiet hours and escalation; the hub's evaluator opens and resolves alerts from the committed state of
 * devices and agents and queues one grouped message per recipient.
 */

const uuid = z.uuid();
const pageFields = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(50),
};
const minutes = z
  .number()
  .int()
  .min(0)
  .max(7 * 24 * 60);
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'A time of day such as 22:00.');

/** True for an IANA time zone name the runtime knows (Europe/Paris, America/Denver, UTC). */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
const timeZoneSchema = z.string().min(1).max(64).refine(isTimeZone, 'An IANA time zone such as Europe/Paris.');

// ---- Webhooks ---------------------------------------------------------------------------------------------------

export type WebhookKind = 'teams' | 'slack';

/** Hosts that serve incoming webhooks: Slack apps, and Teams through Power Automate workflows or Office connectors. */
const webhookHosts: Record<WebhookKind, (host: string) => boolean> = {
  slack: (host) => host === 'hooks.slack.com',
  teams: (host) =>
    host.endsWith('.webhook.office.com') ||
    host.endsWith('.logic.azure.com') ||
    host.endsWith('.environment.api.powerplatform.com'),
};

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** Loopback test receivers (http://127.x.y.z:port/…); the hub accepts them only when its settings allow it. */
export function isLoopbackWebhookUrl(value: string): boolean {
  const url = parseUrl(value);
  return (
    url !== null && (url.protocol === 'http:' || url.protocol === 'https:') && /^127\.\d+\.\d+\.\d+$/.test(url.hostname)
  );
}

/** An HTTPS URL on the service's own webhook hosts, or a loopback receiver. Pure check: connects nowhere. */
export function isWebhookUrl(kind: WebhookKind, value: string): boolean {
  const url = parseUrl(value);
  if (!url || url.username || url.password) return false;
  if (isLoopbackWebhookUrl(value)) return true;
  return url.protocol === 'https:' && url.port === '' && webhookHosts[kind](url.hostname.toLowerCase());
}

const webhookUrlSchema = (kind: WebhookKind) =>
  z
    .string()
    .trim()
    .max(2048)
    .refine((value) => isWebhookUrl(kind, value), {
      message:
        kind === 'slack'
          ? 'A Slack incoming webhook URL (https://hooks.slack.com/…).'
          : 'A Teams incoming webhook URL (https://….webhook.office.com/… or a Power Automate workflow URL).',
    });

// ---- Rules ------------------------------------------------------------------------------------------------------

export const alertConditionKinds = [
  'device_status',
  'agent_disconnected',
  'monitoring_issue',
  'plan_overflow',
] as const;
export type AlertConditionKind = (typeof alertConditionKinds)[number];

export const alertConditionSchema = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('device_status'),
      /** The device enters one of these statuses… */
      statuses: z.array(deviceStatusSchema).max(20).default([]),
      /** …or a status of one of these severities. */
      severities: z
        .array(z.enum(['issue', 'down']))
        .max(2)
        .default([]),
      /** Only these models; empty for every model. */
      models: z.array(deviceModelSchema).max(50).default([]),
      /** Only devices in these locations or anywhere inside them; empty for everywhere. */
      locationIds: z.array(uuid).max(50).default([]),
      /** Only once the status has lasted this long. */
      forMinutes: minutes.default(0),
    })
    .refine((value) => value.statuses.length + value.severities.length > 0, {
      message: 'Choose at least one status or severity.',
      path: ['statuses'],
    }),
  z.strictObject({ kind: z.literal('agent_disconnected'), forMinutes: minutes.default(0) }),
  /** A Local Agent reports Monitoring System Issue or Off. */
  z.strictObject({ kind: z.literal('monitoring_issue') }),
  /** The organization has more Pro Audio devices than its plan allows (devices read as Overflowed). */
  z.strictObject({ kind: z.literal('plan_overflow') }),
]);
export type AlertCondition = z.infer<typeof alertConditionSchema>;

export const alertRecipientsSchema = z
  .strictObject({
    /** Every active member with one of these roles. */
    roles: z.array(roleSchema).max(5).default([]),
    /** These members, by user id. */
    userIds: z.array(uuid).max(200).default([]),
    /** Members also get a text message when they gave a mobile number. */
    smsToMembers: z.boolean().default(false),
    emails: z.array(z.email().max(254)).max(50).default([]),
    smsNumbers: z.array(smsNumberSchema).max(50).default([]),
    teamsWebhooks: z.array(webhookUrlSchema('teams')).max(10).default([]),
    slackWebhooks: z.array(webhookUrlSchema('slack')).max(10).default([]),
    /** Language of messages to the extra addresses, numbers and channels; members get their own language. */
    language: languageSchema.default('en'),
  })
  .refine(
    (value) =>
      value.roles.length +
        value.userIds.length +
        value.emails.length +
        value.smsNumbers.length +
        value.teamsWebhooks.length +
        value.slackWebhooks.length >
      0,
    { message: 'Choose at least one recipient.', path: ['roles'] },
  );
export type AlertRecipients = z.infer<typeof alertRecipientsSchema>;
export type AlertRecipientsInput = z.input<typeof alertRecipientsSchema>;

/** Messages that fall in the quiet hours wait until they end (nothing is dropped). `end` before `start` spans midnight. */
export const quietHoursSchema = z
  .strictObject({ start: clockTime, end: clockTime, timeZone: timeZoneSchema })
  .refine((value) => value.start !== value.end, {
    message: 'The quiet hours start and end at the same time.',
    path: ['end'],
  });
export type QuietHours = z.infer<typeof quietHoursSchema>;

/** Who hears about an alert nobody acknowledged within `afterMinutes` of the first message. */
export const escalationSchema = z.strictObject({
  afterMinutes: minutes.min(1),
  recipients: alertRecipientsSchema,
});
export type Escalation = z.infer<typeof escalationSchema>;

export const alertRuleRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  enabled: z.boolean().default(true),
  condition: alertConditionSchema,
  recipients: alertRecipientsSchema,
  escalation: escalationSchema.nullable().default(null),
  quietHours: quietHoursSchema.nullable().default(null),
  /** Also tell the recipients when the problem is over. */
  notifyRecovery: z.boolean().default(true),
});
export type AlertRuleRequest = z.input<typeof alertRuleRequestSchema>;

export const alertRuleDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  condition: alertConditionSchema,
  recipients: alertRecipientsSchema,
  escalation: escalationSchema.nullable(),
  quietHours: quietHoursSchema.nullable(),
  notifyRecovery: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AlertRuleDto = z.infer<typeof alertRuleDtoSchema>;
export const alertRuleListSchema = z.object({ items: z.array(alertRuleDtoSchema) });
export type AlertRuleList = z.infer<typeof alertRuleListSchema>;

// ---- Alerts -----------------------------------------------------------------------------------------------------

export const alertStates = ['open', 'acknowledged', 'resolved'] as const;
export const alertStateSchema = z.enum(alertStates);
export type AlertState = z.infer<typeof alertStateSchema>;

/** Problems that are not a device status. */
export const alertProblems = ['agent_disconnected', 'monitoring_issue', 'monitoring_off', 'plan_overflow'] as const;
/** A device status code, or one of `alertProblems`. */
export const alertProblemSchema = z.union([deviceStatusSchema, z.enum(alertProblems)]);
export type AlertProblem = z.infer<typeof alertProblemSchema>;

export const alertDtoSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  subjectKind: z.enum(['device', 'agent', 'organization']),
  subjectName: z.string(),
  deviceId: z.string().nullable(),
  agentId: z.string().nullable(),
  model: z.string().nullable(),
  locationName: z.string().nullable(),
  problem: alertProblemSchema,
  state: alertStateSchema,
  since: z.string(),
  openedAt: z.string(),
  notifiedAt: z.string().nullable(),
  escalatedAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
});
export type AlertDto = z.infer<typeof alertDtoSchema>;

export const alertListQuerySchema = z.strictObject({
  /** `unresolved`: open and acknowledged. */
  state: z.enum(['unresolved', ...alertStates]).default('unresolved'),
  ...pageFields,
});
export type AlertListQuery = z.input<typeof alertListQuerySchema>;
export const alertListSchema = z.object({
  items: z.array(alertDtoSchema),
  total: z.number().int(),
  page: z.number().int(),
  limit: z.number().int(),
});
export type AlertList = z.infer<typeof alertListSchema>;

/** Acknowledging from the screen takes no fields. */
export const acknowledgeAlertRequestSchema = z.strictObject({});

/** The token of the acknowledge link in a message; the link works once. */
export const acknowledgeLinkRequestSchema = z.strictObject({ token: z.string().min(10).max(512) });
export const acknowledgeLinkResultSchema = z.object({ acknowledged: z.number().int() });
export type AcknowledgeLinkResult = z.infer<typeof acknowledgeLinkResultSchema>;

// ---- Deliveries -------------------------------------------------------------------------------------------------

export const deliveryChannels = ['email', 'sms', 'teams', 'slack'] as const;
export const deliveryChannelSchema = z.enum(deliveryChannels);
export type DeliveryChannel = z.infer<typeof deliveryChannelSchema>;
export const deliveryStatuses = ['queued', 'sending', 'sent', 'failed'] as const;
export const deliveryStatusSchema = z.enum(deliveryStatuses);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

export const deliveryAttemptSchema = z.object({
  at: z.string(),
  outcome: z.enum(['sent', 'failed']),
  error: z.string().optional(),
});
export type DeliveryAttempt = z.infer<typeof deliveryAttemptSchema>;

export const alertDeliveryDtoSchema = z.object({
  id: z.string(),
  channel: deliveryChannelSchema,
  /** The address or number; a webhook shows only its host (the rest of the URL is its secret). */
  target: z.string(),
  recipientLabel: z.string(),
  language: languageSchema,
  subject: z.string(),
  alertCount: z.number().int(),
  status: deliveryStatusSchema,
  attempts: z.number().int(),
  attemptLog: z.array(deliveryAttemptSchema),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  createdAt: z.string(),
});
export type AlertDeliveryDto = z.infer<typeof alertDeliveryDtoSchema>;

export const alertDeliveryListQuerySchema = z.strictObject({
  status: deliveryStatusSchema.optional(),
  ...pageFields,
});
export type AlertDeliveryListQuery = z.input<typeof alertDeliveryListQuerySchema>;
export const alertDeliveryListSchema = z.object({
  items: z.array(alertDeliveryDtoSchema),
  total: z.number().int(),
  page: z.number().int(),
  limit: z.number().int(),
});
export type AlertDeliveryList = z.infer<typeof alertDeliveryListSchema>;

// ---- Maintenance windows ----------------------------------------------------------------------------------------

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const weekdaySchema = z.enum(weekdays);
export type Weekday = z.infer<typeof weekdaySchema>;

export const maintenanceScheduleSchema = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('once'),
      startsAt: z.iso.datetime({ offset: true }),
      endsAt: z.iso.datetime({ offset: true }),
    })
    .refine((value) => Date.parse(value.endsAt) > Date.parse(value.startsAt), {
      message: 'The window ends before it starts.',
      path: ['endsAt'],
    }),
  z.strictObject({
    kind: z.literal('weekly'),
    weekdays: z.array(weekdaySchema).min(1).max(7),
    startTime: clockTime,
    durationMinutes: minutes.min(1),
    timeZone: timeZoneSchema,
  }),
]);
export type MaintenanceSchedule = z.infer<typeof maintenanceScheduleSchema>;

export const maintenanceScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('organization') }),
  /** The location and everything inside it. */
  z.strictObject({ kind: z.literal('location'), locationId: uuid }),
  z.strictObject({ kind: z.literal('device'), deviceId: uuid }),
]);
export type MaintenanceScope = z.infer<typeof maintenanceScopeSchema>;

export const maintenanceWindowRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  scope: maintenanceScopeSchema,
  schedule: maintenanceScheduleSchema,
});
export type MaintenanceWindowRequest = z.input<typeof maintenanceWindowRequestSchema>;

export const maintenanceWindowDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: maintenanceScopeSchema,
  /** The device's or location's name, for display. */
  scopeName: z.string().nullable(),
  schedule: maintenanceScheduleSchema,
  /** In force now. */
  active: z.boolean(),
  createdAt: z.string(),
});
export type MaintenanceWindowDto = z.infer<typeof maintenanceWindowDtoSchema>;
export const maintenanceWindowListSchema = z.object({ items: z.array(maintenanceWindowDtoSchema) });
export type MaintenanceWindowList = z.infer<typeof maintenanceWindowListSchema>;

// ---- Time rules shared by the hub and the web app ---------------------------------------------------------------

/** The weekday and minute of the day of `at` in `timeZone`. */
export function localTimeOf(at: Date, timeZone: string): { weekday: Weekday; minuteOfDay: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((entry) => entry.type === type)?.value ?? '';
  const weekday = part('weekday').toLowerCase().slice(0, 3) as Weekday;
  return { weekday, minuteOfDay: Number(part('hour')) * 60 + Number(part('minute')) };
}

function minutesOf(time: string): number {
  const [hours, mins] = time.split(':');
  return Number(hours) * 60 + Number(mins);
}

/** Whether `at` falls in the quiet hours (local time of their zone; start inclusive, end exclusive). */
export function inQuietHours(quietHours: QuietHours, at: Date): boolean {
  const { minuteOfDay } = localTimeOf(at, quietHours.timeZone);
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  return start < end ? minuteOfDay >= start && minuteOfDay < end : minuteOfDay >= start || minuteOfDay < end;
}

const MINUTES_PER_DAY = 24 * 60;

/** Whether the maintenance window is in force at `at`. A weekly window may run past midnight into the next day. */
export function maintenanceActive(schedule: MaintenanceSchedule, at: Date): boolean {
  if (schedule.kind === 'once') {
    return at.getTime() >= Date.parse(schedule.startsAt) && at.getTime() < Date.parse(schedule.endsAt);
  }
  const { weekday, minuteOfDay } = localTimeOf(at, schedule.timeZone);
  const today = weekdays.indexOf(weekday);
  const start = minutesOf(schedule.startTime);
  // Look back over every day a window that started then could still be running.
  const daysBack = Math.ceil((start + schedule.durationMinutes) / MINUTES_PER_DAY);
  for (let back = 0; back <= daysBack; back += 1) {
    const day = weekdays[(today - back + 7 * 8) % 7]!;
    if (!schedule.weekdays.includes(day)) continue;
    const elapsed = back * MINUTES_PER_DAY + minuteOfDay - start;
    if (elapsed >= 0 && elapsed < schedule.durationMinutes) return true;
  }
  return false;
}

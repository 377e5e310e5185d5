import {
  alertConditionSchema,
  alertProblemSchema,
  alertRecipientsSchema,
  escalationSchema,
  inQuietHours,
  maintenanceActive,
  maintenanceScheduleSchema,
  modelInfo,
  quietHoursSchema,
  type AlertCondition,
  type AlertRecipients,
  type Escalation,
  type QuietHours,
} from '@tutti/protocol';
import type { Db, Queryable, Tx } from '../db/index.ts';
import { countDevices, proAudioDeviceLimit } from '../devices/index.ts';
import type { HubContext } from '../hub-context.ts';
import { composeMessage, enqueueMessages, type Notice, type QueuedMessage } from '../notifications/index.ts';
import { organizationName } from '../orgs/index.ts';
import { emitWebhookEvents, type WebhookEvent } from '../webhooks/index.ts';
import {
  activeMembers,
  agentsDisconnected,
  agentsWithMonitoringProblem,
  devicesMatching,
  listEnabledRules,
  listWindowRows,
  locationSubtree,
  lockPendingAlerts,
  resolveAlertsExcept,
  resolveAlertsOfDisabledRules,
  setAlertTimes,
  upsertOpenAlerts,
  type AlertEventRow,
  type AlertRuleRow,
  type Member,
  type PendingAlert,
  type Subject,
} from './alerts.queries.ts';
import { targetKey, targetsOf, type Target } from './recipients.ts';

interface Rule {
  id: string;
  orgId: string;
  condition: AlertCondition;
  recipients: AlertRecipients;
  escalation: Escalation | null;
  quietHours: QuietHours | null;
  notifyRecovery: boolean;
}

const MINUTE_MS = 60_000;

function parseRule(row: AlertRuleRow): Rule | null {
  const condition = alertConditionSchema.safeParse(row.condition);
  const recipients = alertRecipientsSchema.safeParse(row.recipients);
  const escalation = escalationSchema.nullable().safeParse(row.escalation);
  const quietHours = quietHoursSchema.nullable().safeParse(row.quietHours);
  if (!condition.success || !recipients.success || !escalation.success || !quietHours.success) return null;
  return {
    id: row.id,
    orgId: row.orgId,
    condition: condition.data,
    recipients: recipients.data,
    escalation: escalation.data,
    quietHours: quietHours.data,
    notifyRecovery: row.notifyRecovery,
  };
}

async function planOverflow(db: Queryable, orgId: string, now: Date): Promise<Subject[]> {
  const limit = await proAudioDeviceLimit(db, orgId);
  if (limit === null) return [];
  const managed = (await countDevices(db, orgId))
    .filter((count) => modelInfo(count.model).category === 'pro_audio')
    .reduce((sum, count) => sum + count.count, 0);
  if (managed <= limit) return [];
  return [
    {
      subjectKey: 'organization',
      subjectKind: 'organization',
      deviceId: null,
      agentId: null,
      locationId: null,
      subjectName: await organizationName(db, orgId),
      model: null,
      locationName: null,
      problem: 'plan_overflow',
      since: now,
    },
  ];
}

/** What meets the rule's condition now, read from committed state (never from the live bus). */
function currentSubjects(db: Queryable, rule: Rule, now: Date): Promise<Subject[]> {
  const condition = rule.condition;
  switch (condition.kind) {
    case 'device_status':
      return devicesMatching(db, rule.orgId, {
        statuses: condition.statuses,
        severities: condition.severities,
        models: condition.models,
        locationIds: condition.locationIds,
        since: new Date(now.getTime() - condition.forMinutes * MINUTE_MS),
      });
    case 'agent_disconnected':
      return agentsDisconnected(db, rule.orgId, new Date(now.getTime() - condition.forMinutes * MINUTE_MS));
    case 'monitoring_issue':
      return agentsWithMonitoringProblem(db, rule.orgId, now);
    case 'plan_overflow':
      return planOverflow(db, rule.orgId, now);
  }
}

/** Which devices and locations an organization's maintenance windows cover right now. */
interface Maintenance {
  wholeOrganization: boolean;
  deviceIds: Set<string>;
  locationIds: Set<string>;
}

async function maintenanceNow(db: Queryable, orgId: string, now: Date): Promise<Maintenance> {
  const active = (await listWindowRows(db, orgId)).filter((window) => {
    const schedule = maintenanceScheduleSchema.safeParse(window.schedule);
    return schedule.success && maintenanceActive(schedule.data, now);
  });
  const locationRoots = active.flatMap((window) => (window.locationId ? [window.locationId] : []));
  return {
    wholeOrganization: active.some((window) => !window.locationId && !window.deviceId),
    deviceIds: new Set(active.flatMap((window) => (window.deviceId ? [window.deviceId] : []))),
    locationIds: await locationSubtree(db, orgId, locationRoots),
  };
}

function underMaintenance(maintenance: Maintenance, alert: PendingAlert): boolean {
  return (
    maintenance.wholeOrganization ||
    (alert.deviceId !== null && maintenance.deviceIds.has(alert.deviceId)) ||
    (alert.locationId !== null && maintenance.locationIds.has(alert.locationId))
  );
}

/** Who gets which notices: grouped per target, so each recipient gets one message per tick. */
class Outbox {
  private readonly byTarget = new Map<string, { target: Target; notices: Notice[] }>();

  add(targets: Target[], notice: Notice): void {
    for (const target of targets) {
      const key = targetKey(target);
      const entry = this.byTarget.get(key) ?? { target, notices: [] };
      entry.notices.push(notice);
      this.byTarget.set(key, entry);
    }
  }

  messages(orgId: string, organization: string): QueuedMessage[] {
    return [...this.byTarget.values()].map(({ target, notices }) => {
      const composed = composeMessage(target.language, organization, notices);
      return {
        orgId,
        channel: target.channel,
        target: target.target,
        recipientLabel: target.label,
        language: target.language,
        subject: composed.subject,
        body: composed.body,
        alertIds: [...new Set(notices.map((notice) => notice.alertId))],
        ackAlertIds: [
          ...new Set(notices.filter((notice) => notice.kind !== 'recovery').map((notice) => notice.alertId)),
        ],
      };
    });
  }
}

/**
 * Whether new problems are still coming in: the newest opened less than `groupWaitMs` ago, and the oldest waited
 * less than five times that. Until then they wait, so one storm makes one message however many ticks it spans.
 */
function stillArriving(pending: PendingAlert[], now: Date, groupWaitMs: number): boolean {
  const waiting = pending.filter((alert) => alert.state === 'open' && alert.notifiedAt === null);
  if (waiting.length === 0 || groupWaitMs === 0) return false;
  const ages = waiting.map((alert) => now.getTime() - alert.openedAt.getTime());
  const youngest = ages.reduce((min, age) => Math.min(min, age));
  const oldest = ages.reduce((max, age) => Math.max(max, age));
  return youngest < groupWaitMs && oldest < 5 * groupWaitMs;
}

/**
 * Decides, in one transaction, which of an organization's alerts to tell about now and queues the grouped messages
 * with the alerts marked as told, so a crash loses nothing and sends nothing twice. Quiet hours and maintenance
 * windows hold messages back; they go out at the first tick after.
 */
async function notifyOrganization(
  tx: Tx,
  orgId: string,
  rules: Map<string, Rule>,
  now: Date,
  groupWaitMs: number,
): Promise<number> {
  const pending = await lockPendingAlerts(tx, orgId);
  if (pending.length === 0) return 0;
  const holdNewProblems = stillArriving(pending, now, groupWaitMs);
  const maintenance = await maintenanceNow(tx, orgId, now);
  const members: Member[] = await activeMembers(tx, orgId);
  const outbox = new Outbox();
  const notified: string[] = [];
  const escalated: string[] = [];
  const recovered: string[] = [];
  const closedSilently: string[] = [];

  for (const alert of pending) {
    const rule = rules.get(alert.ruleId);
    if (!rule) continue;
    if (rule.quietHours && inQuietHours(rule.quietHours, now)) continue;
    const problem = alertProblemSchema.catch('down').parse(alert.problem);
    const notice = (kind: Notice['kind']): Notice => ({
      kind,
      alertId: alert.id,
      subjectName: alert.subjectName,
      locationName: alert.locationName,
      problem,
    });

    if (alert.state === 'resolved') {
      const heldByQuietHours = rule.quietHours !== null && inQuietHours(rule.quietHours, alert.openedAt);
      if (alert.notifiedAt !== null || heldByQuietHours) {
        // Told about the problem (or it came and went in the quiet hours): say it is over.
        if (rule.notifyRecovery) outbox.add(targetsOf(rule.recipients, members), notice('recovery'));
        recovered.push(alert.id);
      } else {
        closedSilently.push(alert.id);
      }
      continue;
    }
    if (underMaintenance(maintenance, alert)) continue;
    if (alert.notifiedAt === null) {
      if (alert.state === 'open' && !holdNewProblems) {
        outbox.add(targetsOf(rule.recipients, members), notice('problem'));
        notified.push(alert.id);
      }
      continue;
    }
    const escalation = rule.escalation;
    if (
      escalation &&
      alert.state === 'open' &&
      now.getTime() - alert.notifiedAt.getTime() >= escalation.afterMinutes * MINUTE_MS
    ) {
      outbox.add(targetsOf(escalation.recipients, members), notice('escalation'));
      escalated.push(alert.id);
    }
  }

  await setAlertTimes(tx, notified, { notifiedAt: now });
  await setAlertTimes(tx, escalated, { escalatedAt: now });
  await setAlertTimes(tx, recovered, { recoveryNotifiedAt: now });
  await setAlertTimes(tx, closedSilently, { recoveryNotifiedAt: now });
  const messages = outbox.messages(orgId, await organizationName(tx, orgId));
  await enqueueMessages(tx, messages, now);
  return messages.length;
}

function alertWebhookEvent(
  type: 'alert.raised' | 'alert.resolved',
  alert: AlertEventRow,
  occurredAt: Date,
): WebhookEvent {
  return {
    type,
    occurredAt,
    data: {
      alert: {
        id: alert.id,
        ruleId: alert.ruleId,
        subject: {
          kind: alert.subjectKind,
          name: alert.subjectName,
          deviceId: alert.deviceId,
          agentId: alert.agentId,
          model: alert.model,
        },
        location: alert.locationName,
        problem: alert.problem,
        since: alert.since.toISOString(),
        openedAt: alert.openedAt.toISOString(),
        resolvedAt: alert.resolvedAt?.toISOString() ?? null,
      },
    },
  };
}

export interface EvaluationRun {
  rules: number;
  messagesQueued: number;
}

/**
 * The alert tick: for every enabled rule, opens alerts for what meets its condition and resolves the rest, then
 * queues the messages each organization's alerts call for. Everything is derived from committed state in the
 * database, so a tick after a restart (or on another node) picks up exactly where the last one stopped.
 */
export async function evaluateAlerts(context: HubContext): Promise<EvaluationRun> {
  const db: Db = context.db;
  const now = context.clock.now();
  await resolveAlertsOfDisabledRules(db, now);
  const rules = new Map<string, Rule>();
  for (const row of await listEnabledRules(db)) {
    const rule = parseRule(row);
    if (!rule) {
      context.log.warn({ rule: row.id }, 'alert rule does not match the rule schema; skipped');
      continue;
    }
    rules.set(rule.id, rule);
    const subjects = await currentSubjects(db, rule, now);
    const { opened, resolved } = await db.transaction(async (tx) => ({
      opened: await upsertOpenAlerts(tx, rule.orgId, rule.id, subjects, now),
      resolved: await resolveAlertsExcept(
        tx,
        rule.id,
        subjects.map((subject) => subject.subjectKey),
        now,
      ),
    }));
    // After the commit: a subscriber never hears of an alert the database does not hold.
    await emitWebhookEvents(context, rule.orgId, [
      ...opened.map((alert) => alertWebhookEvent('alert.raised', alert, alert.openedAt)),
      ...resolved.map((alert) => alertWebhookEvent('alert.resolved', alert, alert.resolvedAt ?? now)),
    ]);
  }
  let messagesQueued = 0;
  for (const orgId of new Set([...rules.values()].map((rule) => rule.orgId))) {
    messagesQueued += await db.transaction((tx) =>
      notifyOrganization(tx, orgId, rules, now, context.config.alerts.groupWaitSeconds * 1000),
    );
  }
  return { rules: rules.size, messagesQueued };
}

import {
  alertConditionSchema,
  alertProblemSchema,
  alertRecipientsSchema,
  appError,
  escalationSchema,
  isLoopbackWebhookUrl,
  maintenanceActive,
  maintenanceScheduleSchema,
  quietHoursSchema,
  type AcknowledgeLinkResult,
  type AlertDto,
  type AlertList,
  type alertListQuerySchema,
  type AlertRecipients,
  type AlertRuleDto,
  type alertRuleRequestSchema,
  type AlertRuleList,
  type MaintenanceScope,
  type MaintenanceWindowDto,
  type maintenanceWindowRequestSchema,
  type MaintenanceWindowList,
} from '@tutti/protocol';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import type { AuthContext, ClientInfo } from '../auth/index.ts';
import type { HubConfig } from '../config/hub-config.ts';
import { withTenant, type Tx } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { readAcknowledgeLink, useAcknowledgeLink } from '../notifications/index.ts';
import {
  acknowledgeOpenAlerts,
  deleteRule,
  deleteWindow,
  deviceInOrg,
  findAlert,
  findRule,
  insertRule,
  insertWindow,
  listAlerts as listAlertRows,
  listRules,
  listWindows,
  locationInOrg,
  membersAmong,
  updateRule,
  type AlertRuleRow,
  type AlertWithRule,
  type MaintenanceWindowWithNames,
} from './alerts.queries.ts';

export type AlertRuleInput = z.output<typeof alertRuleRequestSchema>;
export type MaintenanceWindowInput = z.output<typeof maintenanceWindowRequestSchema>;

export function toAlertRuleDto(row: AlertRuleRow): AlertRuleDto {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    condition: alertConditionSchema.parse(row.condition),
    recipients: alertRecipientsSchema.parse(row.recipients),
    escalation: escalationSchema.nullable().parse(row.escalation),
    quietHours: quietHoursSchema.nullable().parse(row.quietHours),
    notifyRecovery: row.notifyRecovery,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toAlertDto({ alert, ruleName }: AlertWithRule): AlertDto {
  return {
    id: alert.id,
    ruleId: alert.ruleId,
    ruleName,
    subjectKind: alert.subjectKind,
    subjectName: alert.subjectName,
    deviceId: alert.deviceId,
    agentId: alert.agentId,
    model: alert.model,
    locationName: alert.locationName,
    problem: alertProblemSchema.catch('down').parse(alert.problem),
    state: alert.state,
    since: alert.since.toISOString(),
    openedAt: alert.openedAt.toISOString(),
    notifiedAt: alert.notifiedAt?.toISOString() ?? null,
    escalatedAt: alert.escalatedAt?.toISOString() ?? null,
    acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: alert.acknowledgedByLabel,
    resolvedAt: alert.resolvedAt?.toISOString() ?? null,
  };
}

function scopeOf(window: MaintenanceWindowWithNames['window']): MaintenanceScope {
  if (window.deviceId) return { kind: 'device', deviceId: window.deviceId };
  if (window.locationId) return { kind: 'location', locationId: window.locationId };
  return { kind: 'organization' };
}

export function toMaintenanceWindowDto(row: MaintenanceWindowWithNames, now: Date): MaintenanceWindowDto {
  const schedule = maintenanceScheduleSchema.parse(row.window.schedule);
  return {
    id: row.window.id,
    name: row.window.name,
    scope: scopeOf(row.window),
    scopeName: row.deviceName ?? row.locationName ?? null,
    schedule,
    active: maintenanceActive(schedule, now),
    createdAt: row.window.createdAt.toISOString(),
  };
}

// ---- Rules ------------------------------------------------------------------------------------------------------

/** Members named in the recipients must belong to the organization; loopback webhooks only where the hub allows. */
async function checkRecipients(tx: Tx, orgId: string, recipients: AlertRecipients, config: HubConfig): Promise<void> {
  const known = new Set(await membersAmong(tx, orgId, recipients.userIds));
  const unknown = recipients.userIds.filter((id) => !known.has(id));
  if (unknown.length > 0) throw appError('ALERT_RECIPIENT_UNKNOWN', { userIds: unknown });
  const webhooks = [...recipients.teamsWebhooks, ...recipients.slackWebhooks];
  if (!config.alerts.allowLoopbackWebhooks && webhooks.some(isLoopbackWebhookUrl)) {
    throw appError('WEBHOOK_URL_NOT_ALLOWED');
  }
}

async function checkRule(tx: Tx, orgId: string, input: AlertRuleInput, config: HubConfig): Promise<void> {
  await checkRecipients(tx, orgId, input.recipients, config);
  if (input.escalation) await checkRecipients(tx, orgId, input.escalation.recipients, config);
}

function ruleAudit(row: AlertRuleRow) {
  return { name: row.name, enabled: row.enabled, condition: row.condition, notifyRecovery: row.notifyRecovery };
}

export async function listAlertRules(tx: Tx, orgId: string): Promise<AlertRuleList> {
  return { items: (await listRules(tx, orgId)).map(toAlertRuleDto) };
}

export async function createAlertRule(
  tx: Tx,
  auth: AuthContext,
  input: AlertRuleInput,
  config: HubConfig,
  client: ClientInfo,
  now: Date,
): Promise<AlertRuleDto> {
  await checkRule(tx, auth.orgId, input, config);
  const row = await insertRule(tx, { orgId: auth.orgId, ...input, createdAt: now, updatedAt: now });
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'alert_rule.create',
    target: `alert_rule:${row.id}`,
    after: ruleAudit(row),
    ip: client.ip,
  });
  return toAlertRuleDto(row);
}

export async function replaceAlertRule(
  tx: Tx,
  auth: AuthContext,
  id: string,
  input: AlertRuleInput,
  config: HubConfig,
  client: ClientInfo,
  now: Date,
): Promise<AlertRuleDto> {
  const before = await findRule(tx, auth.orgId, id);
  if (!before) throw appError('ALERT_RULE_NOT_FOUND', { id });
  await checkRule(tx, auth.orgId, input, config);
  const row = (await updateRule(tx, auth.orgId, id, { ...input, updatedAt: now }))!;
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'alert_rule.update',
    target: `alert_rule:${id}`,
    before: ruleAudit(before),
    after: ruleAudit(row),
    ip: client.ip,
  });
  return toAlertRuleDto(row);
}

export async function removeAlertRule(tx: Tx, auth: AuthContext, id: string, client: ClientInfo): Promise<void> {
  const before = await findRule(tx, auth.orgId, id);
  if (!before || !(await deleteRule(tx, auth.orgId, id))) throw appError('ALERT_RULE_NOT_FOUND', { id });
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'alert_rule.delete',
    target: `alert_rule:${id}`,
    before: ruleAudit(before),
    ip: client.ip,
  });
}

// ---- Alerts -----------------------------------------------------------------------------------------------------

export async function listAlerts(
  tx: Tx,
  orgId: string,
  query: z.output<typeof alertListQuerySchema>,
): Promise<AlertList> {
  const result = await listAlertRows(tx, orgId, query.state, query.page, query.limit);
  return { items: result.items.map(toAlertDto), total: result.total, page: query.page, limit: query.limit };
}

/** Marks an alert as seen: it is no longer escalated. Acknowledging an acknowledged alert changes nothing. */
export async function acknowledgeAlert(
  tx: Tx,
  auth: AuthContext,
  id: string,
  client: ClientInfo,
  now: Date,
): Promise<AlertDto> {
  const before = await findAlert(tx, auth.orgId, id);
  if (!before) throw appError('ALERT_NOT_FOUND', { id });
  if (before.alert.state === 'resolved') throw appError('ALERT_RESOLVED', { id });
  if (before.alert.state === 'open') {
    await acknowledgeOpenAlerts(tx, auth.orgId, [id], auth.email, now);
    await recordAudit(tx, {
      orgId: auth.orgId,
      actorUserId: auth.userId,
      actorLabel: auth.email,
      action: 'alert.acknowledge',
      target: `alert:${id}`,
      ip: client.ip,
    });
  }
  return toAlertDto((await findAlert(tx, auth.orgId, id))!);
}

/**
 * The acknowledge link of a message: works once, without signing in (the sealed token is the proof), and
 * acknowledges the message's alerts that are still open.
 */
export async function acknowledgeByLink(
  context: HubContext,
  token: string,
  client: ClientInfo,
): Promise<AcknowledgeLinkResult> {
  const link = await readAcknowledgeLink(context, context.db, token);
  return withTenant(context.db, [link.orgId], async (tx) => {
    const now = context.clock.now();
    const use = await useAcknowledgeLink(tx, link, now);
    const label = `link:${use.recipientLabel}`;
    const acknowledged = await acknowledgeOpenAlerts(tx, link.orgId, use.alertIds, label, now);
    await recordAudit(tx, {
      orgId: link.orgId,
      actorUserId: null,
      actorLabel: label,
      action: 'alert.acknowledge_link',
      target: `alert_delivery:${link.deliveryId}`,
      after: { alertIds: acknowledged },
      ip: client.ip,
    });
    return { acknowledged: acknowledged.length };
  });
}

// ---- Maintenance windows ----------------------------------------------------------------------------------------

export async function listMaintenanceWindows(tx: Tx, orgId: string, now: Date): Promise<MaintenanceWindowList> {
  return { items: (await listWindows(tx, orgId)).map((row) => toMaintenanceWindowDto(row, now)) };
}

export async function createMaintenanceWindow(
  tx: Tx,
  auth: AuthContext,
  input: MaintenanceWindowInput,
  client: ClientInfo,
  now: Date,
): Promise<MaintenanceWindowDto> {
  const { scope } = input;
  if (scope.kind === 'device' && !(await deviceInOrg(tx, auth.orgId, scope.deviceId))) {
    throw appError('DEVICE_NOT_FOUND', { id: scope.deviceId });
  }
  if (scope.kind === 'location' && !(await locationInOrg(tx, auth.orgId, scope.locationId))) {
    throw appError('LOCATION_NOT_FOUND', { id: scope.locationId });
  }
  const { id } = await insertWindow(tx, {
    orgId: auth.orgId,
    name: input.name,
    deviceId: scope.kind === 'device' ? scope.deviceId : null,
    locationId: scope.kind === 'location' ? scope.locationId : null,
    schedule: input.schedule,
    createdAt: now,
  });
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'maintenance_window.create',
    target: `maintenance_window:${id}`,
    after: input,
    ip: client.ip,
  });
  const created = (await listWindows(tx, auth.orgId)).find((row) => row.window.id === id)!;
  return toMaintenanceWindowDto(created, now);
}

export async function removeMaintenanceWindow(
  tx: Tx,
  auth: AuthContext,
  id: string,
  client: ClientInfo,
): Promise<void> {
  const removed = await deleteWindow(tx, auth.orgId, id);
  if (!removed) throw appError('MAINTENANCE_WINDOW_NOT_FOUND', { id });
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'maintenance_window.delete',
    target: `maintenance_window:${id}`,
    before: { name: removed.name, schedule: removed.schedule },
    ip: client.ip,
  });
}

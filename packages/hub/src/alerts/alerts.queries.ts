import { and, asc, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/index.ts';
import { alertRules, alerts, devices, locations, maintenanceWindows, memberships, users } from '../db/schema.ts';

/**
 * The alerts feature's tables, and the read-only views of devices, agents, locations and people its evaluator needs
 * every tick across all organizations (one query per rule instead of a service call per device).
 */

export type AlertRuleRow = typeof alertRules.$inferSelect;
export type AlertRow = typeof alerts.$inferSelect;
export type MaintenanceWindowRow = typeof maintenanceWindows.$inferSelect;

// ---- Rules ------------------------------------------------------------------------------------------------------

export function listRules(db: Queryable, orgId: string) {
  return db
    .select()
    .from(alertRules)
    .where(eq(alertRules.orgId, orgId))
    .orderBy(asc(alertRules.name), asc(alertRules.id));
}

export async function findRule(db: Queryable, orgId: string, id: string): Promise<AlertRuleRow | null> {
  const [row] = await db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.orgId, orgId), eq(alertRules.id, id)));
  return row ?? null;
}

export async function insertRule(db: Queryable, values: typeof alertRules.$inferInsert): Promise<AlertRuleRow> {
  const [row] = await db.insert(alertRules).values(values).returning();
  return row!;
}

export async function updateRule(
  db: Queryable,
  orgId: string,
  id: string,
  values: Partial<typeof alertRules.$inferInsert>,
): Promise<AlertRuleRow | null> {
  const [row] = await db
    .update(alertRules)
    .set(values)
    .where(and(eq(alertRules.orgId, orgId), eq(alertRules.id, id)))
    .returning();
  return row ?? null;
}

export async function deleteRule(db: Queryable, orgId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(alertRules)
    .where(and(eq(alertRules.orgId, orgId), eq(alertRules.id, id)))
    .returning({ id: alertRules.id });
  return rows.length > 0;
}

/** Every enabled rule of every organization: what the evaluator checks each tick. */
export function listEnabledRules(db: Queryable) {
  return db.select().from(alertRules).where(eq(alertRules.enabled, true)).orderBy(asc(alertRules.orgId));
}

// ---- Current state the evaluator reads --------------------------------------------------------------------------

/** A device, agent or organization that meets a rule's condition now. */
export interface Subject {
  subjectKey: string;
  subjectKind: 'device' | 'agent' | 'organization';
  deviceId: string | null;
  agentId: string | null;
  locationId: string | null;
  subjectName: string;
  model: string | null;
  locationName: string | null;
  problem: string;
  since: Date;
}

const csv = (values: readonly string[]) => values.join(',');
/** Rows per statement when writing many alerts at once. */
const WRITE_BATCH = 1000;

export interface DeviceConditionFilter {
  statuses: readonly string[];
  severities: readonly string[];
  models: readonly string[];
  locationIds: readonly string[];
  /** Only statuses that began at or before this instant. */
  since: Date;
}

export async function devicesMatching(db: Queryable, orgId: string, filter: DeviceConditionFilter): Promise<Subject[]> {
  const result = await db.execute(sql`
    WITH RECURSIVE scope(id) AS (
      SELECT id FROM locations
      WHERE org_id = ${orgId}::uuid AND id = ANY(string_to_array(${csv(filter.locationIds)}, ',')::uuid[])
      UNION SELECT child.id FROM locations child JOIN scope ON child.parent_id = scope.id
    )
    SELECT d.id, d.name, d.model, d.status, d.status_since, d.location_id, l.name AS location_name
    FROM devices d LEFT JOIN locations l ON l.id = d.location_id
    WHERE d.org_id = ${orgId}::uuid
      AND (d.status = ANY(string_to_array(${csv(filter.statuses)}, ','))
        OR d.severity = ANY(string_to_array(${csv(filter.severities)}, ',')))
      AND (${filter.models.length === 0} OR d.model = ANY(string_to_array(${csv(filter.models)}, ',')))
      AND (${filter.locationIds.length === 0} OR d.location_id IN (SELECT id FROM scope))
      AND d.status_since <= ${filter.since.toISOString()}::timestamptz`);
  return rowsOf<{
    id: string;
    name: string;
    model: string;
    status: string;
    status_since: string | Date;
    location_id: string | null;
    location_name: string | null;
  }>(result).map((row) => ({
    subjectKey: `device:${row.id}`,
    subjectKind: 'device',
    deviceId: row.id,
    agentId: null,
    locationId: row.location_id,
    subjectName: row.name,
    model: row.model,
    locationName: row.location_name,
    problem: row.status,
    since: new Date(row.status_since),
  }));
}

/** Enabled agents that once connected and have been disconnected since at or before `since`. */
export async function agentsDisconnected(db: Queryable, orgId: string, since: Date): Promise<Subject[]> {
  const result = await db.execute(sql`
    SELECT id, name, last_seen_at FROM agents
    WHERE org_id = ${orgId}::uuid AND NOT connected AND disabled_at IS NULL AND last_connected_at IS NOT NULL
      AND last_seen_at <= ${since.toISOString()}::timestamptz`);
  return rowsOf<{ id: string; name: string; last_seen_at: string | Date }>(result).map((row) => ({
    subjectKey: `agent:${row.id}`,
    subjectKind: 'agent',
    deviceId: null,
    agentId: row.id,
    locationId: null,
    subjectName: row.name,
    model: null,
    locationName: null,
    problem: 'agent_disconnected',
    since: new Date(row.last_seen_at),
  }));
}

/** Connected agents whose monitoring system reports an issue or is off. */
export async function agentsWithMonitoringProblem(db: Queryable, orgId: string, now: Date): Promise<Subject[]> {
  const result = await db.execute(sql`
    SELECT id, name, monitoring FROM agents
    WHERE org_id = ${orgId}::uuid AND connected AND disabled_at IS NULL AND monitoring IN ('issue', 'off')`);
  return rowsOf<{ id: string; name: string; monitoring: 'issue' | 'off' }>(result).map((row) => ({
    subjectKey: `agent:${row.id}`,
    subjectKind: 'agent',
    deviceId: null,
    agentId: row.id,
    locationId: null,
    subjectName: row.name,
    model: null,
    locationName: null,
    problem: `monitoring_${row.monitoring}`,
    since: now,
  }));
}

export interface Member {
  userId: string;
  name: string;
  email: string;
  language: string;
  smsNumber: string | null;
  role: string;
}

/** Active, registered people of an organization: who a rule's roles and names stand for. */
export function activeMembers(db: Queryable, orgId: string): Promise<Member[]> {
  return db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      language: users.language,
      smsNumber: users.smsNumber,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), sql`${memberships.disabledAt} IS NULL`, eq(users.status, 'registered')));
}

export async function membersAmong(db: Queryable, orgId: string, userIds: readonly string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), inArray(memberships.userId, [...userIds])));
  return rows.map((row) => row.userId);
}

/** The given locations and every location inside them. */
export async function locationSubtree(db: Queryable, orgId: string, roots: readonly string[]): Promise<Set<string>> {
  if (roots.length === 0) return new Set();
  const result = await db.execute(sql`
    WITH RECURSIVE scope(id) AS (
      SELECT id FROM locations WHERE org_id = ${orgId}::uuid AND id = ANY(string_to_array(${csv(roots)}, ',')::uuid[])
      UNION SELECT child.id FROM locations child JOIN scope ON child.parent_id = scope.id
    )
    SELECT id FROM scope`);
  return new Set(rowsOf<{ id: string }>(result).map((row) => row.id));
}

// ---- Alerts -----------------------------------------------------------------------------------------------------

/**
 * Opens an alert for each subject without an unresolved one for the rule; an unresolved one keeps its history and
 * takes the current problem (a device that went from Down to OVERHEATING! stays one alert).
 */
/** What the alert webhooks (`alert.raised`, `alert.resolved`) tell about an alert. */
const alertEventColumns = {
  id: alerts.id,
  ruleId: alerts.ruleId,
  subjectKind: alerts.subjectKind,
  subjectName: alerts.subjectName,
  deviceId: alerts.deviceId,
  agentId: alerts.agentId,
  model: alerts.model,
  locationName: alerts.locationName,
  problem: alerts.problem,
  since: alerts.since,
  openedAt: alerts.openedAt,
  resolvedAt: alerts.resolvedAt,
};
export type AlertEventRow = { [K in keyof typeof alertEventColumns]: (typeof alerts.$inferSelect)[K] };

/** Opens an alert per subject that has none unresolved (updating the problem of those that do); returns the new ones. */
export async function upsertOpenAlerts(
  db: Queryable,
  orgId: string,
  ruleId: string,
  subjects: Subject[],
  now: Date,
): Promise<AlertEventRow[]> {
  const opened: AlertEventRow[] = [];
  // A storm can reach thousands of devices; batches keep each statement under PostgreSQL's 65535 parameters.
  for (let start = 0; start < subjects.length; start += WRITE_BATCH) {
    const rows = await db
      .insert(alerts)
      .values(
        subjects.slice(start, start + WRITE_BATCH).map((subject) => ({ ...subject, orgId, ruleId, openedAt: now })),
      )
      .onConflictDoUpdate({
        target: [alerts.ruleId, alerts.subjectKey],
        targetWhere: sql`${alerts.state} <> 'resolved'`,
        set: { problem: sql`excluded.problem` },
      })
      // xmax is 0 on a row this statement inserted, not on one it updated.
      .returning({ ...alertEventColumns, inserted: sql<boolean>`(xmax = 0)` });
    for (const { inserted, ...row } of rows) if (inserted) opened.push(row);
  }
  return opened;
}

/** Resolves the rule's unresolved alerts whose subject no longer meets the condition; returns them. */
export async function resolveAlertsExcept(
  db: Queryable,
  ruleId: string,
  keep: string[],
  now: Date,
): Promise<AlertEventRow[]> {
  // The keys that still hold travel as one parameter, however many there are.
  return db
    .update(alerts)
    .set({ state: 'resolved', resolvedAt: now })
    .where(
      and(
        eq(alerts.ruleId, ruleId),
        ne(alerts.state, 'resolved'),
        sql`${alerts.subjectKey} <> ALL(string_to_array(${csv(keep)}, ','))`,
      ),
    )
    .returning(alertEventColumns);
}

/** A disabled rule's alerts end without a message (nobody asked to hear about them any more). */
export async function resolveAlertsOfDisabledRules(db: Queryable, now: Date): Promise<void> {
  await db.execute(sql`
    UPDATE alerts SET state = 'resolved', resolved_at = ${now.toISOString()}::timestamptz,
      recovery_notified_at = ${now.toISOString()}::timestamptz
    FROM alert_rules r
    WHERE r.id = alerts.rule_id AND NOT r.enabled AND alerts.state <> 'resolved'`);
}

export interface PendingAlert {
  id: string;
  ruleId: string;
  deviceId: string | null;
  locationId: string | null;
  subjectName: string;
  locationName: string | null;
  problem: string;
  state: 'open' | 'acknowledged' | 'resolved';
  openedAt: Date;
  notifiedAt: Date | null;
}

/**
 * Alerts of an organization that may need a message: never told, due for escalation, or resolved without a recovery
 * message yet. Locked for the notifying transaction; rows another node is handling are skipped.
 */
export async function lockPendingAlerts(db: Queryable, orgId: string): Promise<PendingAlert[]> {
  const result = await db.execute(sql`
    SELECT a.id, a.rule_id, a.device_id, a.location_id, a.subject_name, a.location_name, a.problem, a.state,
      a.opened_at, a.notified_at
    FROM alerts a JOIN alert_rules r ON r.id = a.rule_id
    WHERE a.org_id = ${orgId}::uuid AND r.enabled AND (
      (a.state = 'open' AND a.notified_at IS NULL)
      OR (a.state = 'open' AND r.escalation IS NOT NULL AND a.escalated_at IS NULL)
      OR (a.state = 'resolved' AND a.recovery_notified_at IS NULL)
    )
    ORDER BY a.opened_at
    FOR UPDATE OF a SKIP LOCKED`);
  return rowsOf<{
    id: string;
    rule_id: string;
    device_id: string | null;
    location_id: string | null;
    subject_name: string;
    location_name: string | null;
    problem: string;
    state: PendingAlert['state'];
    opened_at: string | Date;
    notified_at: string | Date | null;
  }>(result).map((row) => ({
    id: row.id,
    ruleId: row.rule_id,
    deviceId: row.device_id,
    locationId: row.location_id,
    subjectName: row.subject_name,
    locationName: row.location_name,
    problem: row.problem,
    state: row.state,
    openedAt: new Date(row.opened_at),
    notifiedAt: row.notified_at === null ? null : new Date(row.notified_at),
  }));
}

export async function setAlertTimes(
  db: Queryable,
  ids: string[],
  values: Partial<Pick<AlertRow, 'notifiedAt' | 'escalatedAt' | 'recoveryNotifiedAt'>>,
): Promise<void> {
  for (let start = 0; start < ids.length; start += WRITE_BATCH) {
    await db
      .update(alerts)
      .set(values)
      .where(inArray(alerts.id, ids.slice(start, start + WRITE_BATCH)));
  }
}

const alertColumns = {
  alert: alerts,
  ruleName: alertRules.name,
};

function stateCondition(state: 'unresolved' | AlertRow['state']): SQL {
  return state === 'unresolved' ? ne(alerts.state, 'resolved') : eq(alerts.state, state);
}

export async function listAlerts(
  db: Queryable,
  orgId: string,
  state: 'unresolved' | AlertRow['state'],
  page: number,
  limit: number,
) {
  const where = and(eq(alerts.orgId, orgId), stateCondition(state));
  const items = await db
    .select(alertColumns)
    .from(alerts)
    .innerJoin(alertRules, eq(alertRules.id, alerts.ruleId))
    .where(where)
    .orderBy(desc(alerts.openedAt), asc(alerts.id))
    .limit(limit)
    .offset((page - 1) * limit);
  const [row] = await db
    .select({ total: sql<number>`count(*)::int` })
    .from(alerts)
    .where(where);
  return { items, total: row?.total ?? 0 };
}

export async function findAlert(db: Queryable, orgId: string, id: string) {
  const [row] = await db
    .select(alertColumns)
    .from(alerts)
    .innerJoin(alertRules, eq(alertRules.id, alerts.ruleId))
    .where(and(eq(alerts.orgId, orgId), eq(alerts.id, id)));
  return row ?? null;
}

export type AlertWithRule = NonNullable<Awaited<ReturnType<typeof findAlert>>>;

/** Acknowledges those of the given alerts that are open; answers the ids it changed. */
export async function acknowledgeOpenAlerts(
  db: Queryable,
  orgId: string,
  ids: string[],
  by: string,
  at: Date,
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .update(alerts)
    .set({ state: 'acknowledged', acknowledgedAt: at, acknowledgedByLabel: by })
    .where(and(eq(alerts.orgId, orgId), inArray(alerts.id, ids), eq(alerts.state, 'open')))
    .returning({ id: alerts.id });
  return rows.map((row) => row.id);
}

// ---- Maintenance windows ----------------------------------------------------------------------------------------

const windowColumns = {
  window: maintenanceWindows,
  deviceName: devices.name,
  locationName: locations.name,
};

export function listWindows(db: Queryable, orgId: string) {
  return db
    .select(windowColumns)
    .from(maintenanceWindows)
    .leftJoin(devices, eq(devices.id, maintenanceWindows.deviceId))
    .leftJoin(locations, eq(locations.id, maintenanceWindows.locationId))
    .where(eq(maintenanceWindows.orgId, orgId))
    .orderBy(asc(maintenanceWindows.name), asc(maintenanceWindows.id));
}

export function listWindowRows(db: Queryable, orgId: string): Promise<MaintenanceWindowRow[]> {
  return db.select().from(maintenanceWindows).where(eq(maintenanceWindows.orgId, orgId));
}

export type MaintenanceWindowWithNames = Awaited<ReturnType<typeof listWindows>>[number];

export async function insertWindow(db: Queryable, values: typeof maintenanceWindows.$inferInsert) {
  const [row] = await db.insert(maintenanceWindows).values(values).returning({ id: maintenanceWindows.id });
  return row!;
}

export async function deleteWindow(db: Queryable, orgId: string, id: string) {
  const [row] = await db
    .delete(maintenanceWindows)
    .where(and(eq(maintenanceWindows.orgId, orgId), eq(maintenanceWindows.id, id)))
    .returning();
  return row ?? null;
}

export async function deviceInOrg(db: Queryable, orgId: string, id: string): Promise<boolean> {
  const [row] = await db
    .select({ id: devices.id })
    .from(devices)
    .where(and(eq(devices.orgId, orgId), eq(devices.id, id)));
  return row !== undefined;
}

export async function locationInOrg(db: Queryable, orgId: string, id: string): Promise<boolean> {
  const [row] = await db
    .select({ id: locations.id })
    .from(locations)
    .where(and(eq(locations.orgId, orgId), eq(locations.id, id)));
  return row !== undefined;
}

import { and, asc, desc, eq, getTableColumns, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { DeviceStatus, Severity } from '@tutti/protocol';
import { rowsOf, type Queryable } from '../db/index.ts';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { agents, deviceEvents, devices } from '../db/schema.ts';

export type DeviceRow = typeof devices.$inferSelect & { agentName: string | null };

const deviceColumns = { ...getTableColumns(devices), agentName: agents.name };

export interface DeviceFilter {
  orgId: string;
  q?: string;
  /** Model codes whose product name matches `q`, so "pro 2 128" finds CONVERGE_PRO_2_128. */
  modelsMatchingQ?: string[];
  statuses?: DeviceStatus[];
  severity?: Severity;
}

function filterConditions(filter: DeviceFilter, withStatus: boolean): SQL {
  const conditions: SQL[] = [eq(devices.orgId, filter.orgId)];
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
    const matches: SQL[] = [
      ilike(devices.name, pattern),
      ilike(devices.serial, pattern),
      ilike(devices.firmware, pattern),
      ilike(devices.accessIp, pattern),
      ilike(devices.mac, pattern),
      ilike(devices.stack, pattern),
    ];
    if (filter.modelsMatchingQ?.length) matches.push(inArray(devices.model, filter.modelsMatchingQ));
    conditions.push(or(...matches)!);
  }
  if (withStatus && filter.statuses?.length) conditions.push(inArray(devices.status, filter.statuses));
  if (withStatus && filter.severity) conditions.push(eq(devices.severity, filter.severity));
  return and(...conditions)!;
}

const severityRank = sql`CASE ${devices.severity} WHEN 'down' THEN 0 WHEN 'issue' THEN 1 ELSE 2 END`;

function orderBy(sort: string): SQL[] {
  const descending = sort.startsWith('-');
  const field = descending ? sort.slice(1) : sort;
  const direction = (column: SQL | AnyPgColumn) => (descending ? desc(column) : asc(column));
  const columns: Record<string, Array<SQL | AnyPgColumn>> = {
    status: [severityRank, devices.status],
    model: [devices.model],
    name: [devices.name],
    serial: [devices.serial],
    firmware: [devices.firmware],
    accessIp: [sql`${devices.accessIp}::inet`],
    statusSince: [devices.statusSince],
    connection: [agents.name, devices.subnet, devices.stack, devices.clink, devices.plink],
  };
  return [...(columns[field] ?? [devices.name]).map(direction), asc(devices.id)];
}

export async function listDevices(db: Queryable, filter: DeviceFilter, sort: string, page: number, limit: number) {
  const where = filterConditions(filter, true);
  const items = await db
    .select(deviceColumns)
    .from(devices)
    .leftJoin(agents, eq(agents.id, devices.agentId))
    .where(where)
    .orderBy(...orderBy(sort))
    .limit(limit)
    .offset((page - 1) * limit);
  const [totalRow] = await db
    .select({ total: sql<number>`count(*)::int` })
    .from(devices)
    .where(where);
  const severityRows = await db
    .select({ severity: devices.severity, count: sql<number>`count(*)::int` })
    .from(devices)
    .where(filterConditions(filter, false))
    .groupBy(devices.severity);
  const counts = { healthy: 0, issue: 0, down: 0 };
  for (const row of severityRows) counts[row.severity] = row.count;
  return { items, total: totalRow?.total ?? 0, counts };
}

export async function findDevice(db: Queryable, orgId: string, id: string): Promise<DeviceRow | null> {
  const [row] = await db
    .select(deviceColumns)
    .from(devices)
    .leftJoin(agents, eq(agents.id, devices.agentId))
    .where(and(eq(devices.orgId, orgId), eq(devices.id, id)))
    .limit(1);
  return row ?? null;
}

export async function findDevicesByIds(db: Queryable, ids: string[]): Promise<DeviceRow[]> {
  if (ids.length === 0) return [];
  return db
    .select(deviceColumns)
    .from(devices)
    .leftJoin(agents, eq(agents.id, devices.agentId))
    .where(inArray(devices.id, ids));
}

export interface SeenDeviceInput {
  serial: string;
  model: string;
  name: string;
  mac: string;
  firmware: string;
  access_ip: string;
  port: number;
  subnet: string;
  interface_name: string | null;
  stack: string | null;
  clink: number | null;
  plink: number | null;
  host_serial: string | null;
  status: string;
  severity: Severity;
  status_since: string;
  seen_at: string;
}

/** Inserts or refreshes many devices in one statement; returns the ids of the rows written. */
export async function upsertSeenDevices(
  db: Queryable,
  orgId: string,
  agentId: string,
  rows: SeenDeviceInput[],
): Promise<string[]> {
  if (rows.length === 0) return [];
  const result = await db.execute(sql`
    INSERT INTO devices (org_id, agent_id, serial, model, name, mac, firmware, access_ip, port, subnet, interface_name,
                         stack, clink, plink, host_serial, status, severity, status_since, last_seen_at, lost_at, updated_at)
    SELECT ${orgId}::uuid, ${agentId}::uuid, r.serial, r.model, r.name, r.mac, r.firmware, r.access_ip, r.port, r.subnet,
           r.interface_name, r.stack, r.clink, r.plink, r.host_serial, r.status, r.severity, r.status_since, r.seen_at,
           NULL, now()
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
      serial text, model text, name text, mac text, firmware text, access_ip text, port int, subnet text,
      interface_name text, stack text, clink int, plink int, host_serial text, status text, severity text,
      status_since timestamptz, seen_at timestamptz)
    ON CONFLICT (org_id, serial) DO UPDATE SET
      agent_id = EXCLUDED.agent_id, model = EXCLUDED.model, name = EXCLUDED.name, mac = EXCLUDED.mac,
      firmware = EXCLUDED.firmware, access_ip = EXCLUDED.access_ip, port = EXCLUDED.port, subnet = EXCLUDED.subnet,
      interface_name = EXCLUDED.interface_name, stack = EXCLUDED.stack, clink = EXCLUDED.clink, plink = EXCLUDED.plink,
      host_serial = EXCLUDED.host_serial, status = EXCLUDED.status, severity = EXCLUDED.severity,
      status_since = EXCLUDED.status_since, last_seen_at = EXCLUDED.last_seen_at, lost_at = NULL, updated_at = now()
    RETURNING id`);
  return rowsOf<{ id: string }>(result).map((row) => row.id);
}

export interface StatusChangeInput {
  serial: string;
  status: string;
  severity: Severity;
  since: string;
  at: string;
}

export async function applyStatusChanges(db: Queryable, orgId: string, rows: StatusChangeInput[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const result = await db.execute(sql`
    UPDATE devices AS d
    SET status = r.status, severity = r.severity, status_since = r.since, last_seen_at = r.at, updated_at = now()
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(serial text, status text, severity text,
                                                                 since timestamptz, at timestamptz)
    WHERE d.org_id = ${orgId}::uuid AND d.serial = r.serial
    RETURNING d.id`);
  return rowsOf<{ id: string }>(result).map((row) => row.id);
}

/** A device the agent no longer finds stays on record, shown Down since it went missing. */
export async function markDevicesLost(
  db: Queryable,
  orgId: string,
  rows: Array<{ serial: string; at: string }>,
): Promise<string[]> {
  if (rows.length === 0) return [];
  const result = await db.execute(sql`
    UPDATE devices AS d
    SET status = 'down', severity = 'down',
        status_since = CASE WHEN d.status = 'down' THEN d.status_since ELSE r.at END,
        lost_at = r.at, updated_at = now()
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(serial text, at timestamptz)
    WHERE d.org_id = ${orgId}::uuid AND d.serial = r.serial
    RETURNING d.id`);
  return rowsOf<{ id: string }>(result).map((row) => row.id);
}

export interface DeviceEventInput {
  seq: number;
  kind: string;
  serial: string | null;
  payload: unknown;
  occurred_at: string;
}

/** Appends agent events to the history; a seq already stored is skipped (the second wall against duplicates). */
export async function insertDeviceEvents(
  db: Queryable,
  orgId: string,
  agentId: string,
  rows: DeviceEventInput[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(sql`
    INSERT INTO device_events (org_id, agent_id, seq, kind, serial, payload, occurred_at)
    SELECT ${orgId}::uuid, ${agentId}::uuid, r.seq, r.kind, r.serial, r.payload, r.occurred_at
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS r(seq bigint, kind text, serial text, payload jsonb, occurred_at timestamptz)
    ON CONFLICT (agent_id, seq) DO NOTHING`);
}

export async function countDeviceEvents(db: Queryable, agentId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(deviceEvents)
    .where(eq(deviceEvents.agentId, agentId));
  return row?.count ?? 0;
}

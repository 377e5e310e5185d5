import { and, asc, desc, eq, getTableColumns, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { deviceModelCatalog, type DeviceStatus, type Severity } from '@tutti/protocol';
import { rowsOf, type Queryable } from '../db/index.ts';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { agents, deviceEvents, devices, firmwarePackages, locations } from '../db/schema.ts';

export type DeviceRow = typeof devices.$inferSelect & { agentName: string | null; updateAvailable: string | null };

const familyOfModel = sql`CASE ${devices.model} ${sql.join(
  Object.entries(deviceModelCatalog).map(([model, info]) => sql`WHEN ${model} THEN ${info.family}`),
  sql` `,
)} END`;
const versionArray = (column: SQL | AnyPgColumn) => sql`string_to_array(${column}, '.')::int[]`;

/**
 * The newest catalog version of the device's model family that is newer than its firmware ("Update Available"),
 * compared number by number (5.10 > 5.9); null when there is none or the device reports no numeric version.
 */
const newerFirmware = sql<string | null>`CASE WHEN ${devices.firmware} ~ '^[0-9]+(\.[0-9]+)*$' THEN (
  SELECT ${firmwarePackages.version} FROM ${firmwarePackages}
  WHERE ${firmwarePackages.orgId} = ${devices.orgId} AND ${firmwarePackages.modelFamily} = ${familyOfModel}
    AND ${versionArray(firmwarePackages.version)} > ${versionArray(devices.firmware)}
  ORDER BY ${versionArray(firmwarePackages.version)} DESC LIMIT 1
) END`;

/**
 * The newest Pro Audio device an organization's plan still covers; devices registered after it are beyond the
 * plan and read as Overflowed. Null when the plan has no limit or the organization is within it.
 */
export interface OverflowCutoff {
  /** The database's own text of the timestamp: a Date would drop PostgreSQL's microseconds. */
  createdAt: string;
  id: string;
  proAudioModels: string[];
}

function isOverflowed(cutoff: OverflowCutoff): SQL {
  return sql`(${inArray(devices.model, cutoff.proAudioModels)} AND (${devices.createdAt}, ${devices.id}) > (${cutoff.createdAt}::timestamptz, ${cutoff.id}::uuid))`;
}

/** Status as users see it: the stored one, or Overflowed for a device beyond the plan. */
function effectiveStatus(cutoff: OverflowCutoff | null): SQL<string> {
  if (!cutoff) return sql<string>`${devices.status}`;
  return sql<string>`CASE WHEN ${isOverflowed(cutoff)} THEN 'overflowed' ELSE ${devices.status} END`;
}

function effectiveSeverity(cutoff: OverflowCutoff | null): SQL<Severity> {
  if (!cutoff) return sql<Severity>`${devices.severity}`;
  return sql<Severity>`CASE WHEN ${isOverflowed(cutoff)} THEN 'issue' ELSE ${devices.severity} END`;
}

function deviceColumns(cutoff: OverflowCutoff | null) {
  return {
    ...getTableColumns(devices),
    status: effectiveStatus(cutoff).mapWith(String),
    severity: effectiveSeverity(cutoff).mapWith((value: string) => value as Severity),
    agentName: agents.name,
    updateAvailable: newerFirmware,
  };
}

/** Finds the cutoff for a plan of `limit` Pro Audio devices (first registered, first covered). */
export async function findOverflowCutoff(
  db: Queryable,
  orgId: string,
  limit: number,
  proAudioModels: string[],
): Promise<OverflowCutoff | null> {
  if (limit === 0) return { createdAt: '-infinity', id: '00000000-0000-0000-0000-000000000000', proAudioModels };
  const [row] = await db
    .select({ createdAt: sql<string>`${devices.createdAt}::text`, id: devices.id })
    .from(devices)
    .where(and(eq(devices.orgId, orgId), inArray(devices.model, proAudioModels)))
    .orderBy(asc(devices.createdAt), asc(devices.id))
    .limit(1)
    .offset(limit - 1);
  return row ? { ...row, proAudioModels } : null;
}

export interface DeviceFilter {
  orgId: string;
  q?: string;
  /** Model codes whose product name matches `q`, so "pro 2 128" finds CONVERGE_PRO_2_128. */
  modelsMatchingQ?: string[];
  statuses?: DeviceStatus[];
  severity?: Severity;
  /** Model codes (a family filter arrives here as its models). */
  models?: string[];
  firmware?: string[];
  servers?: string[];
  subnets?: string[];
  stacks?: string[];
  /** A location and everything below it, or devices without a location. */
  location?: { subtreeOf: string } | 'unassigned';
  updateAvailable?: boolean;
  overflow: OverflowCutoff | null;
  /** Location ids in the order of their paths, for the sort by location (unassigned devices come last). */
  locationOrder?: string[];
}

/** Ids of a location and all its descendants, as a subquery. */
function locationSubtree(orgId: string, locationId: string): SQL {
  return sql`WITH RECURSIVE subtree(id) AS (
      SELECT ${locations.id} FROM ${locations} WHERE ${locations.orgId} = ${orgId} AND ${locations.id} = ${locationId}
      UNION ALL
      SELECT child.id FROM ${locations} AS child JOIN subtree ON child.parent_id = subtree.id
      WHERE child.org_id = ${orgId}
    ) SELECT id FROM subtree`;
}

function filterConditions(filter: DeviceFilter, withStatus: boolean): SQL {
  const conditions: SQL[] = [eq(devices.orgId, filter.orgId)];
  if (filter.models) conditions.push(filter.models.length ? inArray(devices.model, filter.models) : sql`false`);
  if (filter.firmware?.length) conditions.push(inArray(devices.firmware, filter.firmware));
  if (filter.servers?.length) conditions.push(inArray(agents.name, filter.servers));
  if (filter.subnets?.length) conditions.push(inArray(devices.subnet, filter.subnets));
  if (filter.stacks?.length) conditions.push(inArray(devices.stack, filter.stacks));
  if (filter.updateAvailable !== undefined) {
    conditions.push(filter.updateAvailable ? sql`${newerFirmware} IS NOT NULL` : sql`${newerFirmware} IS NULL`);
  }
  if (filter.location === 'unassigned') conditions.push(sql`${devices.locationId} IS NULL`);
  else if (filter.location) {
    conditions.push(sql`${devices.locationId} IN (${locationSubtree(filter.orgId, filter.location.subtreeOf)})`);
  }
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
    // Name, serial, firmware, access IP, MAC or stack contain the text: found through the trigram index by a
    // function (migration 0028), as row-level security keeps `ILIKE` from using an index here.
    const textMatch = sql`${devices.id} IN (SELECT tutti_search_devices(${filter.orgId}::uuid, ${pattern}))`;
    conditions.push(
      filter.modelsMatchingQ?.length ? or(textMatch, inArray(devices.model, filter.modelsMatchingQ))! : textMatch,
    );
  }
  if (withStatus && (filter.statuses?.length || filter.severity)) conditions.push(statusMatch(filter));
  return and(...conditions)!;
}

function orderBy(sort: string, overflow: OverflowCutoff | null, locationOrder: string[] = []): SQL[] {
  const severityRank = sql`CASE ${effectiveSeverity(overflow)} WHEN 'down' THEN 0 WHEN 'issue' THEN 1 ELSE 2 END`;
  const descending = sort.startsWith('-');
  const field = descending ? sort.slice(1) : sort;
  const direction = (column: SQL | AnyPgColumn) => (descending ? desc(column) : asc(column));
  const columns: Record<string, Array<SQL | AnyPgColumn>> = {
    status: [severityRank, effectiveStatus(overflow)],
    model: [devices.model],
    name: [devices.name],
    serial: [devices.serial],
    firmware: [devices.firmware],
    accessIp: [sql`${devices.accessIp}::inet`],
    statusSince: [devices.statusSince],
    connection: [agents.name, devices.subnet, devices.stack, devices.clink, devices.plink],
    // Paths are built from names outside SQL; the position in their sorted list orders the rows.
    location: [
      sql`array_position(ARRAY[${sql.join(
        locationOrder.map((id) => sql`${id}`),
        sql`, `,
      )}]::uuid[], ${devices.locationId})`,
      devices.name,
    ],
  };
  return [...(columns[field] ?? [devices.name]).map(direction), asc(devices.id)];
}

/** Whether a device passes the list's status and severity filters (true when there are none). */
function statusMatch(filter: DeviceFilter): SQL {
  const conditions: SQL[] = [];
  if (filter.statuses?.length) {
    conditions.push(
      sql`${effectiveStatus(filter.overflow)} IN (${sql.join(
        filter.statuses.map((status) => sql`${status}`),
        sql`, `,
      )})`,
    );
  }
  if (filter.severity) conditions.push(sql`${effectiveSeverity(filter.overflow)} = ${filter.severity}`);
  return conditions.length ? and(...conditions)! : sql`true`;
}

/**
 * The filtered total and the counts per severity (which ignore the status filters) in one scan. The join to the
 * servers is only made when their names are filtered on, so an unfiltered count reads the index alone.
 */
async function countDevicesOfList(db: Queryable, filter: DeviceFilter) {
  const severity = effectiveSeverity(filter.overflow);
  const query = db
    .select({
      total: sql<number>`count(*) FILTER (WHERE ${statusMatch(filter)})::int`,
      healthy: sql<number>`count(*) FILTER (WHERE ${severity} = 'healthy')::int`,
      issue: sql<number>`count(*) FILTER (WHERE ${severity} = 'issue')::int`,
      down: sql<number>`count(*) FILTER (WHERE ${severity} = 'down')::int`,
    })
    .from(devices);
  const [row] = await (filter.servers?.length ? query.leftJoin(agents, eq(agents.id, devices.agentId)) : query).where(
    filterConditions(filter, false),
  );
  return row ?? { total: 0, healthy: 0, issue: 0, down: 0 };
}

export async function listDevices(db: Queryable, filter: DeviceFilter, sort: string, page: number, limit: number) {
  const items = await db
    .select(deviceColumns(filter.overflow))
    .from(devices)
    .leftJoin(agents, eq(agents.id, devices.agentId))
    .where(filterConditions(filter, true))
    .orderBy(...orderBy(sort, filter.overflow, filter.locationOrder))
    .limit(limit)
    .offset((page - 1) * limit);
  const { total, ...counts } = await countDevicesOfList(db, filter);
  return { items, total, counts };
}

/** The first `limit` devices of a filtered, sorted list (no counts), for an export. */
export async function listDeviceRows(db: Queryable, filter: DeviceFilter, sort: string, limit: number) {
  return db
    .select(deviceColumns(filter.overflow))
    .from(devices)
    .leftJoin(agents, eq(agents.id, devices.agentId))
    .where(filterConditions(filter, true))
    .orderBy(...orderBy(sort, filter.overflow, filter.locationOrder))
    .limit(limit);
}

export async function findDevice(
  db: Queryable,
  orgId: string,
  id: string,
  overflow: OverflowCutoff | null,
): Promise<DeviceRow | null> {
  const [row] = await db
    .select(deviceColumns(overflow))
    .from(devices)
    .leftJoin(agents, eq(agents.id, devices.agentId))
    .where(and(eq(devices.orgId, orgId), eq(devices.id, id)))
    .limit(1);
  return row ?? null;
}

export async function findDevicesByIds(
  db: Queryable,
  orgId: string,
  ids: string[],
  overflow: OverflowCutoff | null,
): Promise<DeviceRow[]> {
  if (ids.length === 0) return [];
  return db
    .select(deviceColumns(overflow))
    .from(devices)
    .leftJoin(agents, eq(agents.id, devices.agentId))
    .where(and(eq(devices.orgId, orgId), inArray(devices.id, ids)));
}

/** The units of a stack (same server, same stack name) and the peripherals on their P-Link ports. */
export async function findStackDevices(
  db: Queryable,
  orgId: string,
  agentId: string | null,
  stack: string,
  overflow: OverflowCutoff | null,
): Promise<DeviceRow[]> {
  return db
    .select(deviceColumns(overflow))
    .from(devices)
    .leftJoin(agents, eq(agents.id, devices.agentId))
    .where(
      and(
        eq(devices.orgId, orgId),
        agentId === null ? sql`${devices.agentId} IS NULL` : eq(devices.agentId, agentId),
        eq(devices.stack, stack),
      ),
    )
    .orderBy(asc(devices.clink), asc(devices.plink), asc(devices.serial))
    .limit(1000);
}

/** Devices on the P-Link ports of one DSP, or the DSP a peripheral hangs off (by serial). */
export async function findDevicesBySerialOrHost(
  db: Queryable,
  orgId: string,
  hostSerial: string | null,
  serial: string | null,
  overflow: OverflowCutoff | null,
): Promise<DeviceRow[]> {
  const matches: SQL[] = [];
  if (hostSerial !== null) matches.push(eq(devices.hostSerial, hostSerial));
  if (serial !== null) matches.push(eq(devices.serial, serial));
  if (matches.length === 0) return [];
  return db
    .select(deviceColumns(overflow))
    .from(devices)
    .leftJoin(agents, eq(agents.id, devices.agentId))
    .where(and(eq(devices.orgId, orgId), or(...matches)))
    .orderBy(asc(devices.plink), asc(devices.serial))
    .limit(1000);
}

export interface DeviceEventRow {
  id: number;
  kind: string;
  payload: unknown;
  occurredAt: Date;
}

/** A device's status-bearing history, newest first, `limit + 1` rows so the caller knows if more follow. */
export async function listDeviceHistory(
  db: Queryable,
  orgId: string,
  serial: string,
  before: number | null,
  limit: number,
): Promise<DeviceEventRow[]> {
  const conditions: SQL[] = [
    eq(deviceEvents.orgId, orgId),
    eq(deviceEvents.serial, serial),
    inArray(deviceEvents.kind, ['device.seen', 'device.status', 'device.lost']),
  ];
  if (before !== null) conditions.push(lt(deviceEvents.id, before));
  return db
    .select({
      id: deviceEvents.id,
      kind: deviceEvents.kind,
      payload: deviceEvents.payload,
      occurredAt: deviceEvents.occurredAt,
    })
    .from(deviceEvents)
    .where(and(...conditions))
    .orderBy(desc(deviceEvents.id))
    .limit(limit + 1);
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
  /** The status changed within the batch: take the reported start even if it ends where the stored one is. */
  force_since: boolean;
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
           r.interface_name, r.stack, r.clink, r.plink, r.host_serial, r.status, r.severity,
           -- A repeated report of the same status keeps when it began.
           CASE WHEN cur.status = r.status AND NOT r.force_since THEN cur.status_since ELSE r.status_since END,
           r.seen_at, NULL, now()
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
      serial text, model text, name text, mac text, firmware text, access_ip text, port int, subnet text,
      interface_name text, stack text, clink int, plink int, host_serial text, status text, severity text,
      status_since timestamptz, seen_at timestamptz, force_since boolean)
    LEFT JOIN devices AS cur ON cur.org_id = ${orgId}::uuid AND cur.serial = r.serial
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
  force_since: boolean;
}

/**
 * The batch's serials as a text array parameter. Naming them lets the planner use the (org_id, serial) index;
 * joining on the record set alone makes it scan every device of the organization (ms per batch at 5,000 devices).
 * Serials are `[A-Za-z0-9-]+`, so a comma cannot occur in one.
 */
function serialList(rows: ReadonlyArray<{ serial: string }>) {
  return sql`string_to_array(${rows.map((row) => row.serial).join(',')}, ',')`;
}

export async function applyStatusChanges(db: Queryable, orgId: string, rows: StatusChangeInput[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const result = await db.execute(sql`
    UPDATE devices AS d
    SET status = r.status, severity = r.severity,
        status_since = CASE WHEN d.status = r.status AND NOT r.force_since THEN d.status_since ELSE r.since END,
        last_seen_at = r.at, updated_at = now()
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(serial text, status text, severity text,
                                                                 since timestamptz, at timestamptz,
                                                                 force_since boolean)
    WHERE d.org_id = ${orgId}::uuid AND d.serial = r.serial AND d.serial = ANY (${serialList(rows)})
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
    WHERE d.org_id = ${orgId}::uuid AND d.serial = r.serial AND d.serial = ANY (${serialList(rows)})
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

/** Device counts per model, server and (effective) severity: the dashboard's numbers in one grouped scan. */
export async function countDevicesByModelAndAgent(db: Queryable, orgId: string, overflow: OverflowCutoff | null) {
  const severity = effectiveSeverity(overflow);
  return db
    .select({
      model: devices.model,
      agentId: devices.agentId,
      severity: severity.mapWith((value: string) => value as Severity),
      count: sql<number>`count(*)::int`,
    })
    .from(devices)
    .where(eq(devices.orgId, orgId))
    .groupBy(sql`1, 2, 3`);
}

/** The organization's latest status-bearing events with the device they are about (when still on record). */
export async function listRecentDeviceEvents(db: Queryable, orgId: string, limit: number) {
  return db
    .select({
      id: deviceEvents.id,
      kind: deviceEvents.kind,
      serial: deviceEvents.serial,
      payload: deviceEvents.payload,
      occurredAt: deviceEvents.occurredAt,
      deviceId: devices.id,
      name: devices.name,
    })
    .from(deviceEvents)
    .leftJoin(devices, and(eq(devices.orgId, deviceEvents.orgId), eq(devices.serial, deviceEvents.serial)))
    .where(
      and(eq(deviceEvents.orgId, orgId), inArray(deviceEvents.kind, ['device.seen', 'device.status', 'device.lost'])),
    )
    .orderBy(desc(deviceEvents.id))
    .limit(limit);
}

/** Device counts per location and (effective) severity; a null location holds the unassigned devices. */
export async function countDevicesByLocation(db: Queryable, orgId: string, overflow: OverflowCutoff | null) {
  const severity = effectiveSeverity(overflow);
  return db
    .select({
      locationId: devices.locationId,
      severity: severity.mapWith((value: string) => value as Severity),
      count: sql<number>`count(*)::int`,
    })
    .from(devices)
    .where(eq(devices.orgId, orgId))
    .groupBy(sql`1, 2`);
}

/** Every location of an organization (id, parent, name), to build the paths devices show. */
export async function listLocationNames(db: Queryable, orgId: string) {
  return db
    .select({ id: locations.id, parentId: locations.parentId, name: locations.name })
    .from(locations)
    .where(eq(locations.orgId, orgId));
}

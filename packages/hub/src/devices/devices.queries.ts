import { and, asc, desc, eq, getTableColumns, inArray, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { deviceModelCatalog, type DeviceStatus, type Severity } from '@tutti/protocol';
import { rowsOf, type Queryable } from '../db/index.ts';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { agents, deviceEvents, deviceStatuses, devices, firmwarePackages, locations } from '../db/schema.ts';

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
  /** The ids of a location and everything below it, or devices without a location. */
  location?: { ids: string[] } | 'unassigned';
  updateAvailable?: boolean;
  overflow: OverflowCutoff | null;
  /** Location ids in the order of their paths, for the sort by location (unassigned devices come last). */
  locationOrder?: string[];
}

/** A text[] parameter: Drizzle spreads a JavaScript array into a row of parameters. No item may hold a comma. */
function textArray(items: readonly string[]): SQL {
  return sql`string_to_array(${items.join(',')}, ',')`;
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
  // The ids as one array value (from the locations the hub has read anyway): the planner then estimates the
  // subtree's share of the devices from the statistics, where a recursive subquery made it guess a scan.
  else if (filter.location)
    conditions.push(sql`${devices.locationId} = ANY (${textArray(filter.location.ids)}::uuid[])`);
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
function statusMatch(
  filter: DeviceFilter,
  status: SQL | AnyPgColumn = effectiveStatus(filter.overflow),
  severity: SQL | AnyPgColumn = effectiveSeverity(filter.overflow),
): SQL {
  const conditions: SQL[] = [];
  if (filter.statuses?.length) {
    conditions.push(
      sql`${status} IN (${sql.join(
        filter.statuses.map((value) => sql`${value}`),
        sql`, `,
      )})`,
    );
  }
  if (filter.severity) conditions.push(sql`${severity} = ${filter.severity}`);
  return conditions.length ? and(...conditions)! : sql`true`;
}

/**
 * A select over the list's devices. With a search, `devices` names the matching rows for the whole statement: a
 * CTE of the same name over `tutti_search_device_rows` (migration 0031), as row-level security keeps `ILIKE` off
 * the trigram index when the table is read directly. A statement that reads the CTE twice (page and counts)
 * computes it once.
 */
function selectFrom(db: Queryable, filter: DeviceFilter) {
  if (!filter.q) return db;
  const pattern = `%${filter.q.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
  const matches = db
    .$with('devices', {})
    .as(
      sql`SELECT * FROM tutti_search_device_rows(${filter.orgId}::uuid, ${pattern}, ${textArray(filter.modelsMatchingQ ?? [])})`,
    );
  return db.with(matches);
}

/** Whether the list narrows the devices by status and severity alone (and no plan limit overflows any). */
function narrowsByStatusAlone(filter: DeviceFilter): boolean {
  const { orgId: _org, statuses: _statuses, severity: _severity, locationOrder: _order, overflow, ...other } = filter;
  // An empty list of models matches nothing; the other filters' empty lists filter nothing (see filterConditions).
  return (
    overflow === null &&
    other.models === undefined &&
    Object.values(other).every((value) => value === undefined || (Array.isArray(value) && value.length === 0))
  );
}

/**
 * The filtered total and the counts per severity (which ignore the status filters) in one scan. Narrowed by status
 * alone, they come from the index of device_statuses; otherwise from the devices the other filters match, joined to
 * the servers only when their names are filtered on.
 */
function countsQuery(source: ReturnType<typeof selectFrom>, filter: DeviceFilter) {
  const counts = (status: SQL | AnyPgColumn, severity: SQL | AnyPgColumn) => ({
    // Named, as the page's statement reads them from a subquery.
    total: sql<number>`count(*) FILTER (WHERE ${statusMatch(filter, status, severity)})::int`.as('total'),
    healthy: sql<number>`count(*) FILTER (WHERE ${severity} = 'healthy')::int`.as('healthy'),
    issue: sql<number>`count(*) FILTER (WHERE ${severity} = 'issue')::int`.as('issue'),
    down: sql<number>`count(*) FILTER (WHERE ${severity} = 'down')::int`.as('down'),
  });
  if (narrowsByStatusAlone(filter)) {
    return source
      .select(counts(deviceStatuses.status, deviceStatuses.severity))
      .from(deviceStatuses)
      .where(eq(deviceStatuses.orgId, filter.orgId));
  }
  const query = source
    .select(counts(effectiveStatus(filter.overflow), effectiveSeverity(filter.overflow)))
    .from(devices)
    .$dynamic();
  return (filter.servers?.length ? query.leftJoin(agents, eq(agents.id, devices.agentId)) : query).where(
    filterConditions(filter, false),
  );
}

export interface DeviceCounts {
  total: number;
  healthy: number;
  issue: number;
  down: number;
}

async function countDevicesOfList(db: Queryable, filter: DeviceFilter): Promise<DeviceCounts> {
  const [row] = await countsQuery(selectFrom(db, filter), filter);
  return row ?? { total: 0, healthy: 0, issue: 0, down: 0 };
}

/** Matching devices that a query narrowed by `extra` counts (the status filters apply). */
async function countMatching(db: Queryable, filter: DeviceFilter, extra: SQL): Promise<number> {
  const query = db.select({ count: sql<number>`count(*)::int` }).from(devices);
  const [row] = await (filter.servers?.length ? query.leftJoin(agents, eq(agents.id, devices.agentId)) : query).where(
    and(filterConditions(filter, true), extra),
  );
  return row?.count ?? 0;
}

/** A page of the devices that `extra` narrows the list to, joined to their servers. */
function pageOf(db: Queryable, filter: DeviceFilter, sort: string, extra?: SQL) {
  return db
    .select(deviceColumns(filter.overflow))
    .from(devices)
    .leftJoin(agents, eq(agents.id, devices.agentId))
    .where(and(filterConditions(filter, true), extra))
    .orderBy(...orderBy(sort, filter.overflow, filter.locationOrder));
}

/** The most servers whose devices are counted in one round trip (batches grow 1, 2, 4, … up to this). */
const SERVER_BATCH = 64;

/**
 * The sort by connection starts with the server's name, from another table, so no index orders the devices and a
 * deep page sorted them all (a lateral walk over the servers did too: row-level security hides the server count
 * from the planner, which then sorts every device). Instead the servers are taken by name and their matching devices
 * counted from `devices_org_connection_idx` until the page's rows are reached, and the page is read from the servers
 * it covers only. Each server's count stops at the rows the page still needs, so one server with 100,000 devices
 * costs no more than the page, and batches grow from one server, so a page among the first servers costs one small
 * query while 1,000 small servers take a few. Devices without a server sort after every server (before, descending)
 * and are read as a plain query.
 */
async function connectionPage(
  db: Queryable,
  filter: DeviceFilter,
  sort: string,
  offset: number,
  limit: number,
): Promise<DeviceRow[]> {
  /** The matching devices of one server. */
  const ofServer = (value: SQL | AnyPgColumn, serverId: string) => {
    const query = db.select({ value }).from(devices).$dynamic();
    return (filter.servers?.length ? query.leftJoin(agents, eq(agents.id, devices.agentId)) : query).where(
      and(filterConditions(filter, true), eq(devices.agentId, serverId)),
    );
  };
  /** Matching devices of one server, counted up to `cap` at most. */
  const cappedCount = (serverId: string, cap: number) =>
    sql`(SELECT count(*)::int FROM (${ofServer(sql`1`, serverId).limit(cap)}) AS capped)`;
  const serverPage = async (skip: number, take: number): Promise<DeviceRow[]> => {
    const servers = await db
      .select({ id: agents.id })
      .from(agents)
      .where(eq(agents.orgId, filter.orgId))
      .orderBy(sort.startsWith('-') ? desc(agents.name) : asc(agents.name));
    const ids = servers.map((server) => server.id);
    /** Matching devices of the servers wholly before the page, and the servers the page covers. */
    let before = 0;
    let seen = 0;
    const covering: string[] = [];
    for (
      let start = 0, size = 1;
      start < ids.length && seen < skip + take;
      start += size, size = Math.min(size * 2, SERVER_BATCH)
    ) {
      const batch = ids.slice(start, start + size);
      const cap = skip + take - seen;
      const [row] = rowsOf<{ counts: number[] }>(
        await db.execute(
          sql`SELECT ARRAY[${sql.join(
            batch.map((id) => cappedCount(id, cap)),
            sql`, `,
          )}]::int[] AS counts`,
        ),
      );
      batch.forEach((id, index) => {
        const count = row?.counts[index] ?? 0;
        if (count === 0 || seen >= skip + take) return;
        if (seen + count <= skip) before += count;
        else covering.push(id);
        seen += count;
      });
    }
    if (covering.length === 0) return [];
    // Each covering server's rows are read from the index in order (its name is the same for all of them, so the
    // sort's other columns order them); the page is the first `take` of them all.
    const withinServer = orderBy(sort, filter.overflow).slice(1);
    const pageIds = covering.map(
      (serverId, index) =>
        sql`(${ofServer(devices.id, serverId)
          .orderBy(...withinServer)
          .limit(take)
          .offset(index === 0 ? skip - before : 0)})`,
    );
    return pageOf(db, filter, sort, sql`${devices.id} = ANY (ARRAY(${sql.join(pageIds, sql` UNION ALL `)}))`).limit(
      take,
    );
  };
  const serverless = (skip: number, take: number) =>
    pageOf(db, filter, sort, isNull(devices.agentId)).limit(take).offset(skip);
  const groups = sort.startsWith('-')
    ? [
        { page: serverless, only: isNull(devices.agentId) },
        { page: serverPage, only: isNotNull(devices.agentId) },
      ]
    : [
        { page: serverPage, only: isNotNull(devices.agentId) },
        { page: serverless, only: isNull(devices.agentId) },
      ];
  const [first, second] = groups as [(typeof groups)[0], (typeof groups)[0]];
  const head = await first.page(offset, limit);
  if (head.length === limit) return head;
  // The page runs past the first group: how many rows it has is known unless the page starts beyond it.
  const firstSize = head.length > 0 ? offset + head.length : await countMatching(db, filter, first.only);
  return [...head, ...(await second.page(Math.max(0, offset - firstSize), limit - head.length))];
}

/**
 * The sort by status duration walks the `(org_id, status_since, device_id)` index of device_statuses (status_since is
 * in no index of devices: a status change must not write one), applying the list's filters to each device it passes;
 * the page's rows are then read by id.
 */
function statusSincePage(db: Queryable, filter: DeviceFilter, sort: string, offset: number, limit: number) {
  const query = db
    .select({ id: deviceStatuses.deviceId })
    .from(deviceStatuses)
    .innerJoin(devices, eq(devices.id, deviceStatuses.deviceId))
    .$dynamic();
  const ids = (filter.servers?.length ? query.leftJoin(agents, eq(agents.id, devices.agentId)) : query)
    .where(and(eq(deviceStatuses.orgId, filter.orgId), filterConditions(filter, true)))
    .orderBy(
      sort.startsWith('-') ? desc(deviceStatuses.statusSince) : asc(deviceStatuses.statusSince),
      asc(deviceStatuses.deviceId),
    )
    .limit(limit)
    .offset(offset);
  return pageOf(db, filter, sort, sql`${devices.id} = ANY (ARRAY(${ids}))`);
}

/**
 * The page picked from the devices alone, then joined to the servers for their names: a search's matches are not
 * joined row by row to their server before the sort (its 1,000-row estimate made the planner choose that).
 */
async function pageThenServers(
  db: Queryable,
  filter: DeviceFilter,
  order: SQL[],
  listCounts: SQL.Aliased<number[]>,
  offset: number,
  limit: number,
) {
  // The subquery keeps the table's name, so the selection and the order below read its columns.
  const page = selectFrom(db, filter)
    .select({ ...getTableColumns(devices), listCounts })
    .from(devices)
    .where(filterConditions(filter, true))
    .orderBy(...order)
    .limit(limit)
    .offset(offset)
    .as('devices');
  return db
    .select({ ...deviceColumns(filter.overflow), listCounts: page.listCounts })
    .from(page)
    .leftJoin(agents, eq(agents.id, devices.agentId))
    .orderBy(...order);
}

/** Memory for a search's statement (for the transaction): 20,000 matching rows of 100,000 take about 10 MB. */
const SEARCH_WORK_MEM = '32MB';

/** A page of the list and, when `withCounts`, the filtered total and the counts by severity. */
export async function listDevices(
  db: Queryable,
  filter: DeviceFilter,
  sort: string,
  page: number,
  limit: number,
  withCounts: boolean,
): Promise<{ items: DeviceRow[]; counts: { total: number; bySeverity: Omit<DeviceCounts, 'total'> } | null }> {
  const offset = (page - 1) * limit;
  // A broad search holds its matching rows twice (the function's result and the CTE): in memory, not in temp files.
  if (filter.q) await db.execute(sql`SELECT set_config('work_mem', ${SEARCH_WORK_MEM}, true)`);
  const counted = async (items: DeviceRow[], known?: number[]) => {
    if (!withCounts) return { items, counts: null };
    // An empty page carries no counts: the list may still match devices (another status, an earlier page).
    const { total, ...bySeverity } = known
      ? { total: known[0]!, healthy: known[1]!, issue: known[2]!, down: known[3]! }
      : await countDevicesOfList(db, filter);
    return { items, counts: { total, bySeverity } };
  };
  if (!filter.q && sort.replace(/^-/, '') === 'connection') {
    return counted(await connectionPage(db, filter, sort, offset, limit));
  }
  if (!filter.q && sort.replace(/^-/, '') === 'statusSince') {
    return counted(await statusSincePage(db, filter, sort, offset, limit));
  }
  // The page and the counts in one statement, so a search's matches are read once.
  const order = orderBy(sort, filter.overflow, filter.locationOrder);
  const listCounts = (
    withCounts
      ? sql<number[]>`(SELECT ARRAY[total, healthy, issue, down] FROM (${countsQuery(db, filter)}) AS counts)`
      : sql<number[]>`NULL::int[]`
  ).as('list_counts');
  const rows =
    filter.servers?.length || sort.replace(/^-/, '') === 'connection'
      ? await selectFrom(db, filter)
          .select({ ...deviceColumns(filter.overflow), listCounts })
          .from(devices)
          .leftJoin(agents, eq(agents.id, devices.agentId))
          .where(filterConditions(filter, true))
          .orderBy(...order)
          .limit(limit)
          .offset(offset)
      : await pageThenServers(db, filter, order, listCounts, offset, limit);
  return counted(
    rows.map(({ listCounts: _listCounts, ...row }) => row),
    rows[0]?.listCounts,
  );
}

/** The first `limit` devices of a filtered, sorted list (no counts), for an export. */
export async function listDeviceRows(db: Queryable, filter: DeviceFilter, sort: string, limit: number) {
  return selectFrom(db, filter)
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
  /** FTP as the unit reported it (null: it does not tell); undefined when the agent did not say, keeping the stored. */
  ftp_enabled?: boolean | null;
  /** Whether the report carried `ftp_enabled` at all (older agents leave it out). */
  ftp_reported: boolean;
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
                         stack, clink, plink, host_serial, ftp_enabled, status, severity, status_since, last_seen_at,
                         lost_at, updated_at)
    SELECT ${orgId}::uuid, ${agentId}::uuid, r.serial, r.model, r.name, r.mac, r.firmware, r.access_ip, r.port, r.subnet,
           r.interface_name, r.stack, r.clink, r.plink, r.host_serial,
           -- A report without the FTP state (an older agent) keeps the stored one.
           CASE WHEN r.ftp_reported THEN r.ftp_enabled ELSE cur.ftp_enabled END,
           r.status, r.severity,
           -- A repeated report of the same status keeps when it began.
           CASE WHEN cur.status = r.status AND NOT r.force_since THEN cur.status_since ELSE r.status_since END,
           r.seen_at, NULL, now()
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
      serial text, model text, name text, mac text, firmware text, access_ip text, port int, subnet text,
      interface_name text, stack text, clink int, plink int, host_serial text, ftp_enabled boolean,
      ftp_reported boolean, status text, severity text, status_since timestamptz, seen_at timestamptz,
      force_since boolean)
    LEFT JOIN devices AS cur ON cur.org_id = ${orgId}::uuid AND cur.serial = r.serial
    ON CONFLICT (org_id, serial) DO UPDATE SET
      agent_id = EXCLUDED.agent_id, model = EXCLUDED.model, name = EXCLUDED.name, mac = EXCLUDED.mac,
      firmware = EXCLUDED.firmware, access_ip = EXCLUDED.access_ip, port = EXCLUDED.port, subnet = EXCLUDED.subnet,
      interface_name = EXCLUDED.interface_name, stack = EXCLUDED.stack, clink = EXCLUDED.clink, plink = EXCLUDED.plink,
      host_serial = EXCLUDED.host_serial, ftp_enabled = EXCLUDED.ftp_enabled, status = EXCLUDED.status,
      severity = EXCLUDED.severity, status_since = EXCLUDED.status_since, last_seen_at = EXCLUDED.last_seen_at,
      lost_at = NULL, updated_at = now()
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

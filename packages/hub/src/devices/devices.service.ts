import { stringify } from 'csv-stringify/sync';
import {
  agentEventBodySchema,
  DEVICE_EXPORT_LIMIT,
  deviceColumns,
  deviceStatusCatalog,
  type DeviceColumn,
  type deviceExportQuerySchema,
  appError,
  deviceHistoryQuerySchema,
  deviceListQuerySchema,
  deviceModelCatalog,
  deviceModels,
  deviceModelSchema,
  deviceStatusSchema,
  formatConnectionPath,
  locationPaths,
  modelInfo,
  severityOf,
  type AgentEvent,
  type Dashboard,
  type DeviceDetail,
  type DeviceDto,
  type DeviceHistory,
  type DeviceHistoryEntry,
  type DeviceList,
  type DeviceModel,
  type DevicePage,
  type DeviceReport,
  type DeviceStatus,
  type Severity,
} from '@tutti/protocol';
import type { z } from 'zod';
import type { Queryable } from '../db/index.ts';
import {
  applyStatusChanges,
  countDevicesByLocation as countDevicesByLocationRows,
  countDevicesByModelAndAgent,
  findDevice,
  findDevicesByIds,
  findDevicesBySerialOrHost,
  findOverflowCutoff,
  findStackDevices,
  insertDeviceEvents,
  listDeviceHistory,
  listDeviceRows,
  listDevices,
  listLocationNames,
  listRecentDeviceEvents,
  markDevicesLost,
  upsertSeenDevices,
  type DeviceFilter,
  type DeviceEventRow,
  type DeviceRow,
  type OverflowCutoff,
  type SeenDeviceInput,
  type StatusChangeInput,
} from './devices.queries.ts';
import { storeVoipReports, type VoipReport } from '../voip/index.ts';
import { proAudioDeviceLimit } from './plan-limit.ts';

/** Lets a caller (tests, a plan preview) state the plan limit instead of reading it. */
export interface PlanOverride {
  proAudioLimit: number | null;
}

const proAudioModels = deviceModels.filter((model) => deviceModelCatalog[model].category === 'pro_audio');

/** Which devices of an organization are beyond its plan, if any. */
export async function overflowCutoff(
  db: Queryable,
  orgId: string,
  plan?: PlanOverride,
): Promise<OverflowCutoff | null> {
  const limit = plan ? plan.proAudioLimit : await proAudioDeviceLimit(db, orgId);
  return limit === null ? null : findOverflowCutoff(db, orgId, limit, proAudioModels);
}

/** Paths of an organization's locations by id, for the devices' `location`. */
export type LocationPaths = ReadonlyMap<string, string>;

export async function locationPathsOf(db: Queryable, orgId: string): Promise<LocationPaths> {
  return locationPaths(await listLocationNames(db, orgId));
}

type LocationNode = Awaited<ReturnType<typeof listLocationNames>>[number];

/** A location and everything below it (none when the organization has no such location). */
function locationSubtree(nodes: readonly LocationNode[], rootId: string): string[] {
  const children = new Map<string, string[]>();
  for (const node of nodes) {
    if (node.parentId !== null) children.set(node.parentId, [...(children.get(node.parentId) ?? []), node.id]);
  }
  if (!nodes.some((node) => node.id === rootId)) return [];
  const found = new Set([rootId]);
  for (const id of found) for (const child of children.get(id) ?? []) found.add(child);
  return [...found];
}

/** Location ids by path ("Florida > Miami HQ" before "Virginia"), only when the list is sorted by location. */
function locationOrder(sort: string, paths: LocationPaths): string[] | undefined {
  if (sort.replace(/^-/, '') !== 'location') return undefined;
  const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
  return [...paths].sort(([, a], [, b]) => collator.compare(a, b)).map(([id]) => id);
}

export function toDeviceDto(row: DeviceRow, paths: LocationPaths): DeviceDto {
  const model = deviceModelSchema.parse(row.model);
  const connection = {
    subnet: row.subnet,
    interfaceName: row.interfaceName,
    stack: row.stack,
    clink: row.clink,
    plink: row.plink,
    hostSerial: row.hostSerial,
  };
  const status = deviceStatusSchema.parse(row.status);
  return {
    id: row.id,
    serial: row.serial,
    model,
    modelName: modelInfo(model).name,
    family: modelInfo(model).family,
    name: row.name,
    mac: row.mac,
    firmware: row.firmware,
    accessIp: row.accessIp,
    status,
    severity: severityOf(status),
    statusSince: row.statusSince.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    serverName: row.agentName,
    connection,
    connectionPath: formatConnectionPath(row.agentName, connection),
    location: row.locationId === null ? null : (paths.get(row.locationId) ?? null),
    updateAvailable: row.updateAvailable,
    locationId: row.locationId,
  };
}

function modelsMatching(q: string | undefined): string[] {
  if (!q) return [];
  const needle = q.toLowerCase();
  return deviceModels.filter((model) => deviceModelCatalog[model].name.toLowerCase().includes(needle));
}

/** Model filter: the models named, narrowed to the families named; undefined when neither is given. */
type DeviceFilterQuery = Omit<z.output<typeof deviceListQuerySchema>, 'page' | 'limit' | 'sort' | 'counts'>;

function modelFilter(query: DeviceFilterQuery): string[] | undefined {
  if (!query.model && !query.family) return undefined;
  const families = query.family ? new Set(query.family) : null;
  return (query.model ?? deviceModels).filter((model) => !families || families.has(deviceModelCatalog[model].family));
}

async function deviceFilter(
  db: Queryable,
  orgId: string,
  query: DeviceFilterQuery,
  plan: PlanOverride | undefined,
  locations: readonly LocationNode[],
): Promise<DeviceFilter> {
  return {
    orgId,
    q: query.q,
    modelsMatchingQ: modelsMatching(query.q),
    statuses: query.status,
    severity: query.severity,
    models: modelFilter(query),
    firmware: query.firmware,
    servers: query.server,
    subnets: query.subnet,
    stacks: query.stack,
    location:
      query.location === undefined
        ? undefined
        : query.location === 'none'
          ? 'unassigned'
          : { ids: locationSubtree(locations, query.location) },
    updateAvailable: query.updateAvailable,
    overflow: await overflowCutoff(db, orgId, plan),
  };
}

export async function listDevicesOf(
  db: Queryable,
  orgId: string,
  query: z.output<typeof deviceListQuerySchema>,
  plan?: PlanOverride,
): Promise<DeviceList | DevicePage> {
  const locations = await listLocationNames(db, orgId);
  const paths = locationPaths(locations);
  const filter = {
    ...(await deviceFilter(db, orgId, query, plan, locations)),
    locationOrder: locationOrder(query.sort, paths),
  };
  const result = await listDevices(db, filter, query.sort, query.page, query.limit, query.counts);
  const page = { items: result.items.map((row) => toDeviceDto(row, paths)), page: query.page, limit: query.limit };
  return result.counts ? { ...page, total: result.counts.total, counts: result.counts.bySeverity } : page;
}

const csvValue: Record<DeviceColumn, (device: DeviceDto) => string> = {
  status: (device) => deviceStatusCatalog[device.status].label,
  name: (device) => device.name,
  model: (device) => device.modelName,
  serial: (device) => device.serial,
  firmware: (device) => device.firmware,
  accessIp: (device) => device.accessIp,
  mac: (device) => device.mac,
  server: (device) => device.serverName ?? '',
  connection: (device) => device.connectionPath,
  location: (device) => device.location ?? '',
  statusSince: (device) => device.statusSince,
  lastSeenAt: (device) => device.lastSeenAt,
};

const csvHeader: Record<DeviceColumn, string> = {
  status: 'Status',
  name: 'Name',
  model: 'Model',
  serial: 'Serial Number',
  firmware: 'Firmware',
  accessIp: 'Access IP',
  mac: 'MAC',
  server: 'Server',
  connection: 'Connection',
  location: 'Location',
  statusSince: 'Status Since',
  lastSeenAt: 'Last Seen',
};

/** The filtered, sorted device list as CSV (English headers, ISO 8601 times), up to DEVICE_EXPORT_LIMIT rows. */
export async function exportDevicesCsv(
  db: Queryable,
  orgId: string,
  query: z.output<typeof deviceExportQuerySchema>,
): Promise<string> {
  const locations = await listLocationNames(db, orgId);
  const paths = locationPaths(locations);
  const filter = {
    ...(await deviceFilter(db, orgId, query, undefined, locations)),
    locationOrder: locationOrder(query.sort, paths),
  };
  const rows = await listDeviceRows(db, filter, query.sort, DEVICE_EXPORT_LIMIT);
  const columns = query.columns ?? [...deviceColumns];
  const records = rows.map((row) => {
    const device = toDeviceDto(row, paths);
    return columns.map((column) => csvValue[column](device));
  });
  return stringify([columns.map((column) => csvHeader[column]), ...records]);
}

async function deviceRow(db: Queryable, orgId: string, id: string, overflow: OverflowCutoff | null) {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await findDevice(db, orgId, id, overflow) : null;
  if (!row) throw appError('DEVICE_NOT_FOUND', { id });
  return row;
}

const byClink = (a: DeviceRow, b: DeviceRow) => (a.clink ?? 99) - (b.clink ?? 99) || a.serial.localeCompare(b.serial);

/** One device with its place: host or peripherals, and every unit of its stack with their peripherals. */
export async function getDeviceDetail(
  db: Queryable,
  orgId: string,
  id: string,
  plan?: PlanOverride,
): Promise<DeviceDetail> {
  const overflow = await overflowCutoff(db, orgId, plan);
  const row = await deviceRow(db, orgId, id, overflow);
  const related = await findDevicesBySerialOrHost(db, orgId, row.serial, row.hostSerial, overflow);
  const host =
    row.hostSerial === null ? null : (related.find((candidate) => candidate.serial === row.hostSerial) ?? null);
  const peripherals = related.filter((candidate) => candidate.hostSerial === row.serial);
  const paths = await locationPathsOf(db, orgId);
  const dto = (device: DeviceRow) => toDeviceDto(device, paths);
  let stack: DeviceDetail['stack'] = null;
  if (row.stack !== null) {
    const rows = await findStackDevices(db, orgId, row.agentId, row.stack, overflow);
    const units = rows.filter((candidate) => candidate.hostSerial === null).sort(byClink);
    stack = {
      name: row.stack,
      members: units.map((unit) => ({
        device: dto(unit),
        peripherals: rows.filter((candidate) => candidate.hostSerial === unit.serial).map(dto),
      })),
    };
  }
  return {
    ...dto(row),
    port: row.port,
    lostAt: row.lostAt?.toISOString() ?? null,
    firstSeenAt: row.createdAt.toISOString(),
    host: host ? dto(host) : null,
    peripherals: peripherals.map(dto),
    stack,
  };
}

function historyEntry(row: DeviceEventRow): DeviceHistoryEntry | null {
  const parsed = agentEventBodySchema.safeParse({ kind: row.kind, ...(row.payload as object) });
  if (!parsed.success) return null;
  const event = parsed.data;
  const at = row.occurredAt.toISOString();
  const entry = (
    kind: DeviceHistoryEntry['kind'],
    status: DeviceStatus,
    since: string,
    extra: { accessIp: string | null; firmware: string | null } = { accessIp: null, firmware: null },
  ): DeviceHistoryEntry => ({ id: String(row.id), kind, at, status, severity: severityOf(status), since, ...extra });
  switch (event.kind) {
    case 'device.seen':
      return entry('seen', event.device.status, event.device.statusSince, {
        accessIp: event.device.accessIp,
        firmware: event.device.firmware,
      });
    case 'device.status':
      return entry('status', event.status, event.since);
    case 'device.lost':
      return entry('lost', 'down', at);
    case 'agent.state':
    case 'job.target':
      return null;
  }
}

/** A device's status timeline from the stored agent events, newest first, paged with a cursor. */
export async function getDeviceHistory(
  db: Queryable,
  orgId: string,
  id: string,
  query: z.output<typeof deviceHistoryQuerySchema>,
): Promise<DeviceHistory> {
  const row = await deviceRow(db, orgId, id, null);
  const rows = await listDeviceHistory(
    db,
    orgId,
    row.serial,
    query.cursor === undefined ? null : Number(query.cursor),
    query.limit,
  );
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(historyEntry).filter((entry) => entry !== null),
    nextCursor: rows.length > query.limit ? String(page.at(-1)!.id) : null,
  };
}

function seenInput(device: DeviceReport, seenAt: string): SeenDeviceInput {
  return {
    serial: device.serial,
    model: device.model,
    name: device.name,
    mac: device.mac,
    firmware: device.firmware,
    access_ip: device.accessIp,
    port: device.port,
    subnet: device.connection.subnet,
    interface_name: device.connection.interfaceName,
    stack: device.connection.stack,
    clink: device.connection.clink,
    plink: device.connection.plink,
    host_serial: device.connection.hostSerial,
    status: device.status,
    severity: severityOf(device.status),
    status_since: device.statusSince,
    seen_at: seenAt,
    force_since: false,
    ...(device.ftpEnabled === undefined ? {} : { ftp_enabled: device.ftpEnabled }),
    ftp_reported: device.ftpEnabled !== undefined,
  };
}

/**
 * Stores a batch of agent events: appends them to the history and folds them into the devices' current state,
 * a few statements per batch whatever its size. Events must be new (seq above the agent's watermark) and in order.
 * Returns the ids of devices whose current state changed.
 */
export async function applyAgentEvents(
  db: Queryable,
  orgId: string,
  agentId: string,
  events: AgentEvent[],
): Promise<string[]> {
  const seen = new Map<string, SeenDeviceInput>();
  const statusChanges = new Map<string, StatusChangeInput>();
  const lost = new Map<string, { serial: string; at: string }>();
  const voip = new Map<string, VoipReport>();
  // Statuses each device passed through in this batch: a device that changed and came back gets a new start.
  const batchStatuses = new Map<string, Set<string>>();
  const note = (serial: string, status: string) => {
    const statuses = batchStatuses.get(serial) ?? new Set<string>();
    statuses.add(status);
    batchStatuses.set(serial, statuses);
  };

  for (const event of events) {
    if (event.kind === 'device.seen') note(event.device.serial, event.device.status);
    else if (event.kind === 'device.status') note(event.serial, event.status);
    else if (event.kind === 'device.lost') note(event.serial, 'down');
    switch (event.kind) {
      case 'device.seen':
        seen.set(event.device.serial, seenInput(event.device, event.at));
        if (event.device.voipLines) {
          voip.set(event.device.serial, { serial: event.device.serial, lines: event.device.voipLines, at: event.at });
        }
        statusChanges.delete(event.device.serial);
        lost.delete(event.device.serial);
        break;
      case 'device.status': {
        const severity = severityOf(event.status);
        const pending = seen.get(event.serial);
        if (pending && !lost.has(event.serial)) {
          Object.assign(pending, { status: event.status, severity, status_since: event.since, seen_at: event.at });
        } else {
          statusChanges.set(event.serial, {
            serial: event.serial,
            status: event.status,
            severity,
            since: event.since,
            at: event.at,
            force_since: false,
          });
          lost.delete(event.serial);
        }
        break;
      }
      case 'device.lost':
        statusChanges.delete(event.serial);
        lost.set(event.serial, { serial: event.serial, at: event.at });
        break;
      case 'agent.state':
      case 'job.target':
        break;
    }
  }

  await insertDeviceEvents(
    db,
    orgId,
    agentId,
    events.map((event) => {
      const { seq, at, kind, ...payload } = event;
      const serial =
        event.kind === 'device.seen' ? event.device.serial : event.kind === 'agent.state' ? null : event.serial;
      return { seq, kind, serial, payload, occurred_at: at };
    }),
  );
  const varied = (serial: string) => (batchStatuses.get(serial)?.size ?? 0) > 1;
  for (const row of seen.values()) row.force_since = varied(row.serial);
  for (const row of statusChanges.values()) row.force_since = varied(row.serial);
  const changed = new Set<string>();
  for (const id of await upsertSeenDevices(db, orgId, agentId, [...seen.values()])) changed.add(id);
  await storeVoipReports(db, orgId, [...voip.values()]);
  for (const id of await applyStatusChanges(db, orgId, [...statusChanges.values()])) changed.add(id);
  for (const id of await markDevicesLost(db, orgId, [...lost.values()])) changed.add(id);
  return [...changed];
}

/** Current DTOs of devices of one organization (for the live feed after ingestion). */
export async function deviceDtosByIds(db: Queryable, orgId: string, ids: string[]): Promise<DeviceDto[]> {
  if (ids.length === 0) return [];
  const paths = await locationPathsOf(db, orgId);
  const rows = await findDevicesByIds(db, orgId, ids, await overflowCutoff(db, orgId));
  return rows.map((row) => toDeviceDto(row, paths));
}

export interface DeviceCount {
  model: DeviceModel;
  agentId: string | null;
  severity: Severity;
  count: number;
}

/** Device counts of an organization per model, server and severity (Overflowed devices count as issues). */
export async function countDevices(db: Queryable, orgId: string, plan?: PlanOverride): Promise<DeviceCount[]> {
  const rows = await countDevicesByModelAndAgent(db, orgId, await overflowCutoff(db, orgId, plan));
  return rows.flatMap((row) => {
    const model = deviceModelSchema.safeParse(row.model);
    return model.success ? [{ ...row, model: model.data }] : [];
  });
}

export interface LocationDeviceCount {
  locationId: string | null;
  severity: Severity;
  count: number;
}

/** Device counts of an organization per location and severity (Overflowed devices count as issues). */
export async function countDevicesByLocation(
  db: Queryable,
  orgId: string,
  plan?: PlanOverride,
): Promise<LocationDeviceCount[]> {
  return countDevicesByLocationRows(db, orgId, await overflowCutoff(db, orgId, plan));
}

export type RecentStatusChange = Dashboard['recentChanges'][number];

/** The organization's latest device status changes, newest first. */
export async function recentStatusChanges(db: Queryable, orgId: string, limit: number): Promise<RecentStatusChange[]> {
  const rows = await listRecentDeviceEvents(db, orgId, limit);
  return rows.flatMap((row) => {
    const entry = row.serial === null ? null : historyEntry(row);
    if (!entry || row.serial === null) return [];
    return [
      {
        deviceId: row.deviceId,
        serial: row.serial,
        name: row.name,
        kind: entry.kind,
        status: entry.status,
        severity: entry.severity,
        at: entry.at,
      },
    ];
  });
}

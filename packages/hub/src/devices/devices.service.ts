import {
  appError,
  deviceListQuerySchema,
  deviceModelCatalog,
  deviceModels,
  deviceModelSchema,
  deviceStatusSchema,
  formatConnectionPath,
  modelInfo,
  severityOf,
  type AgentEvent,
  type DeviceDto,
  type DeviceList,
  type DeviceReport,
} from '@tutti/protocol';
import type { z } from 'zod';
import type { Queryable } from '../db/index.ts';
import {
  applyStatusChanges,
  findDevice,
  findDevicesByIds,
  insertDeviceEvents,
  listDevices,
  markDevicesLost,
  upsertSeenDevices,
  type DeviceRow,
  type SeenDeviceInput,
  type StatusChangeInput,
} from './devices.queries.ts';

export function toDeviceDto(row: DeviceRow): DeviceDto {
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
    location: null,
  };
}

function modelsMatching(q: string | undefined): string[] {
  if (!q) return [];
  const needle = q.toLowerCase();
  return deviceModels.filter((model) => deviceModelCatalog[model].name.toLowerCase().includes(needle));
}

export async function listDevicesOf(
  db: Queryable,
  orgId: string,
  query: z.output<typeof deviceListQuerySchema>,
): Promise<DeviceList> {
  const result = await listDevices(
    db,
    { orgId, q: query.q, modelsMatchingQ: modelsMatching(query.q), statuses: query.status, severity: query.severity },
    query.sort,
    query.page,
    query.limit,
  );
  return {
    items: result.items.map(toDeviceDto),
    total: result.total,
    page: query.page,
    limit: query.limit,
    counts: result.counts,
  };
}

export async function getDevice(db: Queryable, orgId: string, id: string): Promise<DeviceDto> {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await findDevice(db, orgId, id) : null;
  if (!row) throw appError('DEVICE_NOT_FOUND', { id });
  return toDeviceDto(row);
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

  for (const event of events) {
    switch (event.kind) {
      case 'device.seen':
        seen.set(event.device.serial, seenInput(event.device, event.at));
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
  const changed = new Set<string>();
  for (const id of await upsertSeenDevices(db, orgId, agentId, [...seen.values()])) changed.add(id);
  for (const id of await applyStatusChanges(db, orgId, [...statusChanges.values()])) changed.add(id);
  for (const id of await markDevicesLost(db, orgId, [...lost.values()])) changed.add(id);
  return [...changed];
}

export async function deviceDtosByIds(db: Queryable, ids: string[]): Promise<DeviceDto[]> {
  return (await findDevicesByIds(db, ids)).map(toDeviceDto);
}

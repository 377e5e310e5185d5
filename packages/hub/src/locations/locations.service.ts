import {
  appError,
  locationPaths,
  type AssignLocationResult,
  type assignLocationRequestSchema,
  type createLocationRequestSchema,
  type DeleteLocationResult,
  type LocationDeviceCounts,
  type LocationDto,
  type LocationList,
  type updateLocationRequestSchema,
} from '@tutti/protocol';
import type { z } from 'zod';
import { recordAudit, type AuditEntry } from '../audit/index.ts';
import type { AuthContext, ClientInfo } from '../auth/index.ts';
import type { Queryable, Tx } from '../db/index.ts';
import { countDevicesByLocation, type PlanOverride } from '../devices/index.ts';
import {
  deleteLocation,
  findLocation,
  insertLocation,
  isWithinSubtree,
  listLocationRows,
  moveLocationDevices,
  nextSort,
  reparentChildren,
  setDevicesLocation,
  siblingNameTaken,
  updateLocation,
  type LocationRow,
} from './locations.queries.ts';

const zeroCounts = (): LocationDeviceCounts => ({ healthy: 0, issue: 0, down: 0, total: 0 });

/** Parents before their children, siblings in their stored order (rows arrive sorted by sort, then name). */
function inTreeOrder(rows: LocationRow[]): LocationRow[] {
  const children = new Map<string | null, LocationRow[]>();
  const ids = new Set(rows.map((row) => row.id));
  for (const row of rows) {
    const parent = row.parentId !== null && ids.has(row.parentId) ? row.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), row]);
  }
  const ordered: LocationRow[] = [];
  const visit = (parent: string | null) => {
    for (const row of children.get(parent) ?? []) {
      ordered.push(row);
      visit(row.id);
    }
  };
  visit(null);
  return ordered;
}

/** The organization's location tree with device counts rolled up from every node to its ancestors. */
export async function listLocations(db: Queryable, orgId: string, plan?: PlanOverride): Promise<LocationList> {
  const rows = inTreeOrder(await listLocationRows(db, orgId));
  const paths = locationPaths(rows);
  const parentOf = new Map(rows.map((row) => [row.id, row.parentId]));
  const rolledUp = new Map(rows.map((row) => [row.id, zeroCounts()]));
  const direct = new Map<string, number>();
  const unassigned = zeroCounts();
  for (const { locationId, severity, count } of await countDevicesByLocation(db, orgId, plan)) {
    if (locationId === null || !rolledUp.has(locationId)) {
      unassigned[severity] += count;
      unassigned.total += count;
      continue;
    }
    direct.set(locationId, (direct.get(locationId) ?? 0) + count);
    for (let node: string | null | undefined = locationId; node; node = parentOf.get(node)) {
      const counts = rolledUp.get(node)!;
      counts[severity] += count;
      counts.total += count;
    }
  }
  const items: LocationDto[] = rows.map((row) => ({
    id: row.id,
    parentId: row.parentId,
    name: row.name,
    kind: row.kind,
    sort: row.sort,
    path: paths.get(row.id)!,
    devices: rolledUp.get(row.id)!,
    directDevices: direct.get(row.id) ?? 0,
  }));
  return { items, unassigned };
}

async function existing(tx: Tx, orgId: string, id: string): Promise<LocationRow> {
  const row = await findLocation(tx, orgId, id);
  if (!row) throw appError('LOCATION_NOT_FOUND', { id });
  return row;
}

async function assertNameFree(tx: Tx, orgId: string, parentId: string | null, name: string, exceptId: string | null) {
  if (await siblingNameTaken(tx, orgId, parentId, name, exceptId)) {
    throw appError('LOCATION_NAME_TAKEN', { name, parentId });
  }
}

async function locationDto(tx: Tx, orgId: string, id: string): Promise<LocationDto> {
  const { items } = await listLocations(tx, orgId);
  return items.find((item) => item.id === id)!;
}

type LocationAuditEntry = Omit<AuditEntry, 'orgId' | 'actorUserId' | 'actorLabel' | 'ip'>;

function audit(tx: Tx, auth: AuthContext, client: ClientInfo, entry: LocationAuditEntry) {
  return recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    ip: client.ip,
    ...entry,
  });
}

export async function createLocation(
  tx: Tx,
  auth: AuthContext,
  request: z.output<typeof createLocationRequestSchema>,
  client: ClientInfo,
): Promise<LocationDto> {
  if (request.parentId !== null) await existing(tx, auth.orgId, request.parentId);
  await assertNameFree(tx, auth.orgId, request.parentId, request.name, null);
  const sort = request.sort ?? (await nextSort(tx, auth.orgId, request.parentId));
  const id = await insertLocation(tx, {
    orgId: auth.orgId,
    parentId: request.parentId,
    name: request.name,
    kind: request.kind,
    sort,
  });
  const after = { name: request.name, kind: request.kind, parentId: request.parentId, sort };
  await audit(tx, auth, client, { action: 'location.create', target: `location:${id}`, after });
  return locationDto(tx, auth.orgId, id);
}

/** Rename, change kind, reorder, or move under another parent (never into its own subtree). */
export async function updateLocationOf(
  tx: Tx,
  auth: AuthContext,
  id: string,
  request: z.output<typeof updateLocationRequestSchema>,
  client: ClientInfo,
): Promise<LocationDto> {
  const before = await existing(tx, auth.orgId, id);
  const parentId = request.parentId === undefined ? before.parentId : request.parentId;
  if (parentId !== null && parentId !== before.parentId) {
    await existing(tx, auth.orgId, parentId);
    if (await isWithinSubtree(tx, auth.orgId, id, parentId)) throw appError('LOCATION_CYCLE', { id, parentId });
  }
  const name = request.name ?? before.name;
  if (name !== before.name || parentId !== before.parentId) await assertNameFree(tx, auth.orgId, parentId, name, id);
  const sort = request.sort ?? (parentId === before.parentId ? before.sort : await nextSort(tx, auth.orgId, parentId));
  const after = { name, kind: request.kind ?? before.kind, parentId, sort };
  await updateLocation(tx, auth.orgId, id, after);
  await audit(tx, auth, client, {
    action: parentId === before.parentId ? 'location.update' : 'location.move',
    target: `location:${id}`,
    before: { name: before.name, kind: before.kind, parentId: before.parentId, sort: before.sort },
    after,
  });
  return locationDto(tx, auth.orgId, id);
}

/**
 * Deletes a location. Its devices fall back to its parent (unassigned for a top-level location) and its
 * sub-locations move up to the parent, so nothing below is lost. Returns the ids of the devices that moved.
 */
export async function deleteLocationOf(
  tx: Tx,
  auth: AuthContext,
  id: string,
  client: ClientInfo,
): Promise<{ result: DeleteLocationResult; movedDeviceIds: string[] }> {
  const location = await existing(tx, auth.orgId, id);
  const children = (await listLocationRows(tx, auth.orgId)).filter((row) => row.parentId === id);
  for (const child of children) await assertNameFree(tx, auth.orgId, location.parentId, child.name, child.id);
  const movedDeviceIds = await moveLocationDevices(tx, auth.orgId, id, location.parentId);
  const childrenMoved = await reparentChildren(tx, auth.orgId, id, location.parentId);
  await deleteLocation(tx, auth.orgId, id);
  const result = { devicesMovedTo: location.parentId, devicesMoved: movedDeviceIds.length, childrenMoved };
  await audit(tx, auth, client, {
    action: 'location.delete',
    target: `location:${id}`,
    before: { name: location.name, kind: location.kind, parentId: location.parentId },
    after: result,
  });
  return { result, movedDeviceIds };
}

/** Puts devices into a location, or takes them out of any with a null location. All or nothing. */
export async function assignDevicesToLocation(
  tx: Tx,
  auth: AuthContext,
  request: z.output<typeof assignLocationRequestSchema>,
  client: ClientInfo,
): Promise<{ result: AssignLocationResult; deviceIds: string[] }> {
  if (request.locationId !== null) await existing(tx, auth.orgId, request.locationId);
  const wanted = [...new Set(request.deviceIds)];
  const deviceIds = await setDevicesLocation(tx, auth.orgId, wanted, request.locationId);
  if (deviceIds.length !== wanted.length) {
    const found = new Set(deviceIds);
    throw appError('DEVICE_NOT_FOUND', { ids: wanted.filter((deviceId) => !found.has(deviceId)) });
  }
  await audit(tx, auth, client, {
    action: 'device.assign_location',
    target: request.locationId === null ? 'location:none' : `location:${request.locationId}`,
    after: { locationId: request.locationId, deviceIds },
  });
  return { result: { assigned: deviceIds.length }, deviceIds };
}

import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/index.ts';
import { devices, locations } from '../db/schema.ts';

export type LocationRow = typeof locations.$inferSelect;

export async function listLocationRows(db: Queryable, orgId: string): Promise<LocationRow[]> {
  return db
    .select()
    .from(locations)
    .where(eq(locations.orgId, orgId))
    .orderBy(asc(locations.sort), asc(locations.name), asc(locations.id));
}

export async function findLocation(db: Queryable, orgId: string, id: string): Promise<LocationRow | null> {
  const [row] = await db
    .select()
    .from(locations)
    .where(and(eq(locations.orgId, orgId), eq(locations.id, id)))
    .limit(1);
  return row ?? null;
}

/** Whether a sibling under `parentId` already has this name (case-insensitive), other than `exceptId`. */
export async function siblingNameTaken(
  db: Queryable,
  orgId: string,
  parentId: string | null,
  name: string,
  exceptId: string | null,
): Promise<boolean> {
  const [row] = await db
    .select({ id: locations.id })
    .from(locations)
    .where(
      and(
        eq(locations.orgId, orgId),
        parentId === null ? isNull(locations.parentId) : eq(locations.parentId, parentId),
        sql`lower(${locations.name}) = lower(${name})`,
        exceptId === null ? undefined : sql`${locations.id} <> ${exceptId}`,
      ),
    )
    .limit(1);
  return row !== undefined;
}

/** The next free position after the last sibling. */
export async function nextSort(db: Queryable, orgId: string, parentId: string | null): Promise<number> {
  const [row] = await db
    .select({ next: sql<number>`coalesce(max(${locations.sort}) + 1, 0)::int` })
    .from(locations)
    .where(
      and(
        eq(locations.orgId, orgId),
        parentId === null ? isNull(locations.parentId) : eq(locations.parentId, parentId),
      ),
    );
  return row?.next ?? 0;
}

export async function insertLocation(db: Queryable, values: typeof locations.$inferInsert): Promise<string> {
  const [row] = await db.insert(locations).values(values).returning({ id: locations.id });
  return row!.id;
}

export async function updateLocation(
  db: Queryable,
  orgId: string,
  id: string,
  values: Partial<Pick<LocationRow, 'name' | 'kind' | 'parentId' | 'sort'>>,
): Promise<void> {
  await db
    .update(locations)
    .set(values)
    .where(and(eq(locations.orgId, orgId), eq(locations.id, id)));
}

/** Moves the children of a location to another parent; returns how many moved. */
export async function reparentChildren(
  db: Queryable,
  orgId: string,
  fromId: string,
  toId: string | null,
): Promise<number> {
  const moved = await db
    .update(locations)
    .set({ parentId: toId })
    .where(and(eq(locations.orgId, orgId), eq(locations.parentId, fromId)))
    .returning({ id: locations.id });
  return moved.length;
}

/** Moves every device of one location to another (or to none); returns the ids of the devices moved. */
export async function moveLocationDevices(
  db: Queryable,
  orgId: string,
  fromId: string,
  toId: string | null,
): Promise<string[]> {
  const moved = await db
    .update(devices)
    .set({ locationId: toId, updatedAt: sql`now()` })
    .where(and(eq(devices.orgId, orgId), eq(devices.locationId, fromId)))
    .returning({ id: devices.id });
  return moved.map((row) => row.id);
}

export async function deleteLocation(db: Queryable, orgId: string, id: string): Promise<void> {
  await db.delete(locations).where(and(eq(locations.orgId, orgId), eq(locations.id, id)));
}

/** Puts devices of the organization into a location (or none); returns the ids of the devices found. */
export async function setDevicesLocation(
  db: Queryable,
  orgId: string,
  deviceIds: string[],
  locationId: string | null,
): Promise<string[]> {
  const updated = await db
    .update(devices)
    .set({ locationId, updatedAt: sql`now()` })
    .where(and(eq(devices.orgId, orgId), inArray(devices.id, deviceIds)))
    .returning({ id: devices.id });
  return updated.map((row) => row.id);
}

/** Whether `candidateId` is `ancestorId` itself or lies anywhere below it. */
export async function isWithinSubtree(
  db: Queryable,
  orgId: string,
  ancestorId: string,
  candidateId: string,
): Promise<boolean> {
  const rows = rowsOf<{ found: boolean }>(
    await db.execute(sql`
      WITH RECURSIVE subtree(id) AS (
        SELECT id FROM locations WHERE org_id = ${orgId} AND id = ${ancestorId}
        UNION
        SELECT child.id FROM locations AS child JOIN subtree ON child.parent_id = subtree.id WHERE child.org_id = ${orgId}
      )
      SELECT EXISTS (SELECT 1 FROM subtree WHERE id = ${candidateId}) AS found`),
  );
  return rows[0]?.found === true;
}

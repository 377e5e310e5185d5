import { and, desc, eq, lt } from 'drizzle-orm';
import type { Queryable } from '../db/index.ts';
import { deviceLogs } from '../db/schema.ts';

const summaryColumns = {
  id: deviceLogs.id,
  deviceId: deviceLogs.deviceId,
  serial: deviceLogs.serial,
  deviceName: deviceLogs.deviceName,
  model: deviceLogs.model,
  jobId: deviceLogs.jobId,
  sizeBytes: deviceLogs.sizeBytes,
  sha256: deviceLogs.sha256,
  createdAt: deviceLogs.createdAt,
};
export type DeviceLogRow = Awaited<ReturnType<typeof listDeviceLogRows>>[number];

export async function listDeviceLogRows(
  db: Queryable,
  orgId: string,
  filter: { deviceId?: string | undefined; jobId?: string | undefined },
) {
  const conditions = [eq(deviceLogs.orgId, orgId)];
  if (filter.deviceId) conditions.push(eq(deviceLogs.deviceId, filter.deviceId));
  if (filter.jobId) conditions.push(eq(deviceLogs.jobId, filter.jobId));
  return db
    .select(summaryColumns)
    .from(deviceLogs)
    .where(and(...conditions))
    .orderBy(desc(deviceLogs.createdAt), deviceLogs.serial)
    .limit(5000);
}

export async function findDeviceLogRow(db: Queryable, orgId: string, id: string): Promise<DeviceLogRow | undefined> {
  const [row] = await db
    .select(summaryColumns)
    .from(deviceLogs)
    .where(and(eq(deviceLogs.orgId, orgId), eq(deviceLogs.id, id)));
  return row;
}

/** Summaries and contents of a job's logs, by serial: the ZIP is built from them. */
export async function jobLogContents(db: Queryable, orgId: string, jobId: string) {
  return db
    .select({ ...summaryColumns, content: deviceLogs.content })
    .from(deviceLogs)
    .where(and(eq(deviceLogs.orgId, orgId), eq(deviceLogs.jobId, jobId)))
    .orderBy(deviceLogs.serial, desc(deviceLogs.createdAt));
}

export async function deviceLogContent(db: Queryable, orgId: string, id: string) {
  const [row] = await db
    .select({ content: deviceLogs.content, sha256: deviceLogs.sha256 })
    .from(deviceLogs)
    .where(and(eq(deviceLogs.orgId, orgId), eq(deviceLogs.id, id)));
  return row;
}

export async function deviceLogOfTarget(db: Queryable, targetId: string, attempt: number) {
  const [row] = await db
    .select({ id: deviceLogs.id, sizeBytes: deviceLogs.sizeBytes })
    .from(deviceLogs)
    .where(and(eq(deviceLogs.targetId, targetId), eq(deviceLogs.attempt, attempt)));
  return row;
}

export async function insertDeviceLog(db: Queryable, values: typeof deviceLogs.$inferInsert) {
  const [row] = await db.insert(deviceLogs).values(values).returning({ id: deviceLogs.id });
  return row!;
}

/** Removes logs collected before `before` (every organization): the retention sweep. */
export async function deleteDeviceLogsBefore(db: Queryable, before: Date): Promise<number> {
  const rows = await db.delete(deviceLogs).where(lt(deviceLogs.createdAt, before)).returning({ id: deviceLogs.id });
  return rows.length;
}

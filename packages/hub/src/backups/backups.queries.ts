import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../db/index.ts';
import { deviceBackups } from '../db/schema.ts';

const summaryColumns = {
  id: deviceBackups.id,
  orgId: deviceBackups.orgId,
  deviceId: deviceBackups.deviceId,
  serial: deviceBackups.serial,
  model: deviceBackups.model,
  version: deviceBackups.version,
  sizeBytes: deviceBackups.sizeBytes,
  sha256: deviceBackups.sha256,
  jobId: deviceBackups.jobId,
  createdAt: deviceBackups.createdAt,
};
export type BackupRow = Awaited<ReturnType<typeof listBackupRows>>[number];

export async function listBackupRows(db: Queryable, orgId: string, deviceId: string | undefined) {
  const conditions = [eq(deviceBackups.orgId, orgId)];
  if (deviceId) conditions.push(eq(deviceBackups.deviceId, deviceId));
  return db
    .select(summaryColumns)
    .from(deviceBackups)
    .where(and(...conditions))
    .orderBy(deviceBackups.serial, desc(deviceBackups.version))
    .limit(5000);
}

export async function findBackupRow(db: Queryable, orgId: string, id: string): Promise<BackupRow | undefined> {
  const [row] = await db
    .select(summaryColumns)
    .from(deviceBackups)
    .where(and(eq(deviceBackups.orgId, orgId), eq(deviceBackups.id, id)));
  return row;
}

export async function backupContent(db: Queryable, orgId: string, id: string) {
  const [row] = await db
    .select({ content: deviceBackups.content, sha256: deviceBackups.sha256 })
    .from(deviceBackups)
    .where(and(eq(deviceBackups.orgId, orgId), eq(deviceBackups.id, id)));
  return row;
}

/** Newest backup of each of these devices. */
export async function newestBackups(db: Queryable, orgId: string, deviceIds: readonly string[]) {
  if (deviceIds.length === 0) return [];
  return db
    .selectDistinctOn([deviceBackups.deviceId], summaryColumns)
    .from(deviceBackups)
    .where(and(eq(deviceBackups.orgId, orgId), inArray(deviceBackups.deviceId, [...deviceIds])))
    .orderBy(deviceBackups.deviceId, desc(deviceBackups.version));
}

export async function backupOfTarget(db: Queryable, targetId: string, attempt: number) {
  const [row] = await db
    .select({ id: deviceBackups.id, version: deviceBackups.version, sha256: deviceBackups.sha256 })
    .from(deviceBackups)
    .where(and(eq(deviceBackups.targetId, targetId), eq(deviceBackups.attempt, attempt)));
  return row;
}

/** Stores the next version of a device's configuration; the serial's rows are locked so versions never collide. */
export async function insertBackup(db: Queryable, values: Omit<typeof deviceBackups.$inferInsert, 'version'>) {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`backup:${values.orgId}:${values.serial}`}))`);
  const [latest] = await db
    .select({ version: sql<number>`coalesce(max(${deviceBackups.version}), 0)::int` })
    .from(deviceBackups)
    .where(and(eq(deviceBackups.orgId, values.orgId), eq(deviceBackups.serial, values.serial)));
  const version = (latest?.version ?? 0) + 1;
  const [row] = await db
    .insert(deviceBackups)
    .values({ ...values, version })
    .returning({ id: deviceBackups.id, version: deviceBackups.version });
  return row!;
}

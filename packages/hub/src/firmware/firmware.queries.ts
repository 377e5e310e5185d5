import { and, desc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/index.ts';
import { firmwarePackages } from '../db/schema.ts';

const summaryColumns = {
  id: firmwarePackages.id,
  orgId: firmwarePackages.orgId,
  modelFamily: firmwarePackages.modelFamily,
  version: firmwarePackages.version,
  releaseNotes: firmwarePackages.releaseNotes,
  fileName: firmwarePackages.fileName,
  sizeBytes: firmwarePackages.sizeBytes,
  sha256: firmwarePackages.sha256,
  uploadedBy: firmwarePackages.uploadedBy,
  createdAt: firmwarePackages.createdAt,
};
export type FirmwareRow = Awaited<ReturnType<typeof listFirmwareRows>>[number];

export async function listFirmwareRows(db: Queryable, orgId: string) {
  return db
    .select(summaryColumns)
    .from(firmwarePackages)
    .where(eq(firmwarePackages.orgId, orgId))
    .orderBy(firmwarePackages.modelFamily, desc(firmwarePackages.createdAt));
}

export async function findFirmwareRow(db: Queryable, orgId: string, id: string): Promise<FirmwareRow | undefined> {
  const [row] = await db
    .select(summaryColumns)
    .from(firmwarePackages)
    .where(and(eq(firmwarePackages.orgId, orgId), eq(firmwarePackages.id, id)));
  return row;
}

export async function firmwareVersionExists(db: Queryable, orgId: string, modelFamily: string, version: string) {
  const [row] = await db
    .select({ id: firmwarePackages.id })
    .from(firmwarePackages)
    .where(
      and(
        eq(firmwarePackages.orgId, orgId),
        eq(firmwarePackages.modelFamily, modelFamily),
        eq(firmwarePackages.version, version),
      ),
    );
  return row !== undefined;
}

export async function insertFirmware(db: Queryable, values: typeof firmwarePackages.$inferInsert) {
  const [row] = await db.insert(firmwarePackages).values(values).returning({ id: firmwarePackages.id });
  return row!;
}

export async function firmwareContent(db: Queryable, orgId: string, id: string) {
  const [row] = await db
    .select({ content: firmwarePackages.content, sha256: firmwarePackages.sha256 })
    .from(firmwarePackages)
    .where(and(eq(firmwarePackages.orgId, orgId), eq(firmwarePackages.id, id)));
  return row;
}

/** Newest version of each family in the catalog, for "Update Available". */
export async function latestVersions(db: Queryable, orgId: string) {
  return db
    .select({ modelFamily: firmwarePackages.modelFamily, version: firmwarePackages.version })
    .from(firmwarePackages)
    .where(eq(firmwarePackages.orgId, orgId));
}

import { and, desc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/index.ts';
import { configurationFiles } from '../db/schema.ts';

const summaryColumns = {
  id: configurationFiles.id,
  name: configurationFiles.name,
  fileName: configurationFiles.fileName,
  model: configurationFiles.model,
  sizeBytes: configurationFiles.sizeBytes,
  sha256: configurationFiles.sha256,
  uploadedBy: configurationFiles.uploadedBy,
  createdAt: configurationFiles.createdAt,
};
export type ConfigurationRow = Awaited<ReturnType<typeof listConfigurationRows>>[number];

export async function listConfigurationRows(db: Queryable, orgId: string) {
  return db
    .select(summaryColumns)
    .from(configurationFiles)
    .where(eq(configurationFiles.orgId, orgId))
    .orderBy(configurationFiles.model, desc(configurationFiles.createdAt))
    .limit(5000);
}

export async function findConfigurationRow(db: Queryable, orgId: string, id: string) {
  const [row] = await db
    .select(summaryColumns)
    .from(configurationFiles)
    .where(and(eq(configurationFiles.orgId, orgId), eq(configurationFiles.id, id)));
  return row;
}

export async function configurationContent(db: Queryable, orgId: string, id: string) {
  const [row] = await db
    .select({ content: configurationFiles.content, sha256: configurationFiles.sha256 })
    .from(configurationFiles)
    .where(and(eq(configurationFiles.orgId, orgId), eq(configurationFiles.id, id)));
  return row;
}

export async function insertConfiguration(db: Queryable, values: typeof configurationFiles.$inferInsert) {
  const [row] = await db.insert(configurationFiles).values(values).returning({ id: configurationFiles.id });
  return row!;
}

import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../db/index.ts';
import { configurationFiles, jobs } from '../db/schema.ts';

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

export async function renameConfigurationRow(db: Queryable, orgId: string, id: string, name: string) {
  const [row] = await db
    .update(configurationFiles)
    .set({ name })
    .where(and(eq(configurationFiles.orgId, orgId), eq(configurationFiles.id, id)))
    .returning({ id: configurationFiles.id });
  return row !== undefined;
}

export async function deleteConfigurationRow(db: Queryable, orgId: string, id: string) {
  const [row] = await db
    .delete(configurationFiles)
    .where(and(eq(configurationFiles.orgId, orgId), eq(configurationFiles.id, id)))
    .returning({ id: configurationFiles.id });
  return row !== undefined;
}

/** Jobs that still load the file: running, or halted and so able to go on. */
export async function jobsLoadingConfiguration(db: Queryable, orgId: string, id: string): Promise<string[]> {
  const rows = await db
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      and(
        eq(jobs.orgId, orgId),
        eq(jobs.kind, 'config_load'),
        inArray(jobs.state, ['running', 'halted']),
        sql`${jobs.operation}->>'configurationId' = ${id}`,
      ),
    )
    .limit(10);
  return rows.map((row) => row.id);
}

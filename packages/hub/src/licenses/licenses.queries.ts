import { and, eq, gt } from 'drizzle-orm';
import type { Queryable } from '../db/index.ts';
import { licenses } from '../db/schema.ts';

export type LicenseRow = typeof licenses.$inferSelect;

export async function findLicense(db: Queryable, orgId: string): Promise<LicenseRow | null> {
  const [row] = await db.select().from(licenses).where(eq(licenses.orgId, orgId)).limit(1);
  return row ?? null;
}

export async function upsertLicense(db: Queryable, values: typeof licenses.$inferInsert): Promise<void> {
  await db
    .insert(licenses)
    .values(values)
    .onConflictDoUpdate({
      target: licenses.orgId,
      set: {
        payload: values.payload,
        signature: values.signature,
        maxProAudioDevices: values.maxProAudioDevices,
        expiresAt: values.expiresAt,
        installedAt: values.installedAt,
      },
    });
}

/** The device limit of a license still in force, or null. */
export async function findLicensedLimit(db: Queryable, orgId: string, now: Date): Promise<number | null> {
  const [row] = await db
    .select({ limit: licenses.maxProAudioDevices })
    .from(licenses)
    .where(and(eq(licenses.orgId, orgId), gt(licenses.expiresAt, now)))
    .limit(1);
  return row?.limit ?? null;
}

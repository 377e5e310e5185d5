import { eq } from 'drizzle-orm';
import type { Queryable } from '../db/index.ts';
import { organizations } from '../db/schema.ts';

export async function findOrganizationByAccount(db: Queryable, accountNumber: string) {
  const [row] = await db.select().from(organizations).where(eq(organizations.accountNumber, accountNumber)).limit(1);
  return row ?? null;
}

export async function insertOrganization(db: Queryable, values: typeof organizations.$inferInsert) {
  const [row] = await db.insert(organizations).values(values).returning();
  return row!;
}

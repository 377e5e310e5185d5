import { desc, sql } from 'drizzle-orm';
import type { Queryable } from '../db/index.ts';
import { auditLog } from '../db/schema.ts';

/** Serialises appends so each entry's prevHash is the hash of the entry before it. */
const AUDIT_CHAIN_LOCK_KEY = 7_242_027;

export async function lockAuditChain(db: Queryable): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`);
}

export async function lastAuditHash(db: Queryable): Promise<string | null> {
  const [row] = await db.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  return row?.hash ?? null;
}

export async function insertAuditEntry(db: Queryable, entry: typeof auditLog.$inferInsert): Promise<void> {
  await db.insert(auditLog).values(entry);
}

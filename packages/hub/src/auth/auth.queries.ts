import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Queryable } from '../db/index.ts';
import { memberships, organizations, sessions, users } from '../db/schema.ts';

export async function findUserByEmail(db: Queryable, email: string) {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`)
    .limit(1);
  return row ?? null;
}

export async function findUserById(db: Queryable, id: string) {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

export async function listMemberships(db: Queryable, userId: string) {
  return db
    .select({
      organizationId: memberships.orgId,
      organizationName: organizations.name,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .orderBy(organizations.name);
}

export async function insertSession(db: Queryable, values: typeof sessions.$inferInsert) {
  const [row] = await db.insert(sessions).values(values).returning();
  return row!;
}

export async function findLiveSessionByTokenHash(db: Queryable, tokenHash: string, now: Date) {
  const [row] = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .limit(1);
  return row ?? null;
}

export async function touchSession(db: Queryable, id: string, now: Date, expiresAt: Date) {
  await db.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.id, id));
}

export async function revokeSession(db: Queryable, id: string, now: Date) {
  await db.update(sessions).set({ revokedAt: now }).where(eq(sessions.id, id));
}

export async function markUserAccessed(db: Queryable, userId: string, now: Date) {
  await db.update(users).set({ lastAccessedAt: now }).where(eq(users.id, userId));
}

export async function insertUser(db: Queryable, values: typeof users.$inferInsert) {
  const [row] = await db.insert(users).values(values).returning();
  return row!;
}

export async function insertMembership(db: Queryable, values: typeof memberships.$inferInsert) {
  await db.insert(memberships).values(values).onConflictDoNothing();
}

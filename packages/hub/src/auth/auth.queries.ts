import { and, desc, eq, gt, isNull, ne, or, sql } from 'drizzle-orm';
import type { Queryable } from '../db/index.ts';
import { apiTokens, memberships, organizations, passwordResets, sessions, users } from '../db/schema.ts';

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
      organizationKind: organizations.kind,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(and(eq(memberships.userId, userId), isNull(memberships.disabledAt)))
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

export async function listLiveSessions(db: Queryable, userId: string, now: Date) {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.lastSeenAt));
}

/** Revokes one of the user's sessions; answers whether it was theirs and still live. */
export async function revokeOwnSession(db: Queryable, userId: string, id: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.id, id), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.length > 0;
}

/** Revokes every live session of a user, except `keepId` when given; answers how many. */
export async function revokeUserSessions(db: Queryable, userId: string, now: Date, keepId: string | null = null) {
  const conditions = [eq(sessions.userId, userId), isNull(sessions.revokedAt)];
  if (keepId) conditions.push(ne(sessions.id, keepId));
  const rows = await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(...conditions))
    .returning({ id: sessions.id });
  return rows.length;
}

export async function setSessionOrganization(db: Queryable, sessionId: string, orgId: string) {
  await db.update(sessions).set({ currentOrgId: orgId }).where(eq(sessions.id, sessionId));
}

export async function updateUserProfile(
  db: Queryable,
  userId: string,
  values: Partial<Pick<typeof users.$inferInsert, 'name' | 'language' | 'smsNumber'>>,
) {
  await db.update(users).set(values).where(eq(users.id, userId));
}

export async function setUserPassword(db: Queryable, userId: string, passwordHash: string) {
  await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

export async function insertPasswordReset(db: Queryable, values: typeof passwordResets.$inferInsert) {
  await db.insert(passwordResets).values(values);
}

/** Marks a live reset link used and answers its user, or null when the link is unknown, used or expired. */
export async function consumePasswordReset(db: Queryable, tokenHash: string, now: Date): Promise<string | null> {
  const [row] = await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(
      and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)),
    )
    .returning({ userId: passwordResets.userId });
  return row?.userId ?? null;
}

export async function findLiveApiToken(db: Queryable, tokenHash: string, now: Date) {
  const [row] = await db
    .select({ token: apiTokens, orgKind: organizations.kind })
    .from(apiTokens)
    .innerJoin(organizations, eq(organizations.id, apiTokens.orgId))
    .where(
      and(
        eq(apiTokens.tokenHash, tokenHash),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
      ),
    )
    .limit(1);
  return row ?? null;
}

export async function touchApiToken(db: Queryable, id: string, now: Date) {
  await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, id));
}

/** One membership, disabled or not. */
export async function findMembership(db: Queryable, orgId: string, userId: string) {
  const [row] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .limit(1);
  return row ?? null;
}

export async function setMembershipRole(
  db: Queryable,
  orgId: string,
  userId: string,
  role: (typeof memberships.$inferInsert)['role'],
) {
  await db
    .update(memberships)
    .set({ role })
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
}

export async function setUserExternalId(db: Queryable, userId: string, externalId: string) {
  await db.update(users).set({ externalId }).where(eq(users.id, userId));
}

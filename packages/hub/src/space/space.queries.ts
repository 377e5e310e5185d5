import { and, asc, eq, lt } from 'drizzle-orm';
import type { Queryable } from '../db/index.ts';
import { spaceAccounts, spaceLinkRequests } from '../db/schema.ts';

export type SpaceAccountRow = typeof spaceAccounts.$inferSelect;

export async function insertLinkRequest(db: Queryable, values: typeof spaceLinkRequests.$inferInsert) {
  await db.insert(spaceLinkRequests).values(values);
}

/** The link request of this state, removed as it is read: a state works once. Null when unknown or expired. */
export async function takeLinkRequest(db: Queryable, orgId: string, state: string, now: Date) {
  const [row] = await db
    .delete(spaceLinkRequests)
    .where(and(eq(spaceLinkRequests.orgId, orgId), eq(spaceLinkRequests.state, state)))
    .returning();
  return row && row.expiresAt > now ? row : null;
}

/** Link requests abandoned on the consent screen. */
export async function deleteExpiredLinkRequests(db: Queryable, orgId: string, now: Date) {
  await db
    .delete(spaceLinkRequests)
    .where(and(eq(spaceLinkRequests.orgId, orgId), lt(spaceLinkRequests.expiresAt, now)));
}

export async function upsertSpaceAccount(db: Queryable, values: typeof spaceAccounts.$inferInsert) {
  const [row] = await db
    .insert(spaceAccounts)
    .values(values)
    .onConflictDoUpdate({
      target: [spaceAccounts.orgId, spaceAccounts.accountId],
      set: {
        name: values.name,
        plan: values.plan,
        accountStatus: values.accountStatus,
        linkedEmail: values.linkedEmail,
        sealedTokens: values.sealedTokens,
        accessExpiresAt: values.accessExpiresAt,
        linkState: values.linkState,
        lastError: null,
        checkedAt: values.checkedAt,
        linkedByUserId: values.linkedByUserId,
      },
    })
    .returning();
  return row!;
}

export async function listSpaceAccountRows(db: Queryable, orgId: string) {
  return db.select().from(spaceAccounts).where(eq(spaceAccounts.orgId, orgId)).orderBy(asc(spaceAccounts.name));
}

export async function findSpaceAccount(db: Queryable, orgId: string, id: string) {
  const [row] = await db
    .select()
    .from(spaceAccounts)
    .where(and(eq(spaceAccounts.orgId, orgId), eq(spaceAccounts.id, id)))
    .limit(1);
  return row ?? null;
}

/** The account row locked until the transaction ends, so two requests never spend one refresh token. */
export async function lockSpaceAccount(db: Queryable, orgId: string, id: string) {
  const [row] = await db
    .select()
    .from(spaceAccounts)
    .where(and(eq(spaceAccounts.orgId, orgId), eq(spaceAccounts.id, id)))
    .for('update')
    .limit(1);
  return row ?? null;
}

export async function updateSpaceAccount(
  db: Queryable,
  orgId: string,
  id: string,
  change: Partial<Omit<SpaceAccountRow, 'id' | 'orgId' | 'createdAt'>>,
) {
  const [row] = await db
    .update(spaceAccounts)
    .set(change)
    .where(and(eq(spaceAccounts.orgId, orgId), eq(spaceAccounts.id, id)))
    .returning();
  return row!;
}

export async function deleteSpaceAccount(db: Queryable, orgId: string, id: string) {
  await db.delete(spaceAccounts).where(and(eq(spaceAccounts.orgId, orgId), eq(spaceAccounts.id, id)));
}

/** Linked accounts of every organization whose access token expires before `before` (system work, no tenant). */
export async function listAccountsDueForRefresh(db: Queryable, before: Date, limit: number) {
  return db
    .select({ id: spaceAccounts.id, orgId: spaceAccounts.orgId })
    .from(spaceAccounts)
    .where(and(eq(spaceAccounts.linkState, 'linked'), lt(spaceAccounts.accessExpiresAt, before)))
    .limit(limit);
}

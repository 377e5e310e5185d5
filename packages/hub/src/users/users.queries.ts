import { and, asc, desc, eq, gt, ilike, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Role } from '@tutti/protocol';
import { rowsOf, type Queryable } from '../db/index.ts';
import { invitations, memberships, organizations, users } from '../db/schema.ts';

const statusExpression = sql<'invited' | 'registered' | 'disabled'>`CASE
  WHEN ${memberships.disabledAt} IS NOT NULL OR ${users.status} = 'disabled' THEN 'disabled'
  WHEN ${users.status} = 'invited' THEN 'invited'
  ELSE 'registered' END`;

/** Columns the app role may read of a person (never the password hash). */
const orgUserColumns = {
  id: users.id,
  status: statusExpression,
  statusSince: sql<Date>`coalesce(${memberships.disabledAt}, ${memberships.createdAt})`.mapWith(
    (value: string | Date) => new Date(value),
  ),
  name: users.name,
  email: users.email,
  role: memberships.role,
  lastAccessedAt: users.lastAccessedAt,
  type: users.type,
  userStatus: users.status,
  language: users.language,
};

export type OrgUserRow = {
  id: string;
  status: 'invited' | 'registered' | 'disabled';
  statusSince: Date;
  name: string;
  email: string;
  role: Role;
  lastAccessedAt: Date | null;
  type: 'local' | 'ldap' | 'sso';
  userStatus: 'invited' | 'registered' | 'disabled';
  language: string;
};

export interface OrgUserFilter {
  orgId: string;
  q?: string | undefined;
  status?: 'invited' | 'registered' | 'disabled' | undefined;
  role?: Role | undefined;
}

function escapeLike(text: string): string {
  return `%${text.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
}

function userConditions(filter: OrgUserFilter): SQL {
  const conditions: SQL[] = [eq(memberships.orgId, filter.orgId)];
  if (filter.q) conditions.push(or(ilike(users.name, escapeLike(filter.q)), ilike(users.email, escapeLike(filter.q)))!);
  if (filter.status) conditions.push(sql`${statusExpression} = ${filter.status}`);
  if (filter.role) conditions.push(eq(memberships.role, filter.role));
  return and(...conditions)!;
}

function userOrder(sort: string): SQL[] {
  const descending = sort.startsWith('-');
  const field = descending ? sort.slice(1) : sort;
  const columns: Record<string, SQL | AnyPgColumn> = {
    status: statusExpression,
    name: users.name,
    email: users.email,
    role: memberships.role,
    lastAccessedAt: users.lastAccessedAt,
    type: users.type,
  };
  const column = columns[field] ?? users.name;
  return [descending ? desc(column) : asc(column), asc(users.id)];
}

export async function listOrgUsers(
  db: Queryable,
  filter: OrgUserFilter,
  sort: string,
  page: number,
  limit: number,
): Promise<{ items: OrgUserRow[]; total: number }> {
  const where = userConditions(filter);
  const items = await db
    .select(orgUserColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(where)
    .orderBy(...userOrder(sort))
    .limit(limit)
    .offset((page - 1) * limit);
  const [totalRow] = await db
    .select({ total: sql<number>`count(*)::int` })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(where);
  return { items, total: totalRow?.total ?? 0 };
}

export async function findOrgUser(db: Queryable, orgId: string, userId: string): Promise<OrgUserRow | null> {
  const [row] = await db
    .select(orgUserColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .limit(1);
  return row ?? null;
}

/** Finds a person by email or creates an invited local user (a database function: people span organizations). */
export async function findOrInviteUser(db: Queryable, email: string, name: string, language: string): Promise<string> {
  const result = await db.execute(sql`SELECT tutti_find_or_invite_user(${email}, ${name}, ${language}) AS id`);
  return rowsOf<{ id: string }>(result)[0]!.id;
}

export async function insertMembership(db: Queryable, values: { orgId: string; userId: string; role: Role }) {
  await db.insert(memberships).values(values);
}

export async function updateMembership(
  db: Queryable,
  orgId: string,
  userId: string,
  values: { role?: Role; disabledAt?: Date | null },
) {
  await db
    .update(memberships)
    .set(values)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
}

export async function deleteMembership(db: Queryable, orgId: string, userId: string) {
  await db.delete(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
}

export async function countActiveOwners(db: Queryable, orgId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.orgId, orgId),
        eq(memberships.role, 'owner'),
        isNull(memberships.disabledAt),
        eq(users.status, 'registered'),
      ),
    );
  return row?.count ?? 0;
}

export async function insertInvitation(db: Queryable, values: typeof invitations.$inferInsert) {
  await db.insert(invitations).values(values);
}

export async function revokeInvitations(db: Queryable, orgId: string, userId: string, now: Date) {
  await db
    .update(invitations)
    .set({ revokedAt: now })
    .where(
      and(
        eq(invitations.orgId, orgId),
        eq(invitations.userId, userId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    );
}

// ---- System work: the invitation link is opened by someone not yet signed in ----------------------------------

export async function findLiveInvitation(db: Queryable, tokenHash: string, now: Date) {
  const [row] = await db
    .select({
      id: invitations.id,
      orgId: invitations.orgId,
      organizationName: organizations.name,
      userId: users.id,
      email: users.email,
      name: users.name,
      language: users.language,
      userStatus: users.status,
    })
    .from(invitations)
    .innerJoin(users, eq(users.id, invitations.userId))
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .where(
      and(
        eq(invitations.tokenHash, tokenHash),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, now),
      ),
    )
    .limit(1);
  return row ?? null;
}

/** Marks an invitation accepted if it still is live; answers whether this call did it (single use). */
export async function markInvitationAccepted(db: Queryable, id: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(invitations)
    .set({ acceptedAt: now })
    .where(and(eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning({ id: invitations.id });
  return rows.length > 0;
}

export async function registerUser(
  db: Queryable,
  userId: string,
  values: { passwordHash: string; name: string; language: string; termsAcceptedAt: Date },
) {
  await db
    .update(users)
    .set({ ...values, status: 'registered' })
    .where(and(eq(users.id, userId), eq(users.status, 'invited')));
}

export async function acceptTerms(db: Queryable, userId: string, language: string | undefined, at: Date) {
  await db
    .update(users)
    .set({ termsAcceptedAt: at, ...(language ? { language } : {}) })
    .where(eq(users.id, userId));
}

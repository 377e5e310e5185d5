import { and, asc, desc, eq, ilike, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../db/index.ts';
import {
  conversationMembers,
  conversations,
  devices,
  memberships,
  messageAttachments,
  messages,
  organizations,
  users,
} from '../db/schema.ts';

/** A person's active memberships with their role, to find every organization whose chat they take part in. */
export function activeMembershipsOf(db: Queryable, userId: string) {
  return db
    .select({ orgId: memberships.orgId, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), isNull(memberships.disabledAt)));
}

/** Registered people with an active membership in the organization: who can chat and be called there. */
export async function listPeople(db: Queryable, orgId: string, userIds?: string[]) {
  const conditions: SQL[] = [
    eq(memberships.orgId, orgId),
    isNull(memberships.disabledAt),
    eq(users.status, 'registered'),
  ];
  if (userIds)
    conditions.push(inArray(users.id, userIds.length > 0 ? userIds : ['00000000-0000-0000-0000-000000000000']));
  return db
    .select({ userId: users.id, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(...conditions))
    .orderBy(asc(users.name), asc(users.id));
}

const conversationColumns = {
  id: conversations.id,
  orgId: conversations.orgId,
  orgName: organizations.name,
  kind: conversations.kind,
  title: conversations.title,
  deviceId: conversations.deviceId,
  deviceName: devices.name,
  jobId: conversations.jobId,
  lastMessageAt: conversations.lastMessageAt,
  createdAt: conversations.createdAt,
};

/**
 * Conversations the user sees in the given organizations (every channel and thread, direct ones they belong to),
 * with unread counts.
 */
export async function listConversationsOf(db: Queryable, orgIds: string[], userId: string) {
  const lastRead = sql`coalesce(${conversationMembers.lastReadMessageId}, 0)`;
  return db
    .select({
      ...conversationColumns,
      unread: sql<number>`(SELECT count(*)::int FROM ${messages} m WHERE m.conversation_id = ${conversations.id}
        AND m.id > ${lastRead} AND m.author_user_id IS DISTINCT FROM ${userId}::uuid)`,
      unreadMentions: sql<number>`(SELECT count(*)::int FROM ${messages} m WHERE m.conversation_id = ${conversations.id}
        AND m.id > ${lastRead} AND ${userId}::uuid = ANY (m.mentions))`,
    })
    .from(conversations)
    .leftJoin(
      conversationMembers,
      and(eq(conversationMembers.conversationId, conversations.id), eq(conversationMembers.userId, userId)),
    )
    .innerJoin(organizations, eq(organizations.id, conversations.orgId))
    .leftJoin(devices, eq(devices.id, conversations.deviceId))
    .where(
      and(
        inArray(conversations.orgId, orgIds),
        sql`(${conversations.kind} <> 'direct' OR ${conversationMembers.userId} IS NOT NULL)`,
      ),
    )
    .orderBy(sql`${conversations.lastMessageAt} DESC NULLS LAST`, desc(conversations.createdAt));
}

/** The conversation if it belongs to one of the organizations given. */
export async function findConversation(db: Queryable, orgIds: string[], id: string) {
  const [row] = await db
    .select(conversationColumns)
    .from(conversations)
    .innerJoin(organizations, eq(organizations.id, conversations.orgId))
    .leftJoin(devices, eq(devices.id, conversations.deviceId))
    .where(and(inArray(conversations.orgId, orgIds), eq(conversations.id, id)))
    .limit(1);
  return row ?? null;
}

export type ConversationRow = NonNullable<Awaited<ReturnType<typeof findConversation>>>;

export async function findConversationBy(
  db: Queryable,
  orgId: string,
  key: { deviceId: string } | { jobId: string } | { directKey: string },
) {
  const match =
    'deviceId' in key
      ? eq(conversations.deviceId, key.deviceId)
      : 'jobId' in key
        ? eq(conversations.jobId, key.jobId)
        : eq(conversations.directKey, key.directKey);
  const [row] = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.orgId, orgId), match))
    .limit(1);
  return row ?? null;
}

export async function insertConversation(db: Queryable, values: typeof conversations.$inferInsert) {
  const [row] = await db.insert(conversations).values(values).returning({ id: conversations.id });
  return row!;
}

export async function membersOf(db: Queryable, conversationIds: string[]) {
  if (conversationIds.length === 0) return [];
  return db
    .select({
      conversationId: conversationMembers.conversationId,
      userId: users.id,
      name: users.name,
      email: users.email,
    })
    .from(conversationMembers)
    .innerJoin(users, eq(users.id, conversationMembers.userId))
    .where(inArray(conversationMembers.conversationId, conversationIds))
    .orderBy(asc(users.name));
}

export async function isMember(db: Queryable, conversationId: string, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ userId: conversationMembers.userId })
    .from(conversationMembers)
    .where(and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, userId)))
    .limit(1);
  return row !== undefined;
}

/** Joins the user to the conversation (if not yet) and moves their read marker forward, never back. */
export async function upsertReadMarker(
  db: Queryable,
  values: { conversationId: string; orgId: string; userId: string; lastReadMessageId: number },
) {
  await db
    .insert(conversationMembers)
    .values(values)
    .onConflictDoUpdate({
      target: [conversationMembers.conversationId, conversationMembers.userId],
      set: {
        lastReadMessageId: sql`greatest(${conversationMembers.lastReadMessageId}, excluded.last_read_message_id)`,
      },
    });
}

const messageColumns = {
  id: messages.id,
  conversationId: messages.conversationId,
  authorUserId: messages.authorUserId,
  authorName: messages.authorName,
  body: messages.body,
  mentions: messages.mentions,
  createdAt: messages.createdAt,
  attachmentId: messageAttachments.id,
  attachmentName: messageAttachments.name,
  attachmentType: messageAttachments.contentType,
  attachmentSize: messageAttachments.size,
};

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (m) => `\\${m}`);
}

/** Newest first: up to `limit` messages older than `before`, matching `q` when given. */
export async function listMessages(
  db: Queryable,
  orgId: string,
  conversationId: string,
  query: { q?: string | undefined; before?: number | undefined; limit: number },
) {
  const conditions: SQL[] = [eq(messages.orgId, orgId), eq(messages.conversationId, conversationId)];
  if (query.before !== undefined) conditions.push(lt(messages.id, query.before));
  if (query.q) conditions.push(ilike(messages.body, `%${escapeLike(query.q)}%`));
  return db
    .select(messageColumns)
    .from(messages)
    .leftJoin(messageAttachments, eq(messageAttachments.messageId, messages.id))
    .where(and(...conditions))
    .orderBy(desc(messages.id))
    .limit(query.limit);
}

export async function findMessage(db: Queryable, orgId: string, id: number) {
  const [row] = await db
    .select(messageColumns)
    .from(messages)
    .leftJoin(messageAttachments, eq(messageAttachments.messageId, messages.id))
    .where(and(eq(messages.orgId, orgId), eq(messages.id, id)))
    .limit(1);
  return row ?? null;
}

export type MessageRow = NonNullable<Awaited<ReturnType<typeof findMessage>>>;

export async function insertMessage(db: Queryable, values: typeof messages.$inferInsert) {
  const [row] = await db.insert(messages).values(values).returning({ id: messages.id, createdAt: messages.createdAt });
  await db
    .update(conversations)
    .set({ lastMessageAt: row!.createdAt })
    .where(eq(conversations.id, values.conversationId));
  return row!;
}

export async function insertAttachment(db: Queryable, values: typeof messageAttachments.$inferInsert) {
  await db.insert(messageAttachments).values(values);
}

export async function findAttachment(db: Queryable, orgId: string, conversationId: string, id: string) {
  const [row] = await db
    .select({
      name: messageAttachments.name,
      contentType: messageAttachments.contentType,
      content: messageAttachments.content,
      sha256: messageAttachments.sha256,
    })
    .from(messageAttachments)
    .innerJoin(messages, eq(messages.id, messageAttachments.messageId))
    .where(
      and(
        eq(messageAttachments.orgId, orgId),
        eq(messageAttachments.id, id),
        eq(messages.conversationId, conversationId),
      ),
    )
    .limit(1);
  return row ?? null;
}

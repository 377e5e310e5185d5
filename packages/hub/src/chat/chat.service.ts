import { createHash } from 'node:crypto';
import {
  appError,
  CHAT_ATTACHMENT_MAX_BYTES,
  permissionsOf,
  type ChatPeople,
  type ChatPerson,
  type ConversationDto,
  type ConversationList,
  type CreateConversationRequest,
  type MessageDto,
  type MessageHistory,
  type messageHistoryQuerySchema,
  type postMessageRequestSchema,
} from '@tutti/protocol';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import type { AuthContext, ClientInfo } from '../auth/index.ts';
import type { Queryable, Tx } from '../db/index.ts';
import { deviceDtosByIds } from '../devices/index.ts';
import type { ChatEvent } from './chat-bus.ts';
import {
  activeMembershipsOf,
  findAttachment,
  findConversation,
  findConversationBy,
  findMessage,
  insertAttachment,
  insertConversation,
  insertMessage,
  isMember,
  listConversationsOf,
  listMessages,
  listPeople,
  membersOf,
  upsertReadMarker,
  type ConversationRow,
  type MessageRow,
} from './chat.queries.ts';

/** The person behind the request; chat needs one (an API token of a person who is gone has none). */
export interface ChatCaller {
  /** The current organization: new conversations and calls belong to it. */
  orgId: string;
  /** Organizations whose conversations the caller reads and writes in: the current one first. */
  orgIds: string[];
  userId: string;
  email: string;
}

/** The caller in the current organization only (calls, and API tokens, which belong to one organization). */
export function chatCallerOf(auth: AuthContext): ChatCaller {
  if (!auth.userId) throw appError('SESSION_REQUIRED');
  return { orgId: auth.orgId, orgIds: [auth.orgId], userId: auth.userId, email: auth.email };
}

/**
 * The caller with every organization where their own membership allows chat: a support person with access to
 * several client organizations follows all those conversations whichever organization is current.
 */
export async function chatCallerAcrossOrganizations(db: Queryable, auth: AuthContext): Promise<ChatCaller> {
  const caller = chatCallerOf(auth);
  if (auth.via !== 'session') return caller;
  const others = (await activeMembershipsOf(db, caller.userId))
    .filter((membership) => membership.orgId !== caller.orgId && permissionsOf(membership.role).includes('chat.use'))
    .map((membership) => membership.orgId)
    .sort();
  return { ...caller, orgIds: [caller.orgId, ...others] };
}

function toMessageDto(row: MessageRow): MessageDto {
  return {
    id: row.id,
    conversationId: row.conversationId,
    author: { userId: row.authorUserId, name: row.authorName },
    body: row.body,
    mentions: row.mentions,
    attachment:
      row.attachmentId && row.attachmentName && row.attachmentType && row.attachmentSize !== null
        ? { id: row.attachmentId, name: row.attachmentName, contentType: row.attachmentType, size: row.attachmentSize }
        : null,
    createdAt: row.createdAt.toISOString(),
  };
}

function toConversationDto(
  row: ConversationRow,
  members: ChatPerson[],
  counts: { unread: number; unreadMentions: number },
): ConversationDto {
  return {
    id: row.id,
    organizationId: row.orgId,
    organizationName: row.orgName,
    kind: row.kind,
    title: row.kind === 'device' ? row.deviceName : row.title,
    deviceId: row.deviceId,
    jobId: row.jobId,
    members: row.kind === 'direct' ? members : [],
    lastMessageAt: row.lastMessageAt?.toISOString() ?? null,
    ...counts,
  };
}

/** People of the current organization, or of another one whose chat the caller takes part in. */
export async function listChatPeople(tx: Tx, caller: ChatCaller, organizationId = caller.orgId): Promise<ChatPeople> {
  if (!caller.orgIds.includes(organizationId)) throw appError('FORBIDDEN', { organizationId });
  return { items: await listPeople(tx, organizationId) };
}

/** Who receives live events of a conversation: its members if direct, else everyone of the organization. */
export async function audienceOf(tx: Tx, conversation: ConversationRow): Promise<string[] | null> {
  if (conversation.kind !== 'direct') return null;
  return (await membersOf(tx, [conversation.id])).map((member) => member.userId);
}

/** The conversation if the caller may see it; a direct conversation of others is as absent as another org's. */
export async function visibleConversation(tx: Tx, caller: ChatCaller, id: string): Promise<ConversationRow> {
  const row = await findConversation(tx, caller.orgIds, id);
  if (!row || (row.kind === 'direct' && !(await isMember(tx, id, caller.userId)))) {
    throw appError('CONVERSATION_NOT_FOUND', { id });
  }
  return row;
}

export async function listConversations(tx: Tx, caller: ChatCaller): Promise<ConversationList> {
  const rows = await listConversationsOf(tx, caller.orgIds, caller.userId);
  const members = await membersOf(
    tx,
    rows.filter((row) => row.kind === 'direct').map((row) => row.id),
  );
  return {
    items: rows.map((row) =>
      toConversationDto(
        row,
        members
          .filter((member) => member.conversationId === row.id)
          .map(({ userId, name, email }) => ({ userId, name, email })),
        { unread: row.unread, unreadMentions: row.unreadMentions },
      ),
    ),
  };
}

async function conversationDto(tx: Tx, caller: ChatCaller, id: string): Promise<ConversationDto> {
  const listed = (await listConversations(tx, caller)).items.find((item) => item.id === id);
  if (!listed) throw appError('CONVERSATION_NOT_FOUND', { id });
  return listed;
}

export async function getConversation(tx: Tx, caller: ChatCaller, id: string): Promise<ConversationDto> {
  await visibleConversation(tx, caller, id);
  return conversationDto(tx, caller, id);
}

/** Opens a channel, or the one thread of a device or job, or the one direct conversation of two people. */
export async function openConversation(
  tx: Tx,
  caller: ChatCaller,
  request: CreateConversationRequest,
  client: ClientInfo,
): Promise<{ conversation: ConversationDto; created: boolean; event: ChatEvent | null }> {
  const base = { orgId: caller.orgId, createdByUserId: caller.userId };
  let existing: { id: string } | null = null;
  let values: Parameters<typeof insertConversation>[1];
  let directMembers: string[] = [];
  switch (request.kind) {
    case 'channel':
      values = { ...base, kind: 'channel', title: request.title };
      break;
    case 'device': {
      const [device] = await deviceDtosByIds(tx, caller.orgId, [request.deviceId]);
      if (!device) throw appError('DEVICE_NOT_FOUND', { id: request.deviceId });
      existing = await findConversationBy(tx, caller.orgId, { deviceId: request.deviceId });
      values = { ...base, kind: 'device', deviceId: request.deviceId };
      break;
    }
    case 'job':
      existing = await findConversationBy(tx, caller.orgId, { jobId: request.jobId });
      values = { ...base, kind: 'job', jobId: request.jobId, title: request.title };
      break;
    case 'direct': {
      if (request.userId === caller.userId) throw appError('VALIDATION_FAILED', { userId: 'yourself' });
      const [other] = await listPeople(tx, caller.orgId, [request.userId]);
      if (!other) throw appError('USER_NOT_FOUND', { id: request.userId });
      directMembers = [caller.userId, other.userId].sort();
      const directKey = directMembers.join(':');
      existing = await findConversationBy(tx, caller.orgId, { directKey });
      values = { ...base, kind: 'direct', directKey };
      break;
    }
  }
  if (existing) return { conversation: await getConversation(tx, caller, existing.id), created: false, event: null };

  const { id } = await insertConversation(tx, values);
  for (const userId of directMembers) {
    await upsertReadMarker(tx, { conversationId: id, orgId: caller.orgId, userId, lastReadMessageId: 0 });
  }
  await recordAudit(tx, {
    orgId: caller.orgId,
    actorUserId: caller.userId,
    actorLabel: caller.email,
    action: 'chat.conversation.create',
    target: `conversation:${id}`,
    after: { kind: request.kind, ...('title' in request ? { title: request.title } : {}) },
    ip: client.ip,
  });
  return {
    conversation: await conversationDto(tx, caller, id),
    created: true,
    // Lists of everyone who sees it show the new conversation at once.
    event: {
      orgId: caller.orgId,
      userIds: request.kind === 'direct' ? directMembers : null,
      message: { type: 'conversation.opened', conversationId: id },
    },
  };
}

export async function messageHistory(
  tx: Tx,
  caller: ChatCaller,
  conversationId: string,
  query: z.output<typeof messageHistoryQuerySchema>,
): Promise<MessageHistory> {
  const { orgId } = await visibleConversation(tx, caller, conversationId);
  const rows = await listMessages(tx, orgId, conversationId, { ...query, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(toMessageDto).reverse(),
    nextBefore: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** Stores a message (and its attachment) and returns it with the event to publish once the transaction commits. */
export async function postMessage(
  tx: Tx,
  caller: ChatCaller,
  conversationId: string,
  request: z.output<typeof postMessageRequestSchema>,
  client: ClientInfo,
): Promise<{ message: MessageDto; event: ChatEvent }> {
  const conversation = await visibleConversation(tx, caller, conversationId);
  const { orgId } = conversation;
  const content = request.attachment ? Buffer.from(request.attachment.content, 'base64') : null;
  if (content && content.length > CHAT_ATTACHMENT_MAX_BYTES) {
    throw appError('ATTACHMENT_TOO_LARGE', { size: content.length, limit: CHAT_ATTACHMENT_MAX_BYTES });
  }
  const people = await listPeople(tx, orgId, [caller.userId, ...request.mentions]);
  const author = people.find((person) => person.userId === caller.userId);
  if (!author) throw appError('NOT_A_MEMBER');
  // Only people of the organization can be mentioned; anything else is dropped rather than stored.
  const mentions = [...new Set(request.mentions)].filter((id) => people.some((person) => person.userId === id));
  const { id } = await insertMessage(tx, {
    orgId,
    conversationId,
    authorUserId: caller.userId,
    authorName: author.name,
    body: request.body,
    mentions,
  });
  if (request.attachment && content) {
    await insertAttachment(tx, {
      orgId,
      messageId: id,
      name: request.attachment.name,
      contentType: request.attachment.contentType,
      size: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
      content,
    });
  }
  await upsertReadMarker(tx, { conversationId, orgId, userId: caller.userId, lastReadMessageId: id });
  await recordAudit(tx, {
    orgId,
    actorUserId: caller.userId,
    actorLabel: caller.email,
    action: 'chat.message.post',
    target: `message:${id}`,
    after: {
      conversationId,
      mentions: mentions.length,
      ...(request.attachment ? { attachment: request.attachment.name, size: content?.length } : {}),
    },
    ip: client.ip,
  });
  const row = await findMessage(tx, orgId, id);
  const message = toMessageDto(row!);
  return {
    message,
    event: {
      orgId,
      userIds: await audienceOf(tx, conversation),
      message: { type: 'message.created', message },
    },
  };
}

/**
 * Moves the caller's read marker (it never goes back) and resolves with the conversation's organization. Personal
 * state, so not audited.
 */
export async function markRead(tx: Tx, caller: ChatCaller, conversationId: string, messageId: number): Promise<string> {
  const { orgId } = await visibleConversation(tx, caller, conversationId);
  await upsertReadMarker(tx, {
    conversationId,
    orgId,
    userId: caller.userId,
    lastReadMessageId: messageId,
  });
  return orgId;
}

export async function readAttachment(tx: Tx, caller: ChatCaller, conversationId: string, attachmentId: string) {
  const { orgId } = await visibleConversation(tx, caller, conversationId);
  const attachment = await findAttachment(tx, orgId, conversationId, attachmentId);
  if (!attachment) throw appError('ATTACHMENT_NOT_FOUND', { id: attachmentId });
  return attachment;
}

/** A typing indicator for the conversation's audience, if the caller may see the conversation. */
export async function typingEvent(tx: Tx, caller: ChatCaller, conversationId: string): Promise<ChatEvent> {
  const conversation = await visibleConversation(tx, caller, conversationId);
  const [me] = await listPeople(tx, conversation.orgId, [caller.userId]);
  return {
    orgId: conversation.orgId,
    userIds: await audienceOf(tx, conversation),
    message: { type: 'typing', conversationId, userId: caller.userId, name: me?.name ?? caller.email },
  };
}

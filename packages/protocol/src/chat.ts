import { z } from 'zod';
import { callDtoSchema, callSignalSchema } from './calls.ts';

/** Browser ↔ hub socket for chat delivery, typing indicators and call signalling. */
export const CHAT_SOCKET_PATH = '/ws/chat';
/** Largest attachment (e.g. a device log) kept with a message, in bytes. */
export const CHAT_ATTACHMENT_MAX_BYTES = 256 * 1024;
export const CHAT_MESSAGE_MAX_LENGTH = 4000;

const uuid = z.uuid();

export const conversationKinds = ['channel', 'device', 'job', 'direct'] as const;
export const conversationKindSchema = z.enum(conversationKinds);
export type ConversationKind = z.infer<typeof conversationKindSchema>;

export const chatPersonSchema = z.object({ userId: z.string(), name: z.string(), email: z.string() });
export type ChatPerson = z.infer<typeof chatPersonSchema>;
/** Everyone who can be mentioned, messaged or called in the current organization. */
export const chatPeopleSchema = z.object({ items: z.array(chatPersonSchema) });
export type ChatPeople = z.infer<typeof chatPeopleSchema>;
/** People of another organization whose chat the caller takes part in; the current one by default. */
export const chatPeopleQuerySchema = z.strictObject({ organizationId: uuid.optional() });

export const conversationDtoSchema = z.object({
  id: z.string(),
  /** The organization it belongs to: the current one, or another whose chat the person takes part in. */
  organizationId: z.string(),
  organizationName: z.string(),
  kind: conversationKindSchema,
  /** Channel title; for a device thread the device name; null for direct conversations. */
  title: z.string().nullable(),
  deviceId: z.string().nullable(),
  jobId: z.string().nullable(),
  /** Direct conversations: both people. */
  members: z.array(chatPersonSchema),
  lastMessageAt: z.string().nullable(),
  unread: z.number().int(),
  /** Unread messages that mention the caller. */
  unreadMentions: z.number().int(),
});
export type ConversationDto = z.infer<typeof conversationDtoSchema>;
export const conversationListSchema = z.object({ items: z.array(conversationDtoSchema) });
export type ConversationList = z.infer<typeof conversationListSchema>;

/** Opens a conversation; a device, job or direct conversation that already exists is returned as it is. */
export const createConversationRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('channel'), title: z.string().trim().min(1).max(100) }),
  z.strictObject({ kind: z.literal('device'), deviceId: uuid }),
  z.strictObject({ kind: z.literal('job'), jobId: uuid, title: z.string().trim().min(1).max(100) }),
  z.strictObject({ kind: z.literal('direct'), userId: uuid }),
]);
export type CreateConversationRequest = z.infer<typeof createConversationRequestSchema>;

export const attachmentDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
});
export type AttachmentDto = z.infer<typeof attachmentDtoSchema>;

export const messageDtoSchema = z.object({
  id: z.number().int(),
  conversationId: z.string(),
  author: z.object({ userId: z.string().nullable(), name: z.string() }),
  body: z.string(),
  mentions: z.array(z.string()),
  attachment: attachmentDtoSchema.nullable(),
  createdAt: z.string(),
});
export type MessageDto = z.infer<typeof messageDtoSchema>;

export const conversationParamsSchema = z.strictObject({ id: uuid });
export const attachmentParamsSchema = z.strictObject({ id: uuid, attachmentId: uuid });

export const messageHistoryQuerySchema = z.strictObject({
  q: z.string().trim().min(1).max(200).optional(),
  /** Cursor: messages older than this id. */
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type MessageHistoryQuery = z.input<typeof messageHistoryQuerySchema>;
export const messageHistorySchema = z.object({
  /** Oldest first. */
  items: z.array(messageDtoSchema),
  /** Pass as `before` for the next older page; null at the start of the conversation. */
  nextBefore: z.number().int().nullable(),
});
export type MessageHistory = z.infer<typeof messageHistorySchema>;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'Base64 content.');
export const postMessageRequestSchema = z
  .strictObject({
    body: z.string().trim().max(CHAT_MESSAGE_MAX_LENGTH),
    mentions: z.array(uuid).max(50).default([]),
    attachment: z
      .strictObject({
        name: z
          .string()
          .trim()
          .min(1)
          .max(200)
          .refine((name) => !/[/\\]/.test(name), 'A file name without folders.'),
        contentType: z
          .string()
          .max(100)
          .regex(/^[\w.+-]+\/[\w.+-]+$/, 'A media type such as text/plain.'),
        /** The bytes, base64; at most CHAT_ATTACHMENT_MAX_BYTES once decoded. */
        content: base64.max(Math.ceil(CHAT_ATTACHMENT_MAX_BYTES / 3) * 4),
      })
      .optional(),
  })
  .refine((message) => message.body.length > 0 || message.attachment !== undefined, {
    message: 'Write a message or attach a file.',
    path: ['body'],
  });
export type PostMessageRequest = z.input<typeof postMessageRequestSchema>;

export const markReadRequestSchema = z.strictObject({ messageId: z.number().int().min(1) });
export type MarkReadRequest = z.infer<typeof markReadRequestSchema>;

/** Browser → hub over the chat socket. */
export const chatClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('typing'), conversationId: uuid }),
  z.strictObject({ type: z.literal('call.signal'), callId: uuid, signal: callSignalSchema }),
]);
export type ChatClientMessage = z.infer<typeof chatClientMessageSchema>;

/** Hub → browser over the chat socket. */
export const chatServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), userId: z.string() }),
  z.object({ type: z.literal('message.created'), message: messageDtoSchema }),
  z.object({ type: z.literal('conversation.opened'), conversationId: z.string() }),
  z.object({ type: z.literal('conversation.read'), conversationId: z.string(), messageId: z.number().int() }),
  z.object({ type: z.literal('typing'), conversationId: z.string(), userId: z.string(), name: z.string() }),
  z.object({ type: z.literal('call.updated'), call: callDtoSchema }),
  z.object({ type: z.literal('call.signal'), callId: z.string(), fromUserId: z.string(), signal: callSignalSchema }),
]);
export type ChatServerMessage = z.infer<typeof chatServerMessageSchema>;

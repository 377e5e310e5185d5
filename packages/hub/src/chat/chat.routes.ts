import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  API_PREFIX,
  attachmentParamsSchema,
  chatPeopleQuerySchema,
  chatPeopleSchema,
  conversationDtoSchema,
  conversationListSchema,
  conversationParamsSchema,
  createConversationRequestSchema,
  errorBodySchema,
  markReadRequestSchema,
  messageDtoSchema,
  messageHistoryQuerySchema,
  messageHistorySchema,
  postMessageRequestSchema,
} from '@tutti/protocol';
import { clientInfo, requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import {
  chatCallerAcrossOrganizations,
  chatCallerOf,
  getConversation,
  listChatPeople,
  listConversations,
  markRead,
  messageHistory,
  openConversation,
  postMessage,
  readAttachment,
} from './chat.service.ts';

export function registerChatRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };
  const caller = (request: Parameters<typeof requirePermission>[0]) =>
    chatCallerOf(requirePermission(request, 'chat.use'));
  /** Reading and writing in conversations: every organization whose chat the person takes part in. */
  const reader = (request: Parameters<typeof requirePermission>[0]) =>
    chatCallerAcrossOrganizations(context.db, requirePermission(request, 'chat.use'));

  routes.get(
    `${API_PREFIX}/chat/people`,
    {
      schema: {
        tags: ['chat'],
        summary: 'People one can message, mention or call: of the current organization or another chat one',
        querystring: chatPeopleQuerySchema,
        response: { 200: chatPeopleSchema, ...denied },
      },
    },
    async (request) => {
      const me = await reader(request);
      return withTenant(context.db, me.orgIds, (tx) => listChatPeople(tx, me, request.query.organizationId));
    },
  );

  routes.get(
    `${API_PREFIX}/chat/conversations`,
    {
      schema: {
        tags: ['chat'],
        summary: 'Conversations the caller sees, most recent first, with unread and unread-mention counts',
        response: { 200: conversationListSchema, ...denied },
      },
    },
    async (request) => {
      const me = await reader(request);
      return withTenant(context.db, me.orgIds, (tx) => listConversations(tx, me));
    },
  );

  routes.post(
    `${API_PREFIX}/chat/conversations`,
    {
      schema: {
        tags: ['chat'],
        summary: 'Open a channel, a device or job thread, or a direct conversation (existing ones are returned)',
        body: createConversationRequestSchema,
        response: { 200: conversationDtoSchema, 201: conversationDtoSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      const me = caller(request);
      const opened = await withTenant(context.db, [me.orgId], (tx) =>
        openConversation(tx, me, request.body, clientInfo(request)),
      );
      if (opened.event) context.chatBus.publish(opened.event);
      return reply.status(opened.created ? 201 : 200).send(opened.conversation);
    },
  );

  routes.get(
    `${API_PREFIX}/chat/conversations/:id`,
    {
      schema: {
        tags: ['chat'],
        summary: 'One conversation',
        params: conversationParamsSchema,
        response: { 200: conversationDtoSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const me = await reader(request);
      return withTenant(context.db, me.orgIds, (tx) => getConversation(tx, me, request.params.id));
    },
  );

  routes.get(
    `${API_PREFIX}/chat/conversations/:id/messages`,
    {
      schema: {
        tags: ['chat'],
        summary: 'Message history, newest page first (oldest first within a page); `q` searches, `before` pages back',
        params: conversationParamsSchema,
        querystring: messageHistoryQuerySchema,
        response: { 200: messageHistorySchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const me = await reader(request);
      return withTenant(context.db, me.orgIds, (tx) => messageHistory(tx, me, request.params.id, request.query));
    },
  );

  routes.post(
    `${API_PREFIX}/chat/conversations/:id/messages`,
    {
      schema: {
        tags: ['chat'],
        summary: 'Post a message with mentions and an optional attachment (base64, within the size limit)',
        params: conversationParamsSchema,
        body: postMessageRequestSchema,
        response: { 201: messageDtoSchema, ...denied, 404: errorBodySchema, 413: errorBodySchema },
      },
    },
    async (request, reply) => {
      const me = await reader(request);
      const posted = await withTenant(context.db, me.orgIds, (tx) =>
        postMessage(tx, me, request.params.id, request.body, clientInfo(request)),
      );
      // Published after the commit, so nobody sees a message that could still roll back.
      context.chatBus.publish(posted.event);
      return reply.status(201).send(posted.message);
    },
  );

  routes.post(
    `${API_PREFIX}/chat/conversations/:id/read`,
    {
      schema: {
        tags: ['chat'],
        summary: "Move the caller's read marker to a message",
        params: conversationParamsSchema,
        body: markReadRequestSchema,
        response: { 204: z.null(), ...denied, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      const me = await reader(request);
      const orgId = await withTenant(context.db, me.orgIds, (tx) =>
        markRead(tx, me, request.params.id, request.body.messageId),
      );
      // The caller's other tabs clear their unread badge too.
      context.chatBus.publish({
        orgId,
        userIds: [me.userId],
        message: { type: 'conversation.read', conversationId: request.params.id, messageId: request.body.messageId },
      });
      return reply.status(204).send(null);
    },
  );

  routes.get(
    `${API_PREFIX}/chat/conversations/:id/attachments/:attachmentId`,
    {
      schema: {
        tags: ['chat'],
        summary: 'Download an attachment',
        params: attachmentParamsSchema,
        response: { 200: z.any(), ...denied, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      const me = await reader(request);
      const attachment = await withTenant(context.db, me.orgIds, (tx) =>
        readAttachment(tx, me, request.params.id, request.params.attachmentId),
      );
      return reply
        .header('content-type', 'application/octet-stream')
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(attachment.name)}`)
        .header('x-original-content-type', attachment.contentType)
        .header('digest', `sha-256=${Buffer.from(attachment.sha256, 'hex').toString('base64')}`)
        .send(Buffer.from(attachment.content));
    },
  );
}

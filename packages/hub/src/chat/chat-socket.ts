import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CHAT_SOCKET_PATH, chatClientMessageSchema, isAppError, type ChatServerMessage } from '@tutti/protocol';
import { requirePermission } from '../auth/index.ts';
import { signalEvent } from '../calls/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { isAddressedTo } from './chat-bus.ts';
import { chatCallerAcrossOrganizations, chatCallerOf, typingEvent, type ChatCaller } from './chat.service.ts';

/** Above this many unsent bytes a slow browser is dropped: chat events cannot be coalesced away like device lists. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** A browser announces typing at most this often; extra frames are ignored. */
const TYPING_INTERVAL_MS = 1000;

/**
 * `/chat`: delivers to the signed-in person the chat events addressed to them in every organization whose chat they
 * take part in (whichever is current) and the call events of the current one, and takes their typing indicators
 * and WebRTC signalling (offer, answer, ICE candidates) for the other party.
 */
export function registerChatSocket(app: FastifyInstance, context: HubContext): void {
  // Resolved before the upgrade, so the socket handler stays synchronous and misses no frame or close.
  const callers = new WeakMap<FastifyRequest, ChatCaller>();
  app.get(
    CHAT_SOCKET_PATH,
    {
      websocket: true,
      preValidation: async (request) => {
        callers.set(request, await chatCallerAcrossOrganizations(context.db, requirePermission(request, 'chat.use')));
      },
    },
    (socket, request) => {
      const caller = callers.get(request)!;
      // Calls stay in the current organization.
      const current = chatCallerOf(requirePermission(request, 'chat.use'));
      const log = context.log.child({ module: 'chat-socket', userId: current.userId });
      const send = (message: ChatServerMessage) => {
        if (socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          socket.close(4008, 'too slow');
          return;
        }
        socket.send(JSON.stringify(message));
      };
      const unsubscribes = caller.orgIds.map((orgId) =>
        context.chatBus.subscribe(orgId, (event) => {
          if (isAddressedTo(event, caller.userId)) send(event.message);
        }),
      );
      let lastTyping = new Map<string, number>();

      const handle = async (raw: string) => {
        let json: unknown;
        try {
          json = JSON.parse(raw);
        } catch {
          return;
        }
        const parsed = chatClientMessageSchema.safeParse(json);
        if (!parsed.success) return;
        const message = parsed.data;
        if (message.type === 'typing') {
          const now = Date.now();
          if (now - (lastTyping.get(message.conversationId) ?? 0) < TYPING_INTERVAL_MS) return;
          lastTyping = new Map([...lastTyping].filter(([, at]) => now - at < TYPING_INTERVAL_MS * 10));
          lastTyping.set(message.conversationId, now);
          const event = await withTenant(context.db, caller.orgIds, (tx) =>
            typingEvent(tx, caller, message.conversationId),
          );
          context.chatBus.publish(event);
          return;
        }
        const event = await withTenant(context.db, [current.orgId], (tx) =>
          signalEvent(tx, current, message.callId, message.signal, context.config.iceLoopbackOnly),
        );
        if (event) context.chatBus.publish(event);
      };

      socket.on('message', (data: Buffer) => {
        handle(data.toString('utf8')).catch((error: unknown) => {
          // A frame about a conversation or call the caller cannot see is dropped; the socket stays open.
          if (!isAppError(error)) log.warn({ err: error }, 'chat socket frame failed');
        });
      });
      socket.on('close', () => {
        for (const unsubscribe of unsubscribes) unsubscribe();
      });
      send({ type: 'ready', userId: caller.userId });
    },
  );
}

import type { FastifyInstance } from 'fastify';
import { CHAT_SOCKET_PATH, chatClientMessageSchema, isAppError, type ChatServerMessage } from '@tutti/protocol';
import { requirePermission } from '../auth/index.ts';
import { signalEvent } from '../calls/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { isAddressedTo } from './chat-bus.ts';
import { chatCallerOf, typingEvent } from './chat.service.ts';

/** Above this many unsent bytes a slow browser is dropped: chat events cannot be coalesced away like device lists. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** A browser announces typing at most this often; extra frames are ignored. */
const TYPING_INTERVAL_MS = 1000;

/**
 * `/chat`: delivers the organization's chat and call events addressed to the signed-in person, and takes their
 * typing indicators and WebRTC signalling (offer, answer, ICE candidates) for the other party.
 */
export function registerChatSocket(app: FastifyInstance, context: HubContext): void {
  app.get(
    CHAT_SOCKET_PATH,
    {
      websocket: true,
      preValidation: async (request) => {
        chatCallerOf(requirePermission(request, 'chat.use'));
      },
    },
    (socket, request) => {
      const caller = chatCallerOf(requirePermission(request, 'chat.use'));
      const log = context.log.child({ module: 'chat-socket', userId: caller.userId });
      const send = (message: ChatServerMessage) => {
        if (socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          socket.close(4008, 'too slow');
          return;
        }
        socket.send(JSON.stringify(message));
      };
      const unsubscribe = context.chatBus.subscribe(caller.orgId, (event) => {
        if (isAddressedTo(event, caller.userId)) send(event.message);
      });
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
          const event = await withTenant(context.db, [caller.orgId], (tx) =>
            typingEvent(tx, caller, message.conversationId),
          );
          context.chatBus.publish(event);
          return;
        }
        const event = await withTenant(context.db, [caller.orgId], (tx) =>
          signalEvent(tx, caller, message.callId, message.signal, context.config.iceLoopbackOnly),
        );
        if (event) context.chatBus.publish(event);
      };

      socket.on('message', (data: Buffer) => {
        handle(data.toString('utf8')).catch((error: unknown) => {
          // A frame about a conversation or call the caller cannot see is dropped; the socket stays open.
          if (!isAppError(error)) log.warn({ err: error }, 'chat socket frame failed');
        });
      });
      socket.on('close', unsubscribe);
      send({ type: 'ready', userId: caller.userId });
    },
  );
}

import { EventEmitter } from 'node:events';
import { z } from 'zod';
import { chatServerMessageSchema } from '@tutti/protocol';
import type { ChatBus, ChatEvent } from '../chat/index.ts';
import type { LiveBus } from './live-bus.ts';

const CHAT_TOPIC = 'chat';
const chatEventSchema = z.object({
  orgId: z.string(),
  userIds: z.array(z.string()).nullable(),
  message: chatServerMessageSchema,
});

/**
 * The chat bus of a hub node that shares its live bus with other nodes: chat messages, typing, read markers and call
 * signalling reach the chat sockets of every node. Each node hears every organization's chat and hands it to its
 * own sockets of that organization.
 */
export function createRelayedChatBus(bus: LiveBus): ChatBus {
  const local = new EventEmitter();
  // One listener per open chat socket; the default limit of 10 is meant for leak detection.
  local.setMaxListeners(0);
  const stopRelaying = bus.onBroadcast(CHAT_TOPIC, (data) => {
    const event = chatEventSchema.safeParse(data);
    if (event.success) local.emit(event.data.orgId, event.data);
  });
  return {
    publish(event) {
      bus.broadcast(CHAT_TOPIC, event);
    },
    subscribe(orgId, listener: (event: ChatEvent) => void) {
      local.on(orgId, listener);
      return () => local.off(orgId, listener);
    },
    async close() {
      stopRelaying();
      local.removeAllListeners();
    },
  };
}

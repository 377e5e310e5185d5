import { EventEmitter } from 'node:events';
import type { ChatServerMessage } from '@tutti/protocol';

/** One committed chat or call event, addressed to an organization's sockets. */
export interface ChatEvent {
  orgId: string;
  /** Only these people's sockets; null for everyone of the organization (channels and threads). */
  userIds: string[] | null;
  message: ChatServerMessage;
}

/**
 * Fan-out of chat messages, typing, read markers and call signalling to the sockets of an organization. In-process
 * for one hub node. For several nodes a NATS adapter implements the same interface: `publish` sends the JSON event
 * on a subject per organization (`tutti.chat.<orgId>`), `subscribe` holds one NATS subscription per organization
 * with local listeners, so a browser on any node receives what a browser on another node posted.
 */
export interface ChatBus {
  publish(event: ChatEvent): void;
  subscribe(orgId: string, listener: (event: ChatEvent) => void): () => void;
  close(): Promise<void>;
}

export function createLocalChatBus(): ChatBus {
  const emitter = new EventEmitter();
  // One listener per open chat socket; the default limit of 10 is meant for leak detection.
  emitter.setMaxListeners(0);
  return {
    publish(event) {
      emitter.emit(event.orgId, event);
    },
    subscribe(orgId, listener) {
      emitter.on(orgId, listener);
      return () => emitter.off(orgId, listener);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

/** Whether a socket of `userId` should receive the event. */
export function isAddressedTo(event: ChatEvent, userId: string): boolean {
  return event.userIds === null || event.userIds.includes(userId);
}

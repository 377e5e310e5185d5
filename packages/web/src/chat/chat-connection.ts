import {
  CHAT_SOCKET_PATH,
  chatServerMessageSchema,
  type ChatClientMessage,
  type ChatServerMessage,
} from '@tutti/protocol';
import { openReconnectingSocket } from '../shared/reconnecting-socket.ts';

export interface ChatConnection {
  /** Sends when connected; typing and signalling are worthless once stale, so nothing is queued. */
  send(message: ChatClientMessage): void;
  close(): void;
}

/** Opens `/chat` and keeps it open until closed. */
export function connectChat(onMessage: (message: ChatServerMessage, reconnected: boolean) => void): ChatConnection {
  return openReconnectingSocket({
    path: CHAT_SOCKET_PATH,
    schema: chatServerMessageSchema,
    onMessage: (message, { reconnected }) => onMessage(message, reconnected),
  });
}

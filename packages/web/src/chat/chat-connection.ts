import {
  CHAT_SOCKET_PATH,
  chatServerMessageSchema,
  type ChatClientMessage,
  type ChatServerMessage,
} from '@tutti/protocol';

export interface ChatConnection {
  /** Sends when connected; typing and signalling are worthless once stale, so nothing is queued. */
  send(message: ChatClientMessage): void;
  close(): void;
}

const MAX_DELAY_MS = 30_000;

function chatUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}${CHAT_SOCKET_PATH}`;
}

/** Opens `/chat` and keeps it open: reconnects with jittered exponential backoff until closed. */
export function connectChat(onMessage: (message: ChatServerMessage, reconnected: boolean) => void): ChatConnection {
  let socket: WebSocket | null = null;
  let attempt = 0;
  let everConnected = false;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  function open(): void {
    const current = new WebSocket(chatUrl());
    socket = current;
    const reconnected = everConnected;
    current.onopen = () => {
      attempt = 0;
      everConnected = true;
    };
    current.onmessage = (event: MessageEvent) => {
      if (typeof event.data !== 'string') return;
      let json: unknown;
      try {
        json = JSON.parse(event.data);
      } catch {
        return;
      }
      const parsed = chatServerMessageSchema.safeParse(json);
      // Unknown message types come from a newer hub: ignore them rather than break the page.
      if (parsed.success) onMessage(parsed.data, reconnected);
    };
    current.onclose = () => {
      if (socket === current) socket = null;
      if (closed) return;
      const delay = Math.min(MAX_DELAY_MS, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
      attempt += 1;
      retryTimer = setTimeout(open, delay);
    };
  }

  open();
  return {
    send(message) {
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      socket?.close();
    },
  };
}

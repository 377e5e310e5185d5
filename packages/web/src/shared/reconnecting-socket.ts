export type SocketState = 'connecting' | 'connected' | 'offline';

export interface ReconnectingSocketOptions<T> {
  /** Path on the app's own origin, e.g. `/live`. */
  path: string;
  /** Frames that do not parse come from a newer hub and are ignored rather than break the page. */
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } };
  onMessage: (message: T, context: { reconnected: boolean }) => void;
  onState?: (state: SocketState) => void;
}

export interface ReconnectingSocket {
  /** Sends when connected; nothing is queued while offline. */
  send(json: unknown): void;
  close(): void;
}

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;

function socketUrl(path: string): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}${path}`;
}

/**
 * Opens a WebSocket to the hub and keeps it open: reconnects with jittered exponential backoff until closed. Each
 * message says whether it arrived on a reconnected socket, so callers can refetch what they may have missed.
 */
export function openReconnectingSocket<T>(options: ReconnectingSocketOptions<T>): ReconnectingSocket {
  let socket: WebSocket | null = null;
  let attempt = 0;
  let everConnected = false;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  function open(): void {
    options.onState?.('connecting');
    const current = new WebSocket(socketUrl(options.path));
    socket = current;
    const reconnected = everConnected;
    current.onopen = () => {
      attempt = 0;
      everConnected = true;
      options.onState?.('connected');
    };
    current.onmessage = (event: MessageEvent) => {
      if (typeof event.data !== 'string') return;
      let json: unknown;
      try {
        json = JSON.parse(event.data);
      } catch {
        return;
      }
      const parsed = options.schema.safeParse(json);
      if (parsed.success) options.onMessage(parsed.data, { reconnected });
    };
    current.onclose = () => {
      if (socket === current) socket = null;
      if (closed) return;
      options.onState?.('offline');
      // Jitter spreads the reconnects of many browsers after a hub restart.
      const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt) * (0.5 + Math.random() / 2);
      attempt += 1;
      retryTimer = setTimeout(open, delay);
    };
  }

  open();
  return {
    send(json) {
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(json));
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      socket?.close();
    },
  };
}

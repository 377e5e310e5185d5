import { LIVE_PATH, liveMessageSchema, type LiveMessage } from '@tutti/protocol';

export type LiveState = 'connecting' | 'connected' | 'offline';

export interface ConnectLiveOptions {
  onState: (state: LiveState) => void;
  onMessage: (message: LiveMessage, context: { reconnected: boolean }) => void;
}

const MAX_DELAY_MS = 30_000;

function liveUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}${LIVE_PATH}`;
}

/** Opens `/live` and keeps it open: reconnects with jittered exponential backoff until closed. */
export function connectLive(options: ConnectLiveOptions): { close: () => void } {
  let socket: WebSocket | null = null;
  let attempt = 0;
  let everConnected = false;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  function open(): void {
    options.onState('connecting');
    const current = new WebSocket(liveUrl());
    socket = current;
    const reconnected = everConnected;
    current.onopen = () => {
      attempt = 0;
      everConnected = true;
      options.onState('connected');
    };
    current.onmessage = (event: MessageEvent) => {
      if (typeof event.data !== 'string') return;
      let json: unknown;
      try {
        json = JSON.parse(event.data);
      } catch {
        return;
      }
      const parsed = liveMessageSchema.safeParse(json);
      // Unknown message types come from a newer hub: ignore them rather than break the page.
      if (parsed.success) options.onMessage(parsed.data, { reconnected });
    };
    current.onclose = () => {
      if (socket === current) socket = null;
      if (closed) return;
      options.onState('offline');
      // Jitter spreads reconnects of many browsers after a hub restart.
      const delay = Math.min(MAX_DELAY_MS, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
      attempt += 1;
      retryTimer = setTimeout(open, delay);
    };
  }

  open();
  return {
    close: () => {
      closed = true;
      clearTimeout(retryTimer);
      socket?.close();
    },
  };
}

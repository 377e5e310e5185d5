import { LIVE_PATH, liveMessageSchema, type LiveMessage } from '@tutti/protocol';
import { openReconnectingSocket, type SocketState } from '../shared/reconnecting-socket.ts';

export type LiveState = SocketState;

export interface ConnectLiveOptions {
  onState: (state: LiveState) => void;
  onMessage: (message: LiveMessage, context: { reconnected: boolean }) => void;
}

/** Opens `/live` and keeps it open until closed. */
export function connectLive(options: ConnectLiveOptions): { close: () => void } {
  return openReconnectingSocket({ path: LIVE_PATH, schema: liveMessageSchema, ...options });
}

import { once } from 'node:events';
import { createServer } from 'node:https';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  AGENT_LINK_PATH,
  agentLinkCloseCodes,
  agentMessageSchema,
  type AgentEvent,
  type HubMessage,
} from '@tutti/protocol';

/** A tiny hub for tests: checks the password, records events (de-duplicated by seq) and acknowledges them. */
export interface FakeHub {
  url: string;
  /** `events` frames received. */
  batches: number;
  /** Every event received, duplicates included, in arrival order. */
  received: AgentEvent[];
  /** Events kept once per seq. */
  events(): AgentEvent[];
  hellos: number;
  /** Whether to acknowledge batches (default true). */
  autoAck: boolean;
  /** Highest seq acknowledged, sent as `welcome.lastSeq`. */
  lastSeq: number;
  /** Highest seq received. */
  receivedUpTo: number;
  password: string;
  /** Drops every agent connection abruptly. */
  dropAll(): void;
  ackNow(): void;
  close(): Promise<void>;
}

export interface StartFakeHubOptions {
  password?: string;
  /** Serve wss:// with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  heartbeatSeconds?: number;
  /** When false the hub goes silent after `welcome`: no acks, no heartbeats. */
  responsive?: boolean;
}

export async function startFakeHub(options: StartFakeHubOptions = {}): Promise<FakeHub> {
  const httpsServer = options.tls ? createServer({ key: options.tls.key, cert: options.tls.cert }) : null;
  const server = httpsServer
    ? new WebSocketServer({ server: httpsServer, path: AGENT_LINK_PATH })
    : new WebSocketServer({ host: '127.0.0.1', port: 0, path: AGENT_LINK_PATH });
  if (httpsServer) {
    httpsServer.listen(0, '127.0.0.1');
    await once(httpsServer, 'listening');
  } else {
    await once(server, 'listening');
  }
  const address = (httpsServer ?? server).address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const responsive = options.responsive ?? true;
  const stored = new Map<number, AgentEvent>();
  const sockets = new Set<WebSocket>();

  const send = (socket: WebSocket, message: HubMessage): void => socket.send(JSON.stringify(message));

  const hub: FakeHub = {
    url: `${httpsServer ? 'https' : 'http'}://127.0.0.1:${port}`,
    batches: 0,
    received: [],
    events: () => [...stored.values()].sort((a, b) => a.seq - b.seq),
    hellos: 0,
    autoAck: true,
    lastSeq: 0,
    receivedUpTo: 0,
    password: options.password ?? 'secret-1',
    dropAll() {
      for (const socket of sockets) socket.terminate();
    },
    ackNow() {
      hub.lastSeq = hub.receivedUpTo;
      for (const socket of sockets) send(socket, { type: 'ack', upTo: hub.lastSeq });
    },
    async close() {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (httpsServer) await new Promise<void>((resolve) => httpsServer.close(() => resolve()));
    },
  };

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (data: Buffer) => {
      const message = agentMessageSchema.parse(JSON.parse(data.toString()));
      switch (message.type) {
        case 'hello':
          hub.hellos += 1;
          if (message.password !== hub.password) {
            send(socket, {
              type: 'error',
              code: 'AGENT_AUTH_FAILED',
              message: 'The agent name or password is incorrect.',
            });
            socket.close(agentLinkCloseCodes.authFailed, 'AGENT_AUTH_FAILED');
            return;
          }
          send(socket, {
            type: 'welcome',
            agentId: 'agent-1',
            organizationName: 'Test Org',
            lastSeq: hub.lastSeq,
            heartbeatSeconds: options.heartbeatSeconds ?? 30,
          });
          return;
        case 'events':
          hub.batches += 1;
          for (const event of message.events) {
            hub.received.push(event);
            if (!stored.has(event.seq)) stored.set(event.seq, event);
            hub.receivedUpTo = Math.max(hub.receivedUpTo, event.seq);
          }
          if (hub.autoAck && responsive) {
            hub.lastSeq = hub.receivedUpTo;
            send(socket, { type: 'ack', upTo: hub.lastSeq });
          }
          return;
        case 'heartbeat':
          if (responsive) send(socket, { type: 'heartbeat', at: new Date().toISOString() });
          return;
        case 'result':
          return;
      }
    });
  });
  return hub;
}

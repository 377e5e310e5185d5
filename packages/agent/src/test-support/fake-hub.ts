import { once } from 'node:events';
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

export async function startFakeHub(options: { password?: string } = {}): Promise<FakeHub> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: AGENT_LINK_PATH });
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const stored = new Map<number, AgentEvent>();
  const sockets = new Set<WebSocket>();

  const send = (socket: WebSocket, message: HubMessage): void => socket.send(JSON.stringify(message));

  const hub: FakeHub = {
    url: `http://127.0.0.1:${port}`,
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
            socket.close(agentLinkCloseCodes.authFailed, 'bad credentials');
            return;
          }
          send(socket, {
            type: 'welcome',
            agentId: 'agent-1',
            organizationName: 'Test Org',
            lastSeq: hub.lastSeq,
            heartbeatSeconds: 30,
          });
          return;
        case 'events':
          for (const event of message.events) {
            hub.received.push(event);
            if (!stored.has(event.seq)) stored.set(event.seq, event);
            hub.receivedUpTo = Math.max(hub.receivedUpTo, event.seq);
          }
          if (hub.autoAck) {
            hub.lastSeq = hub.receivedUpTo;
            send(socket, { type: 'ack', upTo: hub.lastSeq });
          }
          return;
        case 'heartbeat':
          send(socket, { type: 'heartbeat', at: new Date().toISOString() });
          return;
        case 'result':
          return;
      }
    });
  });
  return hub;
}

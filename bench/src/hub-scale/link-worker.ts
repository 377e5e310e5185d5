import WebSocket from 'ws';
import {
  AGENT_LINK_PATH,
  AGENT_LINK_VERSION,
  hubMessageSchema,
  type AgentMessage,
  type DeviceStatus,
} from '@tutti/protocol';
import { cpuMs, serveWorker } from '../worker.ts';

/**
 * Many Local Agent links in one process, speaking the real agent protocol (`/agent/v1`): hello, the hub's welcome,
 * heartbeats both ways at the period the hub asks for, and `events` frames acknowledged by the hub. Each link is a
 * few kilobytes here instead of a whole agent process, so a thousand fit beside the hub on two cores.
 */
export type LinkRequest =
  | { type: 'connect'; hubUrl: string; agents: Array<{ name: string; password: string }>; concurrency: number }
  | { type: 'status'; agent: number; serial: string; status: DeviceStatus }
  | { type: 'stats' }
  | { type: 'stop' };

export type LinkReply =
  | { type: 'connected'; connected: number; failed: string[]; ms: number }
  | { type: 'status'; sentAt: number; ackedAt: number }
  | { type: 'stats'; open: number; heartbeatsSent: number; heartbeatsReceived: number; cpuMs: number }
  | { type: 'stopped' };

interface Link {
  socket: WebSocket;
  lastSeq: number;
  heartbeat: NodeJS.Timeout | null;
  acks: Array<{ upTo: number; resolve: (at: number) => void }>;
}

const LIFETIME_MS = 30 * 60_000;
// Wall-clock milliseconds: the browser stamps arrivals with the same clock in another process.
const now = (): number => Date.now();
const links: Link[] = [];
let heartbeatsSent = 0;
let heartbeatsReceived = 0;

function send(link: Link, message: AgentMessage): void {
  if (link.socket.readyState === WebSocket.OPEN) link.socket.send(JSON.stringify(message));
}

/** Opens one link and resolves once the hub has welcomed it. */
function open(hubUrl: string, agent: { name: string; password: string }): Promise<Link> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}${AGENT_LINK_PATH}`);
    const link: Link = { socket, lastSeq: 0, heartbeat: null, acks: [] };
    const timer = setTimeout(() => reject(new Error(`${agent.name}: no welcome within 120 s`)), 120_000);
    socket.on('open', () =>
      send(link, {
        type: 'hello',
        protocol: AGENT_LINK_VERSION,
        agentName: agent.name,
        password: agent.password,
        version: 'bench',
      }),
    );
    socket.on('message', (data) => {
      const message = hubMessageSchema.parse(JSON.parse(String(data)));
      switch (message.type) {
        case 'welcome':
          clearTimeout(timer);
          link.lastSeq = message.lastSeq;
          link.heartbeat = setInterval(() => {
            heartbeatsSent += 1;
            send(link, { type: 'heartbeat', at: new Date().toISOString() });
          }, message.heartbeatSeconds * 1000);
          resolve(link);
          return;
        case 'heartbeat':
          heartbeatsReceived += 1;
          return;
        case 'ack': {
          const at = now();
          link.acks = link.acks.filter((waiter) => {
            if (waiter.upTo > message.upTo) return true;
            waiter.resolve(at);
            return false;
          });
          return;
        }
        case 'error':
          clearTimeout(timer);
          reject(new Error(`${agent.name}: ${message.code} ${message.message}`));
          return;
        case 'command':
          return;
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      if (link.heartbeat) clearInterval(link.heartbeat);
    });
  });
}

async function connectAll(request: Extract<LinkRequest, { type: 'connect' }>): Promise<LinkReply> {
  const started = now();
  const failed: string[] = [];
  let next = 0;
  const opener = async () => {
    while (next < request.agents.length) {
      const index = next++;
      const agent = request.agents[index]!;
      try {
        links[index] = await open(request.hubUrl, agent);
      } catch (error) {
        failed.push(`${agent.name}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: request.concurrency }, opener));
  return { type: 'connected', connected: links.filter(Boolean).length, failed, ms: now() - started };
}

/** One status change on one link, as the agent's outbox sends it; resolves when the hub has acknowledged it. */
async function sendStatus(request: Extract<LinkRequest, { type: 'status' }>): Promise<LinkReply> {
  const link = links[request.agent];
  if (!link) throw new Error(`No link ${request.agent}`);
  link.lastSeq += 1;
  const seq = link.lastSeq;
  const at = new Date().toISOString();
  const acked = new Promise<number>((resolve) => link.acks.push({ upTo: seq, resolve }));
  const sentAt = now();
  send(link, {
    type: 'events',
    events: [{ seq, at, kind: 'device.status', serial: request.serial, status: request.status, since: at }],
  });
  return { type: 'status', sentAt, ackedAt: await acked };
}

serveWorker<LinkRequest, LinkReply>(async (message) => {
  switch (message.type) {
    case 'connect':
      return connectAll(message);
    case 'status':
      return sendStatus(message);
    case 'stats':
      return {
        type: 'stats',
        open: links.filter((link) => link?.socket.readyState === WebSocket.OPEN).length,
        heartbeatsSent,
        heartbeatsReceived,
        cpuMs: cpuMs(),
      };
    case 'stop':
      for (const link of links) {
        if (link?.heartbeat) clearInterval(link.heartbeat);
        link?.socket.close(1000, 'bench done');
      }
      setTimeout(() => process.exit(0), 200).unref();
      return { type: 'stopped' };
  }
}, LIFETIME_MS);

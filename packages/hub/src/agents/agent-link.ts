import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import {
  AGENT_LINK_MAX_FRAME_BYTES,
  AGENT_LINK_PATH,
  agentLinkCloseCodes,
  agentMessageSchema,
  isAppError,
  type AgentMessage,
  type HubMessage,
} from '@tutti/protocol';
import { retryWhenConnectionLost } from '../db/index.ts';
import { deviceDtosByIds } from '../devices/index.ts';
import type { HubContext } from '../hub-context.ts';
import type { LiveBus } from '../live/index.ts';
import { emitDeviceStatusWebhooks } from '../webhooks/index.ts';
import { disconnectSilentAgents, setAgentConnection, touchLinkedAgents } from './agents.queries.ts';
import { authenticateAgent, ingestAgentEvents, type AuthenticatedAgent } from './agents.service.ts';

const HELLO_TIMEOUT_MS = 10_000;

/** The bus topic a disabled agent's id goes out on, so the node holding its link closes it. */
const AGENT_DISABLED_TOPIC = 'agent.disabled';
/** An agent opened a new link somewhere: other nodes drop the link they still hold for it (left half-open). */
const AGENT_CONNECTED_TOPIC = 'agent.connected';

/**
 * The agent links open on this hub node, by agent id, so other features can end one at once. Several hub nodes each
 * keep their own; an agent holds one link to one node.
 */
export interface AgentLinks {
  readonly sockets: Map<string, WebSocket>;
  /** Ends the agent's live link with close code `disabled` (4005) on whichever hub node holds it. */
  closeDisabled(agentId: string): void;
  /**
   * Tells the other hub nodes that this socket is now the agent's link: one still holding an older link (an agent
   * that reconnected through the balancer before its old connection timed out) ends it as replaced, without
   * recording the agent as disconnected.
   */
  announce(agentId: string, socket: WebSocket): void;
}

export function createAgentLinks(bus: LiveBus): AgentLinks {
  const sockets = new Map<string, WebSocket>();
  const linkIds = new WeakMap<WebSocket, string>();
  bus.onBroadcast(AGENT_CONNECTED_TOPIC, (data) => {
    const { agentId, linkId } = (data ?? {}) as { agentId?: unknown; linkId?: unknown };
    const socket = typeof agentId === 'string' ? sockets.get(agentId) : undefined;
    if (!socket || linkIds.get(socket) === linkId) return;
    // Forgotten first, so its close handler does not record the agent as disconnected.
    sockets.delete(agentId as string);
    socket.close(agentLinkCloseCodes.replaced, 'AGENT_REPLACED');
  });
  bus.onBroadcast(AGENT_DISABLED_TOPIC, (agentId) => {
    const socket = typeof agentId === 'string' ? sockets.get(agentId) : undefined;
    if (!socket) return;
    if (socket.readyState === socket.OPEN) {
      const message: HubMessage = {
        type: 'error',
        code: 'AGENT_AUTH_FAILED',
        message: 'This agent account was disabled.',
      };
      socket.send(JSON.stringify(message));
    }
    socket.close(agentLinkCloseCodes.disabled, 'AGENT_AUTH_FAILED');
  });
  return {
    sockets,
    closeDisabled(agentId) {
      bus.broadcast(AGENT_DISABLED_TOPIC, agentId);
    },
    announce(agentId, socket) {
      const linkId = randomUUID();
      linkIds.set(socket, linkId);
      bus.broadcast(AGENT_CONNECTED_TOPIC, { agentId, linkId });
    },
  };
}

function parseFrame(data: unknown): AgentMessage | null {
  try {
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : String(data);
    const parsed = agentMessageSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** `/agent/v1`: the outbound link every Local Agent holds to its hub (DESIGN.md §5). */
export function registerAgentLink(app: FastifyInstance, context: HubContext): void {
  const log = app.log.child({ module: 'agent-link' });
  const liveLinks = context.agentLinks.sockets;

  // Every heartbeat this node vouches for the agents it holds; once a node dies (killed, no clean close), the
  // agents it held fall silent and one node marks them disconnected, unless they reconnected elsewhere.
  const vouch = setInterval(() => {
    touchLinkedAgents(context.db, [...liveLinks.keys()]).catch((error: unknown) =>
      log.warn({ err: error }, 'could not record linked agents as seen'),
    );
  }, context.config.agentHeartbeatSeconds * 1000);
  vouch.unref();
  context.scheduler.every('agents.disconnect-silent', 15_000, async () => {
    const silent = await disconnectSilentAgents(context.db, context.config.agentHeartbeatSeconds * 4);
    if (silent.length > 0) log.warn({ agents: silent }, 'agents whose hub node went away marked disconnected');
  });
  app.addHook('onClose', async () => {
    clearInterval(vouch);
    for (const socket of liveLinks.values()) socket.close(1001, 'hub shutting down');
  });

  app.get(AGENT_LINK_PATH, { websocket: true }, (socket, request) => {
    const send = (message: HubMessage) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const fail = (code: number, errorCode: string, message: string) => {
      send({ type: 'error', code: errorCode, message });
      socket.close(code, errorCode);
    };

    let agent: AuthenticatedAgent | null = null;
    let lastHeard = Date.now();
    // Frames are handled strictly one after another so events are stored in the order they were sent.
    let queue: Promise<void> = Promise.resolve();

    const helloTimer = setTimeout(
      () => fail(agentLinkCloseCodes.helloTimeout, 'AGENT_PROTOCOL_ERROR', 'No hello received in time.'),
      HELLO_TIMEOUT_MS,
    );
    const heartbeatMs = context.config.agentHeartbeatSeconds * 1000;
    const heartbeat = setInterval(() => {
      if (Date.now() - lastHeard > heartbeatMs * 3) {
        log.warn({ agent: agent?.name }, 'agent link silent; closing');
        socket.terminate();
        return;
      }
      send({ type: 'heartbeat', at: new Date().toISOString() });
    }, heartbeatMs);

    // Live fan-out runs beside ingestion, not in its queue: one device fetch at a time, and devices that change
    // meanwhile are fetched together next, so bursts coalesce instead of delaying the next batch's commit.
    const toPublish = new Set<string>();
    let publishing = false;
    const publishChanged = async (orgId: string) => {
      while (toPublish.size > 0) {
        const ids = [...toPublish];
        toPublish.clear();
        try {
          context.bus.publish({ orgId, devices: await deviceDtosByIds(context.db, orgId, ids) });
        } catch (error) {
          log.warn({ err: error, agent: agent?.name }, 'could not publish changed devices');
        }
      }
      publishing = false;
    };

    const handle = async (message: AgentMessage) => {
      if (message.type === 'hello') {
        if (agent) return fail(agentLinkCloseCodes.protocolError, 'AGENT_PROTOCOL_ERROR', 'Duplicate hello.');
        const address = request.ip;
        const retryAfter = await context.signInLimiter.retryAfterSeconds(`agent:${message.agentName}`, address);
        if (retryAfter > 0) return fail(agentLinkCloseCodes.authFailed, 'RATE_LIMITED', 'Too many failed attempts.');
        try {
          agent = await authenticateAgent(context.db, message.agentName, message.password, message.organization);
        } catch (error) {
          if (!isAppError(error)) throw error;
          await context.signInLimiter.recordFailure(`agent:${message.agentName}`, address);
          log.warn({ agentName: message.agentName, address }, 'agent authentication failed');
          return fail(agentLinkCloseCodes.authFailed, 'AGENT_AUTH_FAILED', error.message);
        }
        clearTimeout(helloTimer);
        const previous = liveLinks.get(agent.id);
        if (previous) previous.close(agentLinkCloseCodes.replaced, 'AGENT_REPLACED');
        liveLinks.set(agent.id, socket);
        context.agentLinks.announce(agent.id, socket);
        await setAgentConnection(context.db, agent.id, true, message.version);
        log.info({ agent: agent.name, lastSeq: agent.lastSeq }, 'agent connected');
        send({
          type: 'welcome',
          agentId: agent.id,
          organizationName: agent.organizationName,
          lastSeq: agent.lastSeq,
          heartbeatSeconds: context.config.agentHeartbeatSeconds,
        });
        // Job targets it held before it went away are sent again; it keeps those it already has.
        const connected = agent.id;
        void context.jobs
          .agentConnected(connected)
          .catch((error: unknown) => log.warn({ err: error, agent: agent?.name }, 'could not resend job targets'));
        return;
      }
      if (!agent) return fail(agentLinkCloseCodes.protocolError, 'AGENT_PROTOCOL_ERROR', 'Say hello first.');
      switch (message.type) {
        case 'events': {
          // A dropped database connection fails the batch's transaction before anything was acked: it is stored
          // again (the watermark skips whatever an attempt committed just before its connection went).
          const ingesting = agent;
          const result = await retryWhenConnectionLost(() => ingestAgentEvents(context.db, ingesting, message.events));
          send({ type: 'ack', upTo: result.lastSeq });
          context.metrics.eventsIngested.inc(message.events.length - result.duplicates);
          context.metrics.eventsDuplicate.inc(result.duplicates);
          if (result.jobTargets.size > 0) {
            const orgId = agent.orgId;
            void context.jobs
              .targetsChanged(orgId, result.jobTargets)
              .catch((error: unknown) => log.warn({ err: error, agent: agent?.name }, 'could not advance jobs'));
          }
          if (result.changedDeviceIds.length > 0) {
            const orgId = agent.orgId;
            // Events past the old watermark were stored now; the duplicates come first (a resend starts at the seq
            // the agent last had acked).
            void emitDeviceStatusWebhooks(
              context,
              orgId,
              message.events.slice(result.duplicates),
              result.changedDeviceIds,
            ).catch((error: unknown) => log.warn({ err: error, agent: agent?.name }, 'could not queue webhooks'));
          }
          for (const id of result.changedDeviceIds) toPublish.add(id);
          if (toPublish.size > 0 && !publishing) {
            publishing = true;
            void publishChanged(agent.orgId);
          }
          return;
        }
        case 'heartbeat':
        case 'result':
          return;
      }
    };

    socket.on('message', (data) => {
      lastHeard = Date.now();
      const message = parseFrame(data);
      if (!message) {
        fail(agentLinkCloseCodes.protocolError, 'AGENT_PROTOCOL_ERROR', 'Malformed frame.');
        return;
      }
      queue = queue
        .then(() => handle(message))
        .catch((error: unknown) => {
          if (isAppError(error) && error.code === 'AGENT_PROTOCOL_ERROR') {
            fail(agentLinkCloseCodes.protocolError, error.code, error.message);
            return;
          }
          // A storage failure (database restarting, …): drop the link without acking; the agent resends.
          log.error({ err: error, agent: agent?.name }, 'agent frame failed');
          socket.close(1011, 'INTERNAL');
        });
    });

    socket.on('close', () => {
      clearTimeout(helloTimer);
      clearInterval(heartbeat);
      const closing = agent;
      if (!closing || liveLinks.get(closing.id) !== socket) return;
      liveLinks.delete(closing.id);
      queue = queue
        .then(() => setAgentConnection(context.db, closing.id, false, null))
        .catch((error: unknown) => log.warn({ err: error }, 'could not record agent disconnect'));
      log.info({ agent: closing.name }, 'agent disconnected');
    });
  });
}

export const agentLinkSocketOptions = { maxPayload: AGENT_LINK_MAX_FRAME_BYTES };

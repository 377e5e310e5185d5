import { createAgent, parseAgentConfig, type Agent } from '@tutti/agent';
import { cpuMs, serveWorker } from '../worker.ts';
import { WORKER_LIFETIME_MS, type AgentReply, type AgentRequest } from './messages.ts';

/** The Local Agent under test, alone in its process as it would be on a site. */
let agent: Agent | null = null;

serveWorker<AgentRequest, AgentReply>(async (message) => {
  switch (message.type) {
    case 'start':
      agent = createAgent({ ui: false, config: parseAgentConfig(message.config) });
      await agent.start();
      return { type: 'started' };
    case 'status': {
      if (!agent) throw new Error('agent not started');
      const status = agent.status();
      return {
        type: 'status',
        outboxDepth: status.outbox.depth,
        lastSeq: status.outbox.lastSeq,
        lastAckedSeq: status.link.lastAckedSeq,
        link: status.link.state,
        connectedSessions: status.sessions.connected,
        devices: status.devices.length,
      };
    }
    case 'cpu':
      return { type: 'cpu', cpuMs: cpuMs() };
    case 'stop':
      await agent?.close();
      agent = null;
      process.send?.({ type: 'stopped' } satisfies AgentReply, () => process.exit(0));
      return null;
  }
}, WORKER_LIFETIME_MS);

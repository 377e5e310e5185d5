export { registerAgentLink, agentLinkSocketOptions } from './agent-link.ts';
export { ensureAgentAccount, ingestAgentEvents, authenticateAgent } from './agents.service.ts';

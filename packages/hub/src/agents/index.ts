export { registerAgentLink, agentLinkSocketOptions } from './agent-link.ts';
export {
  ensureAgentAccount,
  ingestAgentEvents,
  authenticateAgent,
  listServerSummaries,
  type ServerSummary,
} from './agents.service.ts';

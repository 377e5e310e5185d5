export { registerAgentLink, agentLinkSocketOptions, createAgentLinks, type AgentLinks } from './agent-link.ts';
export {
  ensureAgentAccount,
  ingestAgentEvents,
  authenticateAgent,
  listServerSummaries,
  type ServerSummary,
} from './agents.service.ts';

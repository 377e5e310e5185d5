export { createOutbox } from './outbox/outbox.ts';
export type { Outbox, OutboxStats, CreateOutboxOptions, CompactionResult } from './outbox/outbox.ts';
export { loadAgentConfig, parseAgentConfig } from './config/agent-config.ts';
export type { AgentConfig, AgentConfigInput, AgentConfigOverrides } from './config/agent-config.ts';

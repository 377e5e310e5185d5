export { createAgent } from './agent.ts';
export type { Agent, AgentStatus, CreateAgentOptions, HubSettingsInput, SubnetInput, SubnetStatus } from './agent.ts';
export { loadAgentConfig, parseAgentConfig } from './config/agent-config.ts';
export type {
  AgentConfig,
  AgentConfigInput,
  AgentConfigOverrides,
  HubSettings,
  SubnetSetting,
} from './config/agent-config.ts';
export { createOutbox } from './outbox/outbox.ts';
export type { CompactionResult, CreateOutboxOptions, Outbox, OutboxStats } from './outbox/outbox.ts';
export { agentLinkUrl } from './hub-link/hub-link.ts';
export type { LinkState, LinkStatus } from './hub-link/hub-link.ts';
export type { MonitoredDevice, SessionState } from './sessions/device-monitor.ts';
export type { ScanProgress } from './discovery/scanner.ts';
export type { DeviceDriver } from './sessions/device-driver.ts';
export { AGENT_VERSION } from './version.ts';
export { buildAgentPackage } from './release/build-agent-package.ts';
export type { BuildAgentPackageOptions, BuiltAgentPackage } from './release/build-agent-package.ts';
export { agentPackagePublicKey } from './self-update/package-signature.ts';

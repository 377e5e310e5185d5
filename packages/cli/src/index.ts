export { startDemo, DEMO_SUBNETS, DEMO_AGENT_NAME, DEMO_ORG_ACCOUNT, DEMO_TELNET_PORT } from './demo.ts';
export type { Demo, StartDemoOptions } from './demo.ts';

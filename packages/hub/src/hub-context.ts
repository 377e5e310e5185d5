import type { Logger } from 'pino';
import type { AgentLinks } from './agents/index.ts';
import type { Mailer, SignInLimiter } from './auth/index.ts';
import type { HubConfig } from './config/hub-config.ts';
import type { Db } from './db/index.ts';
import type { LiveBus } from './live/index.ts';

export interface HubMetrics {
  eventsIngested: number;
  eventsDuplicate: number;
}

/** What every feature plugin gets: the shared services of one hub node. */
export interface HubContext {
  config: HubConfig;
  db: Db;
  bus: LiveBus;
  signInLimiter: SignInLimiter;
  mailer: Mailer;
  metrics: HubMetrics;
  log: Logger;
  /** Live agent links of this node. */
  agentLinks: AgentLinks;
}

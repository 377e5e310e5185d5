import type { Logger } from 'pino';
import type { AgentLinks } from './agents/index.ts';
import type { ChatBus } from './chat/index.ts';
import type { Clock } from './clock/index.ts';
import type { DirectorySignIn, Mailer, SignInLimiter } from './auth/index.ts';
import type { HubConfig } from './config/hub-config.ts';
import type { Db } from './db/index.ts';
import type { JobDispatcher } from './jobs/index.ts';
import type { LiveBus } from './live/index.ts';
import type { HubMetrics } from './metrics/index.ts';
import type { Scheduler } from './scheduler/index.ts';
import type { SecretBox } from './secrets/index.ts';

/** What every feature plugin gets: the shared services of one hub node. */
export interface HubContext {
  config: HubConfig;
  /** The time every schedule, expiry and bill reads; tests inject a manual clock. */
  clock: Clock;
  db: Db;
  bus: LiveBus;
  /** Chat, typing and call signalling fan-out (in-process, or NATS across nodes). */
  chatBus: ChatBus;
  signInLimiter: SignInLimiter;
  mailer: Mailer;
  /** Prometheus metrics of this node; features register their own gauges and counters (`/metrics`). */
  metrics: HubMetrics;
  log: Logger;
  /** Live agent links of this node. */
  agentLinks: AgentLinks;
  /** Releases job targets to the agents connected to this node and finishes jobs. */
  jobs: JobDispatcher;
  /** Seals secrets kept in the database (LDAP bind passwords, OIDC client secrets). */
  secrets: SecretBox;
  /** LDAP sign-in of organizations that set it up. */
  directorySignIn: DirectorySignIn;
  /** Periodic background work that runs each tick on exactly one hub node (`scheduler.every`). */
  scheduler: Scheduler;
}

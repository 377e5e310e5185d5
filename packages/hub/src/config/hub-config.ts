import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { appError } from '@tutti/protocol';

const hubConfigSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  /** PostgreSQL connection string; without it the hub embeds PGlite in `dataDir`. */
  databaseUrl: z.string().url().optional(),
  dataDir: z.string().default(join(homedir(), '.tutti', 'hub')),
  /** Built web app to serve at `/`; absent means API only. */
  webDir: z.string().optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  prettyLogs: z.boolean().default(false),
  agentHeartbeatSeconds: z.coerce.number().int().min(1).max(300).default(15),
  /** Longest time a browser waits for batched live updates: keeps busy device lists to a few renders a second. */
  liveFlushMs: z.coerce.number().int().min(10).max(5000).default(250),
  /** Secure cookies; on when the hub is served over HTTPS (directly or behind a TLS proxy). */
  secureCookies: z.boolean().default(false),
});

export type HubConfig = z.infer<typeof hubConfigSchema>;
export type HubConfigInput = z.input<typeof hubConfigSchema>;

/** Reads the hub's settings once: environment first, explicit overrides (CLI flags, tests) win. */
export function loadHubConfig(env: NodeJS.ProcessEnv, overrides: HubConfigInput = {}): HubConfig {
  const fromEnv: Record<string, unknown> = {
    host: env.TUTTI_HOST,
    port: env.TUTTI_PORT,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.TUTTI_DATA_DIR,
    logLevel: env.LOG_LEVEL,
  };
  const merged = Object.fromEntries(
    Object.entries({ ...fromEnv, ...overrides }).filter(([, value]) => value !== undefined),
  );
  const parsed = hubConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw appError('CONFIG_INVALID', { problems }, `Invalid hub settings:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

import { readFileSync } from 'node:fs';
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
  /** Address people reach the hub at, for links in emails (invitations, password resets). */
  publicUrl: z.string().url().default('http://127.0.0.1:8080'),
  /** Outgoing mail (nodemailer SMTP transport); without a host, mail is logged instead of sent. */
  smtp: z
    .strictObject({
      host: z.string().optional(),
      port: z.coerce.number().int().min(1).max(65535).default(587),
      secure: z.boolean().default(false),
      /** Plain SMTP without STARTTLS (a local relay or a test sink). */
      ignoreTLS: z.boolean().default(false),
      user: z.string().optional(),
      password: z.string().optional(),
      from: z.string().default('Tutti <no-reply@tutti.invalid>'),
    })
    .default({ port: 587, secure: false, ignoreTLS: false, from: 'Tutti <no-reply@tutti.invalid>' }),
  invitationTtlHours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(72),
  passwordResetTtlMinutes: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(60),
  /** Key material for sealing secrets at rest (LDAP bind passwords, OIDC client secrets); at least 32 characters. */
  secretKey: z.string().min(32).optional(),
  /** Where the key is kept when `secretKey` is not given; generated on first use. Default: `<dataDir>/secret.key`. */
  secretKeyFile: z.string().optional(),
  /** Serve HTTPS with this certificate chain and private key (PEM files). */
  tlsCertFile: z.string().optional(),
  tlsKeyFile: z.string().optional(),
  /** `self-signed`: serve HTTPS with a certificate generated into `<dataDir>/tls/` (on-prem enterprise installs). */
  tls: z.enum(['off', 'self-signed']).default('off'),
  /** The Ed25519 public key (PEM) enterprise licenses are verified with. */
  licensePublicKey: z.string().optional(),
  /**
   * Text messages for alerts: `http` posts `{ to, text, from }` as JSON with a Bearer token to a provider's API,
   * `console` writes them to the log (the demo), `none` records each as failed.
   */
  sms: z
    .strictObject({
      provider: z.enum(['none', 'console', 'http']).default('none'),
      url: z.string().url().optional(),
      token: z.string().optional(),
      from: z.string().max(32).optional(),
    })
    .refine((sms) => sms.provider !== 'http' || sms.url !== undefined, {
      message: 'The http SMS provider needs a url.',
      path: ['url'],
    })
    .default({ provider: 'none' }),
  /** Alert evaluation and the delivery queue. */
  alerts: z
    .strictObject({
      evaluateSeconds: z.coerce.number().int().min(1).max(3600).default(15),
      deliverSeconds: z.coerce.number().int().min(1).max(3600).default(5),
      /**
       * New problems wait until none has appeared for this long (at most five times as long), so a storm that
       * arrives over several ticks still makes one message per recipient.
       */
      groupWaitSeconds: z.coerce.number().int().min(0).max(600).default(10),
      /** A message is given up (failed) after this many attempts. */
      maxDeliveryAttempts: z.coerce.number().int().min(1).max(50).default(8),
      /** Accept Teams and Slack webhooks on 127.0.0.0/8 (test receivers); never needed in production. */
      allowLoopbackWebhooks: z.boolean().default(false),
    })
    .default({
      evaluateSeconds: 15,
      deliverSeconds: 5,
      groupWaitSeconds: 10,
      maxDeliveryAttempts: 8,
      allowLoopbackWebhooks: false,
    }),
  /** Local Agent packages offered for download and self-update. Default: `<dataDir>/agent-packages`. */
  agentPackagesDir: z.string().optional(),
  /** STUN/TURN servers browsers use for calls (WebRTC `iceServers`); none means host candidates only. */
  iceServers: z
    .array(
      z.strictObject({
        urls: z.array(z.string().regex(/^(stun|stuns|turn|turns):/, 'A stun:, stuns:, turn: or turns: URL.')).min(1),
        username: z.string().optional(),
        credential: z.string().optional(),
      }),
    )
    .default([]),
  /** Call signalling passes on only loopback ICE candidates (127.0.0.0/8, ::1): media never leaves the machine. */
  iceLoopbackOnly: z.boolean().default(false),
  /** How long a call rings before it is logged as missed. */
  callRingSeconds: z.coerce.number().int().min(1).max(300).default(30),
  /** Base URL of the COLLABORATE Space service accounts are linked with (OAuth2 authorization code + PKCE). */
  spaceBaseUrl: z.string().url().optional(),
  /** The hub's OAuth2 client id at the Space service. */
  spaceClientId: z.string().min(1).default('tutti'),
  /**
   * NATS server(s) the hub nodes of one deployment share live updates through, e.g. `nats://127.0.0.1:4222`
   * (comma-separated for a cluster). A single node needs none.
   */
  natsUrl: z
    .string()
    .refine((value) => value.split(',').every((server) => /^(nats|tls):\/\/[^\s/]+$/.test(server.trim())), {
      message: 'Expected nats://host:port (or tls://host:port), comma-separated for several servers.',
    })
    .optional(),
  /** When set, `/metrics` answers only requests with `Authorization: Bearer <metricsToken>`. */
  metricsToken: z.string().min(16).optional(),
  /**
   * Load balancers whose `X-Forwarded-For` / `X-Forwarded-Proto` the hub believes: addresses or CIDRs,
   * comma-separated (e.g. `10.0.0.5, 10.0.1.0/24`). Without it every request seems to come from the balancer, and
   * the per-address sign-in limit would lock out everyone behind it.
   */
  trustProxy: z.string().trim().min(1).optional(),
  /**
   * Job targets (queued or running) of an agent that is disconnected and has not reported for this long fail as
   * `agent_unreachable`, so that a job never waits forever on a site that is gone. 0 waits forever.
   */
  jobAgentSilenceMinutes: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(30),
  /** Outgoing webhooks of organizations (packages/hub/src/webhooks). */
  webhooks: z
    .strictObject({
      /** Accept http(s)://127.x.y.z targets (test receivers); never needed in production. */
      allowLoopbackTargets: z.boolean().default(false),
      /** A delivery gives up after this many attempts (10 s, 30 s, 90 s, … at most 2 h apart). */
      maxAttempts: z.coerce.number().int().min(1).max(20).default(8),
      /** A subscription is turned off after this many failed attempts in a row. */
      disableAfterFailures: z.coerce.number().int().min(1).max(1000).default(20),
    })
    .default({ allowLoopbackTargets: false, maxAttempts: 8, disableAfterFailures: 20 }),
});

/** `NAME_FILE` settings: secrets read from a file (Docker/Kubernetes secrets). */
function readSecretFile(path: string | undefined): string | undefined {
  return path ? readFileSync(path, 'utf8').trim() : undefined;
}

const checkedHubConfigSchema = hubConfigSchema
  .refine((config) => (config.tlsCertFile === undefined) === (config.tlsKeyFile === undefined), {
    message: 'Give both tlsCertFile and tlsKeyFile, or neither.',
    path: ['tlsKeyFile'],
  })
  .refine((config) => !(config.tlsCertFile && config.tls === 'self-signed'), {
    message: 'Use either certificate files or a self-signed certificate, not both.',
    path: ['tls'],
  });

export type HubConfig = z.infer<typeof hubConfigSchema> & {
  secretKeyFile: string;
  agentPackagesDir: string;
  https: boolean;
};
export type HubConfigInput = z.input<typeof hubConfigSchema>;

/** Reads the hub's settings once: environment first, explicit overrides (CLI flags, tests) win. */
export function loadHubConfig(env: NodeJS.ProcessEnv, overrides: HubConfigInput = {}): HubConfig {
  const fromEnv: Record<string, unknown> = {
    host: env.TUTTI_HOST,
    port: env.TUTTI_PORT,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.TUTTI_DATA_DIR,
    logLevel: env.LOG_LEVEL,
    publicUrl: env.TUTTI_PUBLIC_URL,
    secretKey: env.TUTTI_SECRET_KEY,
    secretKeyFile: env.TUTTI_SECRET_KEY_FILE,
    tlsCertFile: env.TUTTI_TLS_CERT_FILE,
    tlsKeyFile: env.TUTTI_TLS_KEY_FILE,
    tls: env.TUTTI_TLS,
    natsUrl: env.TUTTI_NATS_URL || undefined,
    metricsToken: env.TUTTI_METRICS_TOKEN || undefined,
    trustProxy: env.TUTTI_TRUST_PROXY || undefined,
    secureCookies: env.TUTTI_SECURE_COOKIES === undefined ? undefined : env.TUTTI_SECURE_COOKIES === 'true',
    licensePublicKey: env.TUTTI_LICENSE_PUBLIC_KEY ?? readSecretFile(env.TUTTI_LICENSE_PUBLIC_KEY_FILE),
    agentPackagesDir: env.TUTTI_AGENT_PACKAGES_DIR,
    iceServers: env.TUTTI_ICE_SERVERS?.split(',')
      .map((url) => url.trim())
      .filter(Boolean)
      .map((url) => ({ urls: [url] })),
    iceLoopbackOnly: env.TUTTI_ICE_LOOPBACK_ONLY === undefined ? undefined : env.TUTTI_ICE_LOOPBACK_ONLY === 'true',
    callRingSeconds: env.TUTTI_CALL_RING_SECONDS,
    jobAgentSilenceMinutes: env.TUTTI_JOB_AGENT_SILENCE_MINUTES,
    spaceBaseUrl: env.TUTTI_SPACE_URL,
    spaceClientId: env.TUTTI_SPACE_CLIENT_ID,
    sms: env.TUTTI_SMS_PROVIDER
      ? {
          provider: env.TUTTI_SMS_PROVIDER,
          url: env.TUTTI_SMS_URL,
          token: env.TUTTI_SMS_TOKEN ?? readSecretFile(env.TUTTI_SMS_TOKEN_FILE),
          from: env.TUTTI_SMS_FROM,
        }
      : undefined,
    smtp: env.TUTTI_SMTP_HOST
      ? {
          host: env.TUTTI_SMTP_HOST,
          port: env.TUTTI_SMTP_PORT,
          secure: env.TUTTI_SMTP_SECURE === 'true',
          user: env.TUTTI_SMTP_USER,
          password: env.TUTTI_SMTP_PASSWORD ?? readSecretFile(env.TUTTI_SMTP_PASSWORD_FILE),
          ...(env.TUTTI_SMTP_FROM ? { from: env.TUTTI_SMTP_FROM } : {}),
        }
      : undefined,
  };
  const merged = Object.fromEntries(
    Object.entries({ ...fromEnv, ...overrides }).filter(([, value]) => value !== undefined),
  );
  const parsed = checkedHubConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw appError('CONFIG_INVALID', { problems }, `Invalid hub settings:\n  ${problems.join('\n  ')}`);
  }
  const https = parsed.data.tlsCertFile !== undefined || parsed.data.tls === 'self-signed';
  return {
    ...parsed.data,
    secretKeyFile: parsed.data.secretKeyFile ?? join(parsed.data.dataDir, 'secret.key'),
    agentPackagesDir: parsed.data.agentPackagesDir ?? join(parsed.data.dataDir, 'agent-packages'),
    https,
    // Cookies over HTTPS are always Secure; behind a TLS proxy, `secureCookies` says so.
    secureCookies: parsed.data.secureCookies || https,
  };
}

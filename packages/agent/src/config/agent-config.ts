import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { appError, isIpv4, isLoopbackIpv4 } from '@tutti/protocol';

/** `127.20.1.0` or `127.20.1.0/24`; non-loopback /24s are refused with ADDRESS_NOT_LOOPBACK by the caller. */
export const subnetAddressSchema = z
  .string()
  .trim()
  .transform((value) => value.replace(/\/24$/, ''))
  .refine((value) => isIpv4(value) && value.endsWith('.0'), {
    message: 'A subnet is a /24 written as its network address, e.g. 127.20.1.0',
  });

const loopbackSubnetAddressSchema = subnetAddressSchema.refine(isLoopbackIpv4, {
  message: 'Only loopback subnets (127.0.0.0/8) may be scanned',
});

export const hubUrlSchema = z
  .string()
  .trim()
  .refine(
    (value) => {
      try {
        return ['ws:', 'wss:', 'http:', 'https:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: 'The hub URL starts with https://, http://, wss:// or ws://' },
  );

export const hubSettingsSchema = z.strictObject({
  url: hubUrlSchema,
  agentName: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  organization: z.string().trim().max(64).optional(),
  /** PEM of the CA(s) the hub certificate must chain to: only these are trusted, not the system store (CA pinning). */
  caFile: z.string().min(1).optional(),
});
export type HubSettings = z.infer<typeof hubSettingsSchema>;

export const subnetSettingSchema = z.strictObject({
  subnet: loopbackSubnetAddressSchema,
  interfaceName: z.string().max(32).nullable().default('lo'),
  enabled: z.boolean().default(false),
});
export type SubnetSetting = z.infer<typeof subnetSettingSchema>;

/**
 * Updates from packages the hub serves. `installDir` is where the package's install script put the agent
 * (`/opt/tutti-agent`); an agent run from source has none and only reports available versions.
 */
const selfUpdateSchema = z.strictObject({
  mode: z.enum(['off', 'manual', 'automatic']).default('off'),
  checkIntervalHours: z
    .number()
    .positive()
    .max(24 * 30)
    .default(6),
  installDir: z.string().min(1).nullable().default(null),
  /** Ed25519 public keys (PEM) whose signatures on a package the agent accepts. */
  trustedKeys: z.array(z.string().min(1).max(2_000)).max(16).default([]),
});

const backoffSchema = z.strictObject({
  initialMs: z.number().int().min(1).default(1_000),
  maxMs: z.number().int().min(1).default(30_000),
});

export const agentConfigSchema = z.strictObject({
  dataDir: z.string().min(1).default('data/agent'),
  uiHost: z.string().min(1).default('127.0.0.1'),
  uiPort: z.number().int().min(0).max(65_535).default(8090),
  /** Shown as the server name in connection paths; defaults to the hub agent name. */
  serverName: z.string().max(64).optional(),
  hub: hubSettingsSchema.nullable().default(null),
  subnets: z.array(subnetSettingSchema).default([]),
  scanIntervalSeconds: z.number().positive().max(86_400).default(60),
  scanConcurrency: z.number().int().min(1).max(1024).default(64),
  /** Subnets swept at the same time (each with scanConcurrency requests in flight). */
  scanSubnetConcurrency: z.number().int().min(1).max(64).default(4),
  discoveryTimeoutMs: z.number().int().min(10).max(60_000).default(1_000),
  deviceCredentials: z
    .strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) })
    .default({ username: 'clearone', password: 'converge' }),
  /**
   * Key (32 bytes, base64 or hex) that encrypts device credentials stored by the agent (AES-256-GCM). Prefer
   * `credentialsKeyFile`; without either, a key is generated in `<dataDir>/credentials.key` on first start.
   */
  credentialsKey: z.string().min(1).max(256).optional(),
  credentialsKeyFile: z.string().min(1).optional(),
  telnetPort: z.number().int().min(1).max(65_535).default(23),
  discoveryPort: z.number().int().min(1).max(65_535).default(50_123),
  deviceTimeoutMs: z.number().int().min(10).max(120_000).default(5_000),
  /** Most device logins in flight at once. */
  connectConcurrency: z.number().int().min(1).max(1024).default(32),
  /** Liveness probe period per device session; probes are spread over the period. */
  livenessIntervalSeconds: z.number().positive().max(3_600).default(45),
  /** A box that announced a reboot or finished a firmware update is Restarting... this long before it counts as Down. */
  restartGraceSeconds: z.number().positive().max(3_600).default(180),
  /** A device missing from this many consecutive scans while unreachable is reported lost. */
  missingScansBeforeLost: z.number().int().min(1).max(100).default(2),
  deviceRetry: backoffSchema.default({ initialMs: 2_000, maxMs: 60_000 }),
  loginRetry: backoffSchema.default({ initialMs: 60_000, maxMs: 900_000 }),
  hubReconnect: backoffSchema.default({ initialMs: 500, maxMs: 30_000 }),
  hubAuthRetry: backoffSchema.default({ initialMs: 30_000, maxMs: 300_000 }),
  /** Most `events` batches sent and not yet acknowledged. */
  hubMaxInFlightBatches: z.number().int().min(1).max(64).default(4),
  outboxCapBytes: z
    .number()
    .int()
    .min(64 * 1024)
    .default(512 * 1024 * 1024),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  selfUpdate: selfUpdateSchema.default({ mode: 'off', checkIntervalHours: 6, installDir: null, trustedKeys: [] }),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;
export type AgentConfigInput = z.input<typeof agentConfigSchema>;

/** Settings the overrides may carry: anything of the config, plus undefined for "not given on the command line". */
export type AgentConfigOverrides = { [K in keyof AgentConfigInput]?: AgentConfigInput[K] | undefined };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; arrays and scalars replace; undefined leaves the base alone. */
function mergeSettings(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = mergeSettings(base[key], value);
  return merged;
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): { path: string; message: string }[] {
  return issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}

/** Validates a whole config object; one CONFIG_INVALID error lists every bad setting. */
export function parseAgentConfig(input: unknown): AgentConfig {
  const parsed = agentConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = describeIssues(parsed.error.issues);
  const lines = issues.map((issue) => `${issue.path}: ${issue.message}`);
  throw appError('CONFIG_INVALID', { issues }, `The agent configuration is not valid:\n  ${lines.join('\n  ')}`);
}

/**
 * Reads the JSON config file (when given), lays the command-line overrides on top and validates the result once.
 * This is the only place the agent's configuration is parsed.
 */
export function loadAgentConfig(file?: string, overrides: AgentConfigOverrides = {}): AgentConfig {
  let fromFile: unknown = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw appError('CONFIG_INVALID', { file }, `Cannot read the agent configuration file ${file}: ${String(error)}`);
    }
    try {
      fromFile = JSON.parse(text);
    } catch (error) {
      throw appError(
        'CONFIG_INVALID',
        { file },
        `The agent configuration file ${file} is not valid JSON: ${String(error)}`,
      );
    }
  }
  return parseAgentConfig(mergeSettings(fromFile, overrides));
}

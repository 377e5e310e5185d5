import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { appError } from '@tutti/protocol';

export interface DeviceCredentials {
  username: string;
  password: string;
}

/** Who a set of credentials is for: the whole site, one subnet, or one device (by serial number). */
export type CredentialScope =
  { kind: 'site' } | { kind: 'subnet'; subnet: string } | { kind: 'device'; serial: string };

/** What may be shown about stored credentials: never the password. */
export interface CredentialEntry {
  scope: CredentialScope;
  username: string;
}

export interface CredentialStore {
  /** The device's own credentials, else its subnet's, else the site's, else the fallback. */
  resolve(serial: string, subnet: string): DeviceCredentials;
  /** Stores (or with null removes) the credentials of a scope, encrypted on disk before it returns. */
  set(scope: CredentialScope, credentials: DeviceCredentials | null): void;
  list(): CredentialEntry[];
}

export interface CreateCredentialStoreOptions {
  dataDir: string;
  /** 32-byte key, base64 or hex. */
  key?: string | undefined;
  /** File holding the key (base64 or hex); read once. */
  keyFile?: string | undefined;
  /** Credentials for devices nothing else covers (the config's `deviceCredentials`). */
  fallback: DeviceCredentials;
}

export const CREDENTIALS_FILE = 'device-credentials.enc';
/** Key generated on first start when the config names none; readable by the agent's user only. */
export const GENERATED_KEY_FILE = 'credentials.key';
const ALGORITHM = 'aes-256-gcm';
const AAD = Buffer.from('tutti-agent-device-credentials-v1');

const credentialsSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

const contentSchema = z.strictObject({
  site: credentialsSchema.nullable(),
  subnets: z.record(z.string(), credentialsSchema),
  devices: z.record(z.string(), credentialsSchema),
});
type Content = z.infer<typeof contentSchema>;

const envelopeSchema = z.strictObject({
  version: z.literal(1),
  algorithm: z.literal(ALGORITHM),
  iv: z.string(),
  tag: z.string(),
  data: z.string(),
});

/** A key given as 64 hex digits or as base64 of 32 bytes. */
export function parseCredentialsKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw appError(
      'CONFIG_INVALID',
      { setting: 'credentialsKey' },
      'credentialsKey must be 32 bytes (64 hex digits or base64).',
    );
  }
  return key;
}

function writePrivate(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

function loadKey(options: CreateCredentialStoreOptions): Buffer {
  if (options.key !== undefined) return parseCredentialsKey(options.key);
  const file = options.keyFile ?? join(options.dataDir, GENERATED_KEY_FILE);
  if (options.keyFile === undefined && !existsSync(file)) {
    mkdirSync(options.dataDir, { recursive: true });
    writePrivate(file, `${randomBytes(32).toString('base64')}\n`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw appError(
      'CONFIG_INVALID',
      { setting: 'credentialsKeyFile', file },
      `Cannot read the credentials key file ${file}.`,
    );
  }
  return parseCredentialsKey(text);
}

export function encryptCredentials(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(AAD);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return JSON.stringify({
    version: 1,
    algorithm: ALGORITHM,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  });
}

export function decryptCredentials(key: Buffer, envelopeText: string): string {
  try {
    const envelope = envelopeSchema.parse(JSON.parse(envelopeText));
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(envelope.iv, 'base64'));
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    // The message stays generic: a failed tag check is how a wrong key shows, and details would help an attacker.
    throw appError(
      'CONFIG_INVALID',
      { setting: 'credentialsKey' },
      'The stored device credentials cannot be decrypted: wrong credentialsKey or a damaged file.',
    );
  }
}

/**
 * Device credentials at rest: one AES-256-GCM envelope (random 96-bit IV per write, authenticated) in
 * `<dataDir>/device-credentials.enc`, written atomically with mode 0600. Passwords exist in clear only in memory.
 */
export function createCredentialStore(options: CreateCredentialStoreOptions): CredentialStore {
  const key = loadKey(options);
  const file = join(options.dataDir, CREDENTIALS_FILE);
  let content: Content = { site: null, subnets: {}, devices: {} };
  if (existsSync(file)) {
    const parsed = contentSchema.safeParse(JSON.parse(decryptCredentials(key, readFileSync(file, 'utf8'))));
    if (!parsed.success) throw appError('CONFIG_INVALID', { file }, 'The stored device credentials are not readable.');
    content = parsed.data;
  }

  const save = (): void => {
    mkdirSync(options.dataDir, { recursive: true });
    writePrivate(file, encryptCredentials(key, JSON.stringify(content)));
  };

  return {
    resolve(serial, subnet) {
      return content.devices[serial] ?? content.subnets[subnet] ?? content.site ?? options.fallback;
    },
    set(scope, credentials) {
      const value = credentials === null ? null : credentialsSchema.parse(credentials);
      const next: Content = { site: content.site, subnets: { ...content.subnets }, devices: { ...content.devices } };
      switch (scope.kind) {
        case 'site':
          next.site = value;
          break;
        case 'subnet':
          if (value) next.subnets[scope.subnet] = value;
          else delete next.subnets[scope.subnet];
          break;
        case 'device':
          if (value) next.devices[scope.serial] = value;
          else delete next.devices[scope.serial];
          break;
      }
      content = next;
      save();
    },
    list() {
      const entries: CredentialEntry[] = [];
      if (content.site) entries.push({ scope: { kind: 'site' }, username: content.site.username });
      for (const [subnet, value] of Object.entries(content.subnets)) {
        entries.push({ scope: { kind: 'subnet', subnet }, username: value.username });
      }
      for (const [serial, value] of Object.entries(content.devices)) {
        entries.push({ scope: { kind: 'device', serial }, username: value.username });
      }
      return entries;
    },
  };
}

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { appError } from '@tutti/protocol';

const VERSION = 'v1';
const IV_BYTES = 12;

/**
 * Seals small secrets at rest (LDAP bind passwords, OIDC client secrets, SSO state cookies) with AES-256-GCM.
 * `purpose` is bound in as additional data, so a sealed value cannot be moved to another org or use.
 */
export interface SecretBox {
  seal(plaintext: string, purpose: string): string;
  /** The plaintext, or an error when the value was sealed with another key or purpose, or tampered with. */
  open(sealed: string, purpose: string): string;
}

export interface SecretKeySource {
  /** Key material given directly (at least 32 characters). */
  secretKey?: string | undefined;
  /** A file holding the key material; created with a random key (mode 0600) when missing. */
  secretKeyFile: string;
}

function deriveKey(material: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(material, 'utf8'), 'tutti', 'secret-box v1', 32));
}

function readOrCreateKeyMaterial(path: string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const material = randomBytes(32).toString('base64url');
  writeFileSync(path, `${material}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return material;
}

/** A secret box; the key is read (or generated into the data directory) on first use, not on construction. */
export function createSecretBox(source: SecretKeySource): SecretBox {
  let key: Buffer | null = null;
  const keyOf = () => (key ??= deriveKey(source.secretKey ?? readOrCreateKeyMaterial(source.secretKeyFile)));
  return {
    seal(plaintext, purpose) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keyOf(), iv);
      cipher.setAAD(Buffer.from(purpose, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), body]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(sealed, purpose) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || body === undefined)
        throw appError('INTERNAL', { reason: 'sealed value malformed' });
      try {
        const decipher = createDecipheriv('aes-256-gcm', keyOf(), Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(purpose, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw appError('INTERNAL', { reason: 'sealed value does not open with this key' });
      }
    },
  };
}

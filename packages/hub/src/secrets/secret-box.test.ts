import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSecretBox } from './secret-box.ts';

const dir = mkdtempSync(join(tmpdir(), 'tutti-secret-box-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('secret box', () => {
  const box = createSecretBox({ secretKey: 'k'.repeat(40), secretKeyFile: join(dir, 'unused.key') });

  it('seals and opens, never storing the plaintext, with a fresh IV each time', () => {
    const sealed = box.seal('bind-P4ssword!', 'ldap:org-1');
    expect(sealed).not.toContain('bind-P4ssword');
    expect(box.seal('bind-P4ssword!', 'ldap:org-1')).not.toBe(sealed);
    expect(box.open(sealed, 'ldap:org-1')).toBe('bind-P4ssword!');
  });

  it('refuses another purpose, another key and a tampered value', () => {
    const sealed = box.seal('secret', 'ldap:org-1');
    expect(() => box.open(sealed, 'ldap:org-2')).toThrow();
    const other = createSecretBox({ secretKey: 'x'.repeat(40), secretKeyFile: join(dir, 'unused.key') });
    expect(() => other.open(sealed, 'ldap:org-1')).toThrow();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    expect(() => box.open([...parts.slice(0, 3), body.toString('base64url')].join('.'), 'ldap:org-1')).toThrow();
  });

  it('generates a key file (mode 0600) on first use and reads the same key afterwards', () => {
    const file = join(dir, 'data', 'secret.key');
    const first = createSecretBox({ secretKeyFile: file });
    const sealed = first.seal('secret', 'p');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim().length).toBeGreaterThanOrEqual(40);
    expect(createSecretBox({ secretKeyFile: file }).open(sealed, 'p')).toBe('secret');
  });
});

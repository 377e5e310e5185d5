import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { appError } from '@tutti/protocol';
import type { HubConfig } from '../config/hub-config.ts';

export interface HttpsOptions {
  cert: Buffer;
  key: Buffer;
}

function readPem(path: string, setting: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw appError('CONFIG_INVALID', { problems: [`${setting}: cannot read ${path}`] }, String(error));
  }
}

/** Names the self-signed certificate covers: loopback, and the host people reach the hub at. */
function subjectAltNames(config: HubConfig): string {
  const names = new Set(['DNS:localhost', 'IP:127.0.0.1', 'IP:::1']);
  for (const host of [config.host, new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, '')]) {
    if (!host || host === '0.0.0.0' || host === '::') continue;
    names.add(isIP(host) ? `IP:${host}` : `DNS:${host}`);
  }
  return [...names].join(',');
}

/**
 * A self-signed certificate for an on-prem install, made once with the openssl command line into
 * `<dataDir>/tls/` and reused afterwards (agents pin it as their CA).
 */
function selfSignedCertificate(config: HubConfig): { certFile: string; keyFile: string } {
  const dir = join(config.dataDir, 'tls');
  const certFile = join(dir, 'self-signed-cert.pem');
  const keyFile = join(dir, 'self-signed-key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) return { certFile, keyFile };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-sha256',
        '-days',
        '825',
        '-subj',
        '/CN=Tutti hub',
        '-addext',
        `subjectAltName=${subjectAltNames(config)}`,
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'pipe' },
    );
    chmodSync(keyFile, 0o600);
  } catch (error) {
    throw appError(
      'CONFIG_INVALID',
      { problems: ['tls: could not create a self-signed certificate (is openssl installed?)'] },
      String(error),
    );
  }
  return { certFile, keyFile };
}

/** What the hub serves HTTPS with, or null for plain HTTP. */
export function httpsOptionsOf(config: HubConfig): HttpsOptions | null {
  if (config.tlsCertFile && config.tlsKeyFile) {
    return { cert: readPem(config.tlsCertFile, 'tlsCertFile'), key: readPem(config.tlsKeyFile, 'tlsKeyFile') };
  }
  if (config.tls === 'self-signed') {
    const { certFile, keyFile } = selfSignedCertificate(config);
    return { cert: readPem(certFile, 'tls'), key: readPem(keyFile, 'tls') };
  }
  return null;
}

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestCertificates } from './certificates.ts';

const run = promisify(execFile);

export const LDAP_SUFFIX = 'dc=tutti,dc=test';
export const LDAP_ROOT_DN = `cn=admin,${LDAP_SUFFIX}`;
export const LDAP_ROOT_PASSWORD = 'Root-Secret-1';
export const LDAP_SERVICE_DN = `cn=tutti-reader,ou=services,${LDAP_SUFFIX}`;
export const LDAP_SERVICE_PASSWORD = 'Reader-Secret-7';

export interface TestSlapd {
  /** ldap://127.0.0.1:port (StartTLS is offered when started with certificates). */
  url: string;
  /** ldaps://127.0.0.1:port, when started with certificates. */
  ldapsUrl: string | null;
  /** Adds entries (LDIF) with ldapadd as the root DN. */
  add(ldif: string): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`slapd exited (${child.exitCode}): ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`slapd did not open port ${port}: ${log()}`);
}

/**
 * Starts a private slapd on 127.0.0.1 (a generated slapd.conf and database in a temp dir, never the system's
 * instance) with the memberof overlay, a service account and `ou=people` / `ou=groups`.
 */
export async function startTestSlapd(options: { certificates?: TestCertificates } = {}): Promise<TestSlapd> {
  const dir = mkdtempSync(join(tmpdir(), 'tutti-slapd-'));
  mkdirSync(join(dir, 'db'));
  const port = await freePort();
  const ldapsPort = options.certificates ? await freePort() : null;
  const tls = options.certificates
    ? [
        `TLSCACertificateFile ${options.certificates.caFile}`,
        `TLSCertificateFile ${options.certificates.certFile}`,
        `TLSCertificateKeyFile ${options.certificates.keyFile}`,
      ]
    : [];
  writeFileSync(
    join(dir, 'slapd.conf'),
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      'include /etc/ldap/schema/nis.schema',
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'moduleload memberof',
      `pidfile ${join(dir, 'slapd.pid')}`,
      ...tls,
      'database mdb',
      `suffix "${LDAP_SUFFIX}"`,
      `rootdn "${LDAP_ROOT_DN}"`,
      `rootpw ${LDAP_ROOT_PASSWORD}`,
      `directory ${join(dir, 'db')}`,
      'maxsize 10485760',
      'overlay memberof',
      'access to attrs=userPassword by anonymous auth by self read by * none',
      'access to * by users read by * none',
      '',
    ].join('\n'),
  );
  const urls = [`ldap://127.0.0.1:${port}/`, ...(ldapsPort ? [`ldaps://127.0.0.1:${ldapsPort}/`] : [])];
  const slapdPath = '/usr/sbin/slapd';
  const child = spawn(slapdPath, ['-d', '0', '-h', urls.join(' '), '-f', join(dir, 'slapd.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `ldap://127.0.0.1:${port}`;

  const add = async (ldif: string) => {
    const file = join(dir, `add-${Date.now()}-${Math.random().toString(16).slice(2)}.ldif`);
    writeFileSync(file, ldif);
    await run('ldapadd', ['-x', '-H', url, '-D', LDAP_ROOT_DN, '-w', LDAP_ROOT_PASSWORD, '-f', file]);
  };
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitForPort(port, child, () => output);
    await add(
      [
        `dn: ${LDAP_SUFFIX}`,
        'objectClass: dcObject',
        'objectClass: organization',
        'o: Tutti Test',
        'dc: tutti',
        '',
        ...['services', 'people', 'groups'].flatMap((ou) => [
          `dn: ou=${ou},${LDAP_SUFFIX}`,
          'objectClass: organizationalUnit',
          `ou: ${ou}`,
          '',
        ]),
        `dn: ${LDAP_SERVICE_DN}`,
        'objectClass: organizationalRole',
        'objectClass: simpleSecurityObject',
        'cn: tutti-reader',
        `userPassword: ${LDAP_SERVICE_PASSWORD}`,
        '',
      ].join('\n'),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, ldapsUrl: ldapsPort ? `ldaps://127.0.0.1:${ldapsPort}` : null, add, stop };
}

/** LDIF for a person in ou=people. */
export function personLdif(uid: string, password: string, name = uid, email = `${uid}@corp.example`): string {
  return [
    `dn: uid=${uid},ou=people,${LDAP_SUFFIX}`,
    'objectClass: inetOrgPerson',
    `uid: ${uid}`,
    `cn: ${name}`,
    `sn: ${name.split(' ').at(-1) ?? name}`,
    `mail: ${email}`,
    `userPassword: ${password}`,
    '',
  ].join('\n');
}

/** LDIF for a group in ou=groups whose members are the given uids (memberOf appears on them). */
export function groupLdif(name: string, memberUids: string[]): string {
  return [
    `dn: cn=${name},ou=groups,${LDAP_SUFFIX}`,
    'objectClass: groupOfNames',
    `cn: ${name}`,
    ...memberUids.map((uid) => `member: uid=${uid},ou=people,${LDAP_SUFFIX}`),
    '',
  ].join('\n');
}

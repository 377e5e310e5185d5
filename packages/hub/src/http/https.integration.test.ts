import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { AGENT_LINK_PATH, SESSION_COOKIE, type HubMessage } from '@tutti/protocol';
import { loadHubConfig } from '../config/hub-config.ts';
import { makeTestCertificates, type TestCertificates } from '../testing/certificates.ts';
import { makeAgent, makeOrg, makeUser, TEST_PASSWORD } from '../testing/factories.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTPS request that trusts only `ca`. */
function get(url: string, ca: string | Buffer, init: { method?: string; body?: unknown } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    const req = httpsRequest(
      url,
      {
        method: init.method ?? 'GET',
        ca,
        headers: body ? { 'content-type': 'application/json' } : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function agentHello(url: string, ca: string | undefined, agentName: string): Promise<HubMessage> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace('https', 'wss')}${AGENT_LINK_PATH}`, ca ? { ca } : {});
    socket.on('error', reject);
    socket.on('open', () =>
      socket.send(JSON.stringify({ type: 'hello', protocol: 1, agentName, password: TEST_PASSWORD, version: 'test' })),
    );
    socket.on('message', (data) => {
      resolve(JSON.parse(String(data)) as HubMessage);
      socket.close();
    });
  });
}

describe('HTTPS with a given certificate', () => {
  let certificates: TestCertificates;
  let hub: TestHub;

  beforeAll(async () => {
    certificates = makeTestCertificates();
    hub = await startTestHub({
      listen: true,
      config: { tlsCertFile: certificates.certFile, tlsKeyFile: certificates.keyFile },
    });
  });
  afterAll(async () => {
    await hub?.close();
    certificates?.remove();
  });

  it('serves the API over https on 127.0.0.1 and sets Secure session cookies', async () => {
    expect(hub.url()).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await get(`${hub.url()}/health/live`, certificates.ca)).status).toBe(200);
    const org = await makeOrg(hub.database.db);
    const user = await makeUser(hub.database.db, org.id);
    const signedIn = await get(`${hub.url()}/api/v1/auth/sign-in`, certificates.ca, {
      method: 'POST',
      body: { email: user.email, password: user.password },
    });
    expect(signedIn.status).toBe(200);
    const cookie = ([] as string[])
      .concat(signedIn.headers['set-cookie'] ?? [])
      .find((line) => line.startsWith(`${SESSION_COOKIE}=`));
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(signedIn.headers['strict-transport-security']).toBeTruthy();
  });

  it('refuses a client that does not trust the certificate', async () => {
    const other = makeTestCertificates();
    try {
      await expect(get(`${hub.url()}/health/live`, other.ca)).rejects.toThrow(/certificate/i);
    } finally {
      other.remove();
    }
  });

  it('holds an agent link over wss with the CA given to the client, and refuses one without it', async () => {
    const org = await makeOrg(hub.database.db);
    const agent = await makeAgent(hub.database.db, org.id);
    expect(await agentHello(hub.url(), certificates.ca, agent.name)).toMatchObject({ type: 'welcome' });
    await expect(agentHello(hub.url(), undefined, agent.name)).rejects.toThrow(/certificate/i);
  });
});

describe('HTTPS with a self-signed certificate', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tutti-hub-tls-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('generates one into the data directory once and serves with it', async () => {
    const certFile = join(dataDir, 'tls', 'self-signed-cert.pem');
    const first = await startTestHub({ listen: true, config: { tls: 'self-signed', dataDir } });
    let cert: string;
    try {
      cert = readFileSync(certFile, 'utf8');
      expect(statSync(join(dataDir, 'tls', 'self-signed-key.pem')).mode & 0o777).toBe(0o600);
      expect((await get(`${first.url()}/health/live`, cert)).status).toBe(200);
    } finally {
      await first.close();
    }
    const second = await startTestHub({ listen: true, config: { tls: 'self-signed', dataDir } });
    try {
      expect(readFileSync(certFile, 'utf8')).toBe(cert);
      expect((await get(`${second.url()}/health/live`, cert)).status).toBe(200);
    } finally {
      await second.close();
    }
  });
});

describe('TLS settings', () => {
  it.each([
    [{ tlsCertFile: '/x/cert.pem' }, 'tlsKeyFile'],
    [{ tlsCertFile: '/x/cert.pem', tlsKeyFile: '/x/key.pem', tls: 'self-signed' as const }, 'tls'],
  ])('refuses %j', (overrides, problem) => {
    expect(() => loadHubConfig({}, overrides)).toThrow(new RegExp(problem));
  });

  it('makes cookies Secure whenever the hub serves HTTPS', () => {
    expect(loadHubConfig({}, { tls: 'self-signed' })).toMatchObject({ https: true, secureCookies: true });
    expect(loadHubConfig({}, {})).toMatchObject({ https: false, secureCookies: false });
  });
});

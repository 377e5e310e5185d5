import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorBodySchema } from '@tutti/protocol';
import { createAgent, type Agent } from '../agent.ts';
import { parseAgentConfig } from '../config/agent-config.ts';
import { createFakeDriver } from '../test-support/fake-devices.ts';
import { createUiServer, type UiServer } from './ui-server.ts';

let dataDir: string;
let agent: Agent;
let ui: UiServer;
const host = '127.0.0.1:8090';

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tutti-agent-ui-'));
  const log = pino({ level: 'silent' });
  agent = createAgent({ config: parseAgentConfig({ dataDir }), driver: createFakeDriver(), logger: log, ui: false });
  ui = createUiServer({ agent, log });
});

afterEach(async () => {
  await ui.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function post(url: string, payload: unknown, headers: Record<string, string> = {}) {
  return ui.app.inject({ method: 'POST', url, payload: payload as object, headers: { host, ...headers } });
}

describe('local UI API', () => {
  it('serves the page and the status', async () => {
    const page = await ui.app.inject({ method: 'GET', url: '/', headers: { host } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('Connect to a central hub');
    const status = await ui.app.inject({ method: 'GET', url: '/api/status', headers: { host } });
    expect(status.json()).toMatchObject({ monitoring: 'off', link: { state: 'not_configured' }, devices: [] });
  });

  it('rejects a bad hub form with every issue listed', async () => {
    const response = await post('/api/hub', { url: 'not a url', agentName: '', extra: 1 });
    expect(response.statusCode).toBe(400);
    const body = errorBodySchema.parse(response.json());
    expect(body.error.code).toBe('VALIDATION_FAILED');
    const paths = (body.error.details as { issues: { path: string }[] }).issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['url', 'agentName', '']));
  });

  it('requires a password the first time, then keeps it without ever showing it', async () => {
    const missing = await post('/api/hub', { url: 'https://hub.example.com', agentName: 'site-a' });
    expect(missing.statusCode).toBe(400);
    const saved = await post('/api/hub', {
      url: 'https://hub.example.com',
      agentName: 'site-a',
      password: 'hunter2-secret',
    });
    expect(saved.statusCode).toBe(200);
    const renamed = await post('/api/hub', { url: 'https://hub.example.com', agentName: 'site-b' });
    expect(renamed.statusCode).toBe(200);
    const status = await ui.app.inject({ method: 'GET', url: '/api/status', headers: { host } });
    expect(status.json()).toMatchObject({ link: { agentName: 'site-b', url: 'https://hub.example.com' } });
    expect(status.body + saved.body + renamed.body).not.toContain('hunter2-secret');
  });

  it('adds and toggles loopback subnets and refuses others', async () => {
    const added = await post('/api/subnets', { subnet: '127.32.20.0/24', enabled: true });
    expect(added.json()).toEqual({ subnet: { subnet: '127.32.20.0', interfaceName: 'lo', enabled: true } });
    await post('/api/subnets', { subnet: '127.32.20.0', enabled: false });
    expect(agent.status().subnets).toMatchObject([{ subnet: '127.32.20.0', enabled: false }]);

    const outside = await post('/api/subnets', { subnet: '192.168.1.0', enabled: true });
    expect(outside.statusCode).toBe(400);
    expect(outside.json()).toMatchObject({ error: { code: 'ADDRESS_NOT_LOOPBACK' } });
    const malformed = await post('/api/subnets', { subnet: '127.32.20.7', enabled: 'yes' });
    expect(malformed.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(agent.status().subnets).toHaveLength(1);
  });

  it('refuses cross-origin and DNS-rebound requests', async () => {
    const crossOrigin = await post(
      '/api/subnets',
      { subnet: '127.32.21.0', enabled: true },
      { origin: 'http://evil.example' },
    );
    expect(crossOrigin.statusCode).toBe(403);
    expect(crossOrigin.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const sameOrigin = await post(
      '/api/subnets',
      { subnet: '127.32.21.0', enabled: true },
      { origin: `http://${host}` },
    );
    expect(sameOrigin.statusCode).toBe(200);
    const rebound = await ui.app.inject({ method: 'GET', url: '/api/status', headers: { host: 'evil.example:8090' } });
    expect(rebound.statusCode).toBe(403);
  });

  it('answers malformed bodies with the error shape', async () => {
    const badJson = await ui.app.inject({
      method: 'POST',
      url: '/api/hub',
      payload: '{ nope',
      headers: { host, 'content-type': 'application/json' },
    });
    expect(badJson.json()).toMatchObject({ error: { code: 'MALFORMED_JSON' } });
    const text = await ui.app.inject({
      method: 'POST',
      url: '/api/hub',
      payload: 'url=x',
      headers: { host, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(text.statusCode).toBe(415);
    const unknown = await ui.app.inject({ method: 'GET', url: '/api/nothing', headers: { host } });
    expect(unknown.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorBodySchema } from '@tutti/protocol';
import { createAgent, type Agent } from '../agent.ts';
import { parseAgentConfig } from '../config/agent-config.ts';
import { createFakeDriver } from '../test-support/fake-devices.ts';
import type { MonitoredDevice } from '../sessions/device-monitor.ts';
import { uiLocales, uiStrings } from './strings.ts';
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

describe('local UI page and device pages', () => {
  function device(index: number): MonitoredDevice {
    const serial = `8600-${String(index).padStart(4, '0')}-11`;
    return {
      serial,
      model: 'CONVERGE_PRO_2_128T',
      modelName: 'CONVERGE Pro 2 128T',
      name: index === 7 ? 'Boardroom' : `Room ${index}`,
      accessIp: `127.33.1.${(index % 250) + 1}`,
      port: 23,
      firmware: '5.2.0.7',
      status: index % 10 === 0 ? 'down' : 'healthy',
      statusSince: null,
      connection: { subnet: '127.33.1.0', interfaceName: 'lo', stack: null, clink: 0, plink: null, hostSerial: null },
      connectionPath: 'Subnet 127.33.1.0 (lo) > C-Link 00',
      session: index % 10 === 0 ? 'unreachable' : 'connected',
      sessionError: index % 10 === 0 ? 'connect ECONNREFUSED' : null,
      retryAt: null,
      firmwareProgress: null,
      lastSeenAt: new Date(0).toISOString(),
    };
  }

  function pagedUi(count: number): UiServer {
    const devices = Array.from({ length: count }, (_, index) => device(index));
    return createUiServer({
      agent: { ...agent, status: () => ({ ...agent.status(), devices }) },
      log: pino({ level: 'silent' }),
    });
  }

  it('pages, filters and narrows the device list to issues; without a limit it is the whole list', async () => {
    const paged = pagedUi(2_500);
    const get = async (query: string) =>
      (await paged.app.inject({ method: 'GET', url: `/api/status${query}`, headers: { host } })).json<{
        devices: MonitoredDevice[];
        deviceTotal?: number;
        deviceMatches?: number;
        offset?: number;
      }>();
    expect((await get('')).devices).toHaveLength(2_500);
    const second = await get('?offset=100&limit=100');
    expect(second).toMatchObject({ deviceTotal: 2_500, deviceMatches: 2_500, offset: 100 });
    expect(second.devices.map((entry) => entry.serial)).toEqual(
      Array.from({ length: 100 }, (_, index) => device(100 + index).serial),
    );
    const issues = await get('?limit=100&issues=1');
    expect(issues.deviceMatches).toBe(250);
    expect(issues.devices.every((entry) => entry.status === 'down')).toBe(true);
    expect((await get('?limit=100&q=boardroom')).devices.map((entry) => entry.name)).toEqual(['Boardroom']);
    expect((await get('?limit=100&q=8600-0042')).deviceMatches).toBe(1);
    // A page beyond the end (the list shrank meanwhile) shows the last one.
    expect(await get('?offset=5000&limit=100')).toMatchObject({ offset: 2_400 });
    const bad = await paged.app.inject({ method: 'GET', url: '/api/status?limit=0', headers: { host } });
    expect(bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    await paged.close();
  });

  it('serves the page in the language asked for, right-to-left for Arabic, with every language to pick', async () => {
    const page = async (url: string, headers: Record<string, string> = {}) =>
      (await ui.app.inject({ method: 'GET', url, headers: { host, ...headers } })).body;
    expect(await page('/?lang=ar')).toContain('<html lang="ar" dir="rtl">');
    expect(await page('/?lang=ar')).toContain(uiStrings.ar.sectionHub);
    expect(await page('/', { 'accept-language': 'pt-BR,pt;q=0.9' })).toContain('<html lang="pt-BR" dir="ltr">');
    expect(await page('/', { 'accept-language': 'de-CH,de;q=0.9' })).toContain('<html lang="de" dir="ltr">');
    expect(await page('/', { 'accept-language': 'tlh' })).toContain('<html lang="en" dir="ltr">');
    const english = await page('/?lang=xx');
    expect(english).toContain('<html lang="en" dir="ltr">');
    for (const locale of uiLocales) expect(english).toContain(JSON.stringify(uiStrings[locale].title));
    expect(english).toContain('tutti.agent.locale');
  });
});

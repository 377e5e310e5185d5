import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEventBody } from '@tutti/protocol';
import { createOutbox, type Outbox } from '../outbox/outbox.ts';
import { startFakeHub, type FakeHub, type StartFakeHubOptions } from '../test-support/fake-hub.ts';
import { waitFor } from '../test-support/wait-for.ts';
import { agentLinkUrl, createHubLink, type HubLink } from './hub-link.ts';

const log = pino({ level: 'silent' });
let certDir: string;
let tls: { key: string; cert: string };
let dataDir: string;
let outbox: Outbox | null = null;
let hub: FakeHub | null = null;
let link: HubLink | null = null;

beforeAll(() => {
  certDir = mkdtempSync(join(tmpdir(), 'tutti-agent-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  tls = { key: readFileSync(join(certDir, 'key.pem'), 'utf8'), cert: readFileSync(join(certDir, 'cert.pem'), 'utf8') };
});

afterAll(() => rmSync(certDir, { recursive: true, force: true }));

afterEach(async () => {
  await link?.close();
  await hub?.close();
  if (outbox) {
    outbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  outbox = null;
  link = null;
  hub = null;
});

function status(index: number): AgentEventBody {
  return { kind: 'device.status', serial: `SN${index}`, status: 'healthy', since: new Date().toISOString() };
}

async function setUp(
  hubOptions: StartFakeHubOptions = {},
  batchSize = 500,
): Promise<{ hub: FakeHub; link: HubLink; outbox: Outbox }> {
  dataDir = mkdtempSync(join(tmpdir(), 'tutti-agent-link-'));
  const opened = createOutbox({ dataDir, synchronous: 'normal' });
  outbox = opened;
  hub = await startFakeHub(hubOptions);
  link = createHubLink({
    outbox: opened,
    version: '0.1.0',
    reconnect: { initialMs: 10, maxMs: 50 },
    authRetry: { initialMs: 60_000, maxMs: 60_000 },
    maxInFlightBatches: 2,
    batchSize,
    onRescan: () => undefined,
    onJob: () => undefined,
    onCancelJob: () => undefined,
    log,
  });
  return { hub, link, outbox: opened };
}

describe('agentLinkUrl', () => {
  it.each([
    ['https://hub.example.com', 'wss://hub.example.com/agent/v1'],
    ['http://127.0.0.1:8080/', 'ws://127.0.0.1:8080/agent/v1'],
    ['wss://hub.example.com/tutti', 'wss://hub.example.com/tutti/agent/v1'],
    ['ws://127.0.0.1:1/agent/v1', 'ws://127.0.0.1:1/agent/v1'],
  ])('%s → %s', (input, expected) => {
    expect(agentLinkUrl(input)).toBe(expected);
  });
});

describe('hub link', () => {
  it('streams the outbox with a bounded number of unacknowledged batches', async () => {
    const { hub, link, outbox } = await setUp({}, 10);
    hub.autoAck = false;
    outbox.append(Array.from({ length: 100 }, (_, index) => status(index)));
    link.configure({ url: hub.url, agentName: 'site-a', password: hub.password });
    await waitFor(() => hub.batches === 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hub.batches).toBe(2);
    expect(hub.receivedUpTo).toBe(20);

    hub.autoAck = true;
    hub.ackNow();
    await waitFor(() => outbox.stats().depth === 0);
    expect(hub.events().map((event) => event.seq)).toEqual(Array.from({ length: 100 }, (_, index) => index + 1));
    expect(link.status()).toMatchObject({ state: 'connected', organizationName: 'Test Org', lastAckedSeq: 100 });
  });

  it('drops what the welcome says the hub already has', async () => {
    const { hub, link, outbox } = await setUp();
    outbox.append(Array.from({ length: 5 }, (_, index) => status(index)));
    hub.lastSeq = 3;
    link.configure({ url: hub.url, agentName: 'site-a', password: hub.password });
    await waitFor(() => outbox.stats().depth === 0);
    expect(hub.received.map((event) => event.seq)).toEqual([4, 5]);
  });

  it('connects over wss with a CA it is told to trust, and refuses an unknown certificate', async () => {
    const { hub, link, outbox } = await setUp({ tls });
    link.configure({ url: hub.url, agentName: 'site-a', password: hub.password });
    await waitFor(() => link.status().lastError);
    expect(link.status().state).not.toBe('connected');
    expect(hub.hellos).toBe(0);

    link.configure({ url: hub.url, agentName: 'site-a', password: hub.password, caFile: join(certDir, 'cert.pem') });
    outbox.append([status(1)]);
    await waitFor(() => outbox.stats().depth === 0);
    expect(link.status().state).toBe('connected');
    expect(hub.received).toHaveLength(1);
  });

  it('drops a silent link and connects again', async () => {
    const { hub, link } = await setUp({ heartbeatSeconds: 1, responsive: false });
    link.configure({ url: hub.url, agentName: 'site-a', password: hub.password });
    await waitFor(() => link.status().state === 'connected');
    await waitFor(() => hub.hellos >= 2, 50);
  });
});

describe('hub link after the outbox was lost', () => {
  it('renumbers new events past the hub last seq instead of losing them', async () => {
    const { hub, link, outbox } = await setUp();
    hub.lastSeq = 1000;
    outbox.append([status(1), status(2)]);
    link.configure({ url: hub.url, agentName: 'site-a', password: hub.password });
    await waitFor(() => outbox.stats().depth === 0);
    expect(hub.received.map((event) => event.seq)).toEqual([1001, 1002]);
  });
});

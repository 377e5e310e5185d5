import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentEventSchema, type AgentEvent } from '@tutti/protocol';
import { createAgent, type Agent } from './agent.ts';
import { parseAgentConfig, type AgentConfigInput } from './config/agent-config.ts';
import { createFakeDriver, type FakeDriver } from './test-support/fake-devices.ts';
import { startFakeHub, type FakeHub } from './test-support/fake-hub.ts';
import { waitFor } from './test-support/wait-for.ts';

let dataDir: string;
let driver: FakeDriver;
let hub: FakeHub;
const agents: Agent[] = [];

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tutti-agent-'));
  driver = createFakeDriver();
  hub = await startFakeHub();
});

afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.close();
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function startAgent(overrides: AgentConfigInput = {}): Agent {
  const config = parseAgentConfig({
    dataDir,
    uiPort: 0,
    scanIntervalSeconds: 0.05,
    discoveryTimeoutMs: 50,
    hub: { url: hub.url, agentName: 'site-a', password: hub.password },
    subnets: [
      { subnet: '127.32.1.0', enabled: true },
      { subnet: '127.32.2.0', enabled: false },
    ],
    deviceRetry: { initialMs: 10, maxMs: 50 },
    hubReconnect: { initialMs: 10, maxMs: 50 },
    hubAuthRetry: { initialMs: 60_000, maxMs: 60_000 },
    ...overrides,
  });
  const agent = createAgent({ config, driver, logger: pino({ level: 'silent' }) });
  agents.push(agent);
  return agent;
}

const eventsOf = (serial: string): AgentEvent[] =>
  hub
    .events()
    .filter(
      (event) =>
        ('serial' in event ? event.serial : event.kind === 'device.seen' ? event.device.serial : null) === serial,
    );

describe('agent with a fake device driver', () => {
  it('discovers devices on enabled subnets only and reports them to the hub', async () => {
    driver.add({
      serial: 'SN3201',
      ip: '127.32.1.10',
      peripherals: [{ plink: 1, model: 'BMA_360', serial: 'SNP3201', firmware: '2.1', name: 'Ceiling mic' }],
    });
    const hidden = driver.add({ serial: 'SN3202', ip: '127.32.2.10' });
    const agent = startAgent();
    await agent.start();

    const seen = await waitFor(() => eventsOf('SN3201').find((event) => event.kind === 'device.seen'));
    expect(seen).toMatchObject({
      kind: 'device.seen',
      device: {
        serial: 'SN3201',
        status: 'healthy',
        accessIp: '127.32.1.10',
        connection: {
          subnet: '127.32.1.0',
          interfaceName: 'lo',
          stack: 'Stack1',
          clink: 0,
          plink: null,
          hostSerial: null,
        },
      },
    });
    const peripheral = await waitFor(() => eventsOf('SNP3201').find((event) => event.kind === 'device.seen'));
    expect(peripheral).toMatchObject({
      device: { model: 'BMA_360', accessIp: '127.32.1.10', connection: { plink: 1, hostSerial: 'SN3201', clink: 0 } },
    });
    await waitFor(() => agent.status().subnets[0]!.scan.scans >= 2);
    expect(driver.probed).not.toContain('127.32.2.0');
    expect(hidden.connects).toBe(0);
    for (const event of hub.received) expect(agentEventSchema.safeParse(event).success).toBe(true);
    const state = await waitFor(() =>
      hub.events().find((event) => event.kind === 'agent.state' && event.deviceCount === 2),
    );
    expect(state).toMatchObject({ monitoring: 'active', subnetsEnabled: 1, subnetsTotal: 2 });
    expect(
      agent
        .status()
        .devices.map((device) => device.serial)
        .sort(),
    ).toEqual(['SN3201', 'SNP3201']);
  });

  it('reports a status change, and the device down and lost when it disappears', async () => {
    driver.add({ serial: 'SN3203', ip: '127.32.1.11' });
    const agent = startAgent({ missingScansBeforeLost: 2 });
    await agent.start();
    await waitFor(() => eventsOf('SN3203').find((event) => event.kind === 'device.seen'));

    driver.setState('SN3203', { locate: true });
    const locate = await waitFor(() =>
      eventsOf('SN3203').find((event) => event.kind === 'device.status' && event.status === 'locate_light_on'),
    );
    driver.setState('SN3203', { locate: false, temperatureC: 80 });
    await waitFor(() =>
      eventsOf('SN3203').find((event) => event.kind === 'device.status' && event.status === 'overheating'),
    );

    driver.goDown('SN3203');
    await waitFor(() => eventsOf('SN3203').find((event) => event.kind === 'device.status' && event.status === 'down'));
    const lost = await waitFor(() => eventsOf('SN3203').find((event) => event.kind === 'device.lost'));
    expect(lost.seq).toBeGreaterThan(locate.seq);
    expect(agent.status().devices).toEqual([]);
  });

  it('marks a device whose login is refused as login_failed', async () => {
    driver.add({ serial: 'SN3204', ip: '127.32.1.12', password: 'other' });
    const agent = startAgent();
    await agent.start();
    const seen = await waitFor(() => eventsOf('SN3204').find((event) => event.kind === 'device.seen'));
    expect(seen).toMatchObject({ device: { status: 'login_failed', connection: { clink: null } } });
    expect(agent.status().devices[0]?.session).toBe('login_failed');
  });

  it('resends unacknowledged events after the hub drops the link, with the same seqs', async () => {
    hub.autoAck = false;
    driver.add({ serial: 'SN3205', ip: '127.32.1.13' });
    const agent = startAgent();
    await agent.start();
    const first = await waitFor(() => eventsOf('SN3205').find((event) => event.kind === 'device.seen'));
    const helloes = hub.hellos;
    hub.dropAll();
    await waitFor(() => hub.hellos > helloes && hub.received.filter((event) => event.seq === first.seq).length >= 2);
    const copies = hub.received.filter((event) => event.seq === first.seq);
    expect(copies[1]).toEqual(copies[0]);
    expect(agent.status().outbox.depth).toBeGreaterThan(0);

    hub.ackNow();
    await waitFor(() => agent.status().outbox.depth === 0);
    const seqs = hub.events().map((event) => event.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, index) => index + 1));
  });

  it('keeps events across an agent restart and continues the seq', async () => {
    hub.autoAck = false;
    driver.add({ serial: 'SN3206', ip: '127.32.1.14' });
    const agent = startAgent();
    await agent.start();
    await waitFor(() => eventsOf('SN3206').find((event) => event.kind === 'device.seen'));
    await agent.close();
    const before = hub.receivedUpTo;

    hub.autoAck = true;
    driver.setState('SN3206', { locate: true });
    const again = startAgent();
    await again.start();
    await waitFor(() => again.status().outbox.depth === 0 && hub.receivedUpTo > before);
    expect(hub.events().at(-1)!.seq).toBeGreaterThan(before);
    expect(hub.events().map((event) => event.seq)).toEqual(
      Array.from({ length: hub.receivedUpTo }, (_, index) => index + 1),
    );
  });

  it('shows an authentication failure and never logs the password', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const config = parseAgentConfig({
      dataDir,
      uiPort: 0,
      hub: { url: hub.url, agentName: 'site-a', password: 'wrong-password-xyz' },
      hubAuthRetry: { initialMs: 60_000, maxMs: 60_000 },
    });
    const agent = createAgent({ config, driver, logger });
    agents.push(agent);
    await agent.start();
    const link = await waitFor(() => (agent.status().link.state === 'auth_failed' ? agent.status().link : null));
    expect(link.lastError).toBe('The agent name or password is incorrect.');
    expect(link.nextAttemptAt).not.toBeNull();
    expect(JSON.stringify(agent.status())).not.toContain('wrong-password-xyz');
    expect(lines.join('\n')).not.toContain('wrong-password-xyz');
  });

  it('persists hub and subnet changes made through the UI in its data dir', async () => {
    const agent = startAgent({ hub: null, subnets: [] });
    await agent.start();
    agent.setSubnet({ subnet: '127.32.3.0/24', enabled: true });
    agent.configureHub({ url: hub.url, agentName: 'site-b', password: hub.password });
    await waitFor(() => agent.status().link.state === 'connected');
    await agent.close();
    expect(readFileSync(join(dataDir, 'agent-settings.json'), 'utf8')).toContain('127.32.3.0');

    const again = startAgent({ hub: null, subnets: [] });
    await again.start();
    expect(again.status().subnets).toMatchObject([{ subnet: '127.32.3.0', enabled: true }]);
    expect(again.status().link.agentName).toBe('site-b');
    expect(() => again.setSubnet({ subnet: '10.0.0.0', enabled: true })).toThrow(
      expect.objectContaining({ code: 'ADDRESS_NOT_LOOPBACK' }),
    );
  });

  it('reports a peripheral that left its host lost, and a device that moved seen again', async () => {
    const device = driver.add({
      serial: 'SN3207',
      ip: '127.32.1.15',
      peripherals: [
        { plink: 1, model: 'BMA_360', serial: 'SNP3207', firmware: '2.1', name: 'Mic A' },
        { plink: 2, model: 'DIALOG_20', serial: 'SNP3208', firmware: '3.0', name: 'Wireless' },
      ],
    });
    const agent = startAgent();
    await agent.start();
    await waitFor(() => eventsOf('SNP3208').find((event) => event.kind === 'device.seen'));

    device.peripherals = device.peripherals.slice(0, 1);
    driver.dropSessions('SN3207');
    await waitFor(() => eventsOf('SNP3208').find((event) => event.kind === 'device.lost'));
    expect(eventsOf('SNP3207').some((event) => event.kind === 'device.lost')).toBe(false);

    device.ip = '127.32.1.16';
    const moved = await waitFor(() =>
      eventsOf('SN3207').find((event) => event.kind === 'device.seen' && event.device.accessIp === '127.32.1.16'),
    );
    expect(moved).toMatchObject({ device: { status: 'healthy' } });
    await waitFor(() =>
      eventsOf('SNP3207').find((event) => event.kind === 'device.seen' && event.device.accessIp === '127.32.1.16'),
    );
  });

  it('resumes known devices after a restart without announcing them again, and reports what vanished meanwhile', async () => {
    driver.add({ serial: 'SN3209', ip: '127.32.1.17' });
    const leaving = driver.add({ serial: 'SN3210', ip: '127.32.1.18' });
    const first = startAgent();
    await first.start();
    await waitFor(() => eventsOf('SN3210').find((event) => event.kind === 'device.seen'));
    await waitFor(() => eventsOf('SN3209').find((event) => event.kind === 'device.seen'));
    await waitFor(() => first.status().outbox.depth === 0);
    await first.close();

    leaving.up = false;
    const second = startAgent();
    await second.start();
    await waitFor(() => eventsOf('SN3210').find((event) => event.kind === 'device.lost'));
    await waitFor(() => second.status().sessions.connected === 1 && second.status().subnets[0]!.scan.scans >= 2);
    expect(eventsOf('SN3209').filter((event) => event.kind === 'device.seen')).toHaveLength(1);
    expect(eventsOf('SN3209').filter((event) => event.kind === 'device.status')).toEqual([]);
  });

  it('finds a hung device with the liveness check and reports it down', async () => {
    const device = driver.add({ serial: 'SN3211', ip: '127.32.1.19' });
    const agent = startAgent({ livenessIntervalSeconds: 0.05, deviceTimeoutMs: 50 });
    await agent.start();
    await waitFor(() => eventsOf('SN3211').find((event) => event.kind === 'device.seen'));
    device.hung = true;
    await waitFor(() => eventsOf('SN3211').find((event) => event.kind === 'device.status' && event.status === 'down'));
    expect(agent.status().devices[0]?.session).not.toBe('connected');
  });

  it('raises Monitoring System Issue and compacts when the outbox nears its cap', async () => {
    hub.autoAck = false;
    driver.add({ serial: 'SN3212', ip: '127.32.1.20' });
    const agent = startAgent({ outboxCapBytes: 64 * 1024 });
    await agent.start();
    await waitFor(() => eventsOf('SN3212').find((event) => event.kind === 'device.seen'));
    for (let flip = 0; flip < 800; flip += 1) {
      driver.setState('SN3212', { locate: flip % 2 === 0 });
      if (flip % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => agent.status().outbox.compacted > 0 && agent.status().monitoring === 'issue');

    hub.autoAck = true;
    hub.ackNow();
    const issue = await waitFor(() =>
      hub.received.find((event) => event.kind === 'agent.state' && event.monitoring === 'issue'),
    );
    await waitFor(() =>
      hub.received.find(
        (event) => event.kind === 'agent.state' && event.monitoring === 'active' && event.seq > issue.seq,
      ),
    );
    expect(agent.status().outbox.compacted).toBeGreaterThan(0);
  });
});

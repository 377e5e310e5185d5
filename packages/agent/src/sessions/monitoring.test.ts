import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentEvent } from '@tutti/protocol';
import { createAgent, type Agent } from '../agent.ts';
import { parseAgentConfig, type AgentConfigInput } from '../config/agent-config.ts';
import { CREDENTIALS_FILE } from '../credentials/credential-store.ts';
import { createFakeDriver, type FakeDriver } from '../test-support/fake-devices.ts';
import { startFakeHub, type FakeHub } from '../test-support/fake-hub.ts';
import { waitFor } from '../test-support/wait-for.ts';

let dataDir: string;
let driver: FakeDriver;
let hub: FakeHub;
const agents: Agent[] = [];

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tutti-agent-monitoring-'));
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
    hub: { url: hub.url, agentName: 'site-m', password: hub.password },
    subnets: [{ subnet: '127.34.1.0', enabled: true }],
    deviceRetry: { initialMs: 10, maxMs: 50 },
    loginRetry: { initialMs: 60_000, maxMs: 60_000 },
    hubReconnect: { initialMs: 10, maxMs: 50 },
    credentialsKey: 'a'.repeat(64),
    ...overrides,
  });
  const agent = createAgent({ config, driver, logger: pino({ level: 'silent' }) });
  agents.push(agent);
  return agent;
}

const serialOf = (event: AgentEvent): string | null =>
  event.kind === 'device.seen' ? event.device.serial : event.kind === 'agent.state' ? null : event.serial;
const statusesOf = (serial: string): string[] =>
  hub
    .events()
    .filter((event) => serialOf(event) === serial)
    .flatMap((event) =>
      event.kind === 'device.seen' ? [event.device.status] : event.kind === 'device.status' ? [event.status] : [],
    );
const statusOf = (agent: Agent, serial: string) => agent.status().devices.find((device) => device.serial === serial);

describe('device monitoring', () => {
  it('shows Updating Firmware from progress lines, then Restarting... until the box is back', async () => {
    driver.add({
      serial: 'SN3401',
      ip: '127.34.1.10',
      peripherals: [{ plink: 1, model: 'BMA_360', serial: 'SNP3401', firmware: '2.1', name: 'Mic' }],
    });
    const agent = startAgent();
    await agent.start();
    await waitFor(() => statusOf(agent, 'SN3401')?.status === 'healthy');

    driver.sendLine('SN3401', 'FW_PROGRESS 25');
    await waitFor(() => statusOf(agent, 'SN3401')?.status === 'updating_firmware');
    expect(statusOf(agent, 'SN3401')?.firmwareProgress).toBe(25);
    driver.sendLine('SN3401', 'FW_DONE');
    driver.dropSessions('SN3401');
    await waitFor(() => statusesOf('SN3401').includes('restarting'));
    expect(statusesOf('SNP3401')).toContain('restarting');
    await waitFor(() => statusesOf('SN3401').length === 4);
    expect(statusesOf('SN3401')).toEqual(['healthy', 'updating_firmware', 'restarting', 'healthy']);
    expect(statusesOf('SN3401')).not.toContain('down');
  });

  it('reads a firmware update already running when it connects', async () => {
    driver.add({ serial: 'SN3402', ip: '127.34.1.11', firmwareProgress: 50 });
    const agent = startAgent();
    await agent.start();
    await waitFor(() => statusOf(agent, 'SN3402')?.status === 'updating_firmware');
  });

  it('counts a box that announced a reboot as Down once the grace period ends', async () => {
    const device = driver.add({ serial: 'SN3403', ip: '127.34.1.12' });
    const agent = startAgent({ restartGraceSeconds: 0.2, missingScansBeforeLost: 100, scanIntervalSeconds: 0.5 });
    await agent.start();
    await waitFor(() => statusOf(agent, 'SN3403')?.status === 'healthy');
    driver.sendLine('SN3403', 'REBOOT');
    driver.goDown('SN3403');
    await waitFor(() => statusOf(agent, 'SN3403')?.status === 'restarting');
    await waitFor(() => statusOf(agent, 'SN3403')?.status === 'down');
    device.up = true;
    await waitFor(() => statusesOf('SN3403').length === 4);
    expect(statusesOf('SN3403')).toEqual(['healthy', 'restarting', 'down', 'healthy']);
  });

  it('a session lost without a reboot notice is Down at once', async () => {
    driver.add({ serial: 'SN3404', ip: '127.34.1.13' });
    const agent = startAgent();
    await agent.start();
    await waitFor(() => statusOf(agent, 'SN3404')?.status === 'healthy');
    driver.goDown('SN3404');
    await waitFor(() => statusesOf('SN3404').length === 2);
    expect(statusesOf('SN3404')).toEqual(['healthy', 'down']);
  });

  it('keeps status since unchanged while the status stays the same', async () => {
    driver.add({ serial: 'SN3405', ip: '127.34.1.14' });
    const agent = startAgent();
    await agent.start();
    await waitFor(() => statusOf(agent, 'SN3405')?.status === 'healthy');
    const since = statusOf(agent, 'SN3405')?.statusSince;
    driver.setState('SN3405', { temperatureC: 41 });
    await waitFor(() => agent.status().subnets[0]!.scan.scans >= 3);
    expect(statusOf(agent, 'SN3405')?.statusSince).toBe(since);
    expect(hub.events().filter((event) => serialOf(event) === 'SN3405')).toHaveLength(1);
  });

  it('reports the FTP state the unit tells in device.seen, anew when it changes, and keeps it while the unit is away', async () => {
    const device = driver.add({
      serial: 'SN3409',
      ip: '127.34.1.18',
      state: { locate: false, temperatureC: 40, ftpEnabled: false },
    });
    const agent = startAgent();
    await agent.start();
    const seen = () =>
      hub
        .events()
        .flatMap((event) => (event.kind === 'device.seen' && event.device.serial === 'SN3409' ? [event.device] : []));
    await waitFor(() => seen().length === 1);
    expect(seen()[0]).toMatchObject({ status: 'healthy', ftpEnabled: false });

    driver.setState('SN3409', { ftpEnabled: true });
    await waitFor(() => seen().length === 2);
    expect(seen()[1]).toMatchObject({ status: 'healthy', ftpEnabled: true });

    // Going away and coming back are status changes, not a new identity: the last reported FTP state stays.
    driver.goDown('SN3409');
    await waitFor(() => statusesOf('SN3409').includes('down'));
    device.up = true;
    await waitFor(() => statusesOf('SN3409').length === 4);
    expect(statusesOf('SN3409')).toEqual(['healthy', 'healthy', 'down', 'healthy']);
    expect(seen()).toHaveLength(2);
  });

  it('reports a unit replaced at the same address (new serial) and one that moved address', async () => {
    const old = driver.add({ serial: 'SN3406', ip: '127.34.1.15' });
    const moving = driver.add({ serial: 'SN3407', ip: '127.34.1.16' });
    const agent = startAgent({ missingScansBeforeLost: 50 });
    await agent.start();
    await waitFor(() => statusOf(agent, 'SN3406')?.status === 'healthy' && statusOf(agent, 'SN3407'));

    old.up = false;
    driver.add({ serial: 'SN3408', ip: '127.34.1.15' });
    await waitFor(() => hub.events().find((event) => event.kind === 'device.lost' && event.serial === 'SN3406'));
    await waitFor(() => statusOf(agent, 'SN3408')?.status === 'healthy');
    expect(statusOf(agent, 'SN3406')).toBeUndefined();

    moving.ip = '127.34.1.30';
    const moved = await waitFor(() =>
      hub
        .events()
        .find(
          (event) =>
            event.kind === 'device.seen' && event.device.serial === 'SN3407' && event.device.accessIp === '127.34.1.30',
        ),
    );
    expect(moved).toBeDefined();
    expect(hub.events().some((event) => event.kind === 'device.lost' && event.serial === 'SN3407')).toBe(false);
  });

  it('logs in with per-device credentials stored encrypted, after Login Failed with the site ones', async () => {
    driver.add({ serial: 'SN3409', ip: '127.34.1.17', password: 'unit-secret-9' });
    driver.add({ serial: 'SN3410', ip: '127.34.1.18' });
    const agent = startAgent();
    await agent.start();
    await waitFor(() => statusOf(agent, 'SN3409')?.status === 'login_failed');
    expect(statusOf(agent, 'SN3409')?.session).toBe('login_failed');

    agent.setCredentials({ kind: 'device', serial: 'SN3409' }, { username: 'clearone', password: 'unit-secret-9' });
    await waitFor(() => statusOf(agent, 'SN3409')?.status === 'healthy');
    expect(statusOf(agent, 'SN3410')?.status).toBe('healthy');
    expect(agent.status().credentials).toEqual([{ scope: { kind: 'device', serial: 'SN3409' }, username: 'clearone' }]);

    const stored = readFileSync(join(dataDir, CREDENTIALS_FILE), 'utf8');
    expect(stored).not.toContain('unit-secret-9');
    expect(JSON.parse(stored)).toMatchObject({ version: 1, algorithm: 'aes-256-gcm' });
    for (const file of readdirSync(dataDir)) {
      if (file.endsWith('.sqlite') || file.endsWith('-wal') || file.endsWith('-shm')) continue;
      expect(readFileSync(join(dataDir, file), 'utf8')).not.toContain('unit-secret-9');
    }
  });

  it('applies site credentials to every device that refused the old ones', async () => {
    driver.add({ serial: 'SN3411', ip: '127.34.1.19', password: 'site-secret-1' });
    driver.add({ serial: 'SN3412', ip: '127.34.1.20', password: 'site-secret-1' });
    const agent = startAgent();
    await agent.start();
    await waitFor(() => agent.status().sessions.login_failed === 2);
    agent.setCredentials({ kind: 'site' }, { username: 'clearone', password: 'site-secret-1' });
    await waitFor(() => agent.status().sessions.connected === 2);
  });

  it('reports session counts and subnet scan progress to the hub in agent.state', async () => {
    driver.add({ serial: 'SN3413', ip: '127.34.1.21' });
    driver.add({ serial: 'SN3414', ip: '127.34.1.22', password: 'nope' });
    const agent = startAgent();
    await agent.start();
    const state = await waitFor(() =>
      hub
        .events()
        .find(
          (event) =>
            event.kind === 'agent.state' && event.sessions?.connected === 1 && event.sessions.login_failed === 1,
        ),
    );
    expect(state).toMatchObject({ subnets: [{ subnet: '127.34.1.0', enabled: true, lastError: null }] });
  });
});

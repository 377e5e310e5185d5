import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, createSiteSpec, type Simulator } from '@tutti/devices';
import { createAgent, type Agent } from './agent.ts';
import { parseAgentConfig } from './config/agent-config.ts';
import { startFakeHub, type FakeHub } from './test-support/fake-hub.ts';
import { waitFor } from './test-support/wait-for.ts';

/**
 * Soak: one agent monitoring a site of SOAK_DEVICES simulated devices (DSP units and their P-Link peripherals)
 * through rounds of status churn and outages. Asserts structure sizes, never timings.
 */
const SUBNET_COUNT = 8;
const DEVICES_PER_SUBNET = 625;
const SOAK_DEVICES = SUBNET_COUNT * DEVICES_PER_SUBNET;
const ROUNDS = 4;

const BASE = 101 + Math.floor(Math.random() * 100);
const TELNET_PORT = 26_000 + Math.floor(Math.random() * 800);
const DISCOVERY_PORT = TELNET_PORT + 26_000;
const subnets = Array.from({ length: SUBNET_COUNT }, (_, index) => `127.38.${BASE + index}.0`);

let simulator: Simulator;
let hub: FakeHub;
let agent: Agent;
let dataDir: string;

beforeAll(async () => {
  simulator = createSimulator({
    port: TELNET_PORT,
    discoveryPort: DISCOVERY_PORT,
    rebootMs: 300,
    devices: createSiteSpec({ subnets, devicesPerSubnet: DEVICES_PER_SUBNET, seed: 7 }),
  });
  await simulator.start();
  hub = await startFakeHub();
  dataDir = mkdtempSync(join(tmpdir(), 'tutti-agent-soak-'));
  agent = createAgent({
    config: parseAgentConfig({
      dataDir,
      uiPort: 0,
      telnetPort: TELNET_PORT,
      discoveryPort: DISCOVERY_PORT,
      discoveryTimeoutMs: 500,
      scanIntervalSeconds: 5,
      connectConcurrency: 64,
      deviceTimeoutMs: 10_000,
      livenessIntervalSeconds: 10,
      missingScansBeforeLost: 100,
      hub: { url: hub.url, agentName: 'soak-site', password: hub.password },
      subnets: subnets.map((subnet) => ({ subnet, enabled: true })),
      deviceRetry: { initialMs: 200, maxMs: 1_000 },
      hubReconnect: { initialMs: 20, maxMs: 100 },
      credentialsKey: 'd'.repeat(64),
      logLevel: 'silent',
    }),
    logger: pino({ level: 'silent' }),
  });
  await agent.start();
}, 180_000);

afterAll(async () => {
  await agent?.close();
  await hub?.close();
  await simulator?.close();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

const boxes = () => simulator.devices();
const allConnected = () => agent.status().sessions.connected === boxes().length;

describe(`soak: one agent, ${SOAK_DEVICES} simulated devices`, () => {
  it('monitors every device, survives churn and outages, and keeps its structures bounded', async () => {
    await waitFor(() => agent.status().devices.length === SOAK_DEVICES && allConnected(), 50);
    await waitFor(() => agent.status().outbox.depth === 0, 50);
    const baseline = { heap: process.memoryUsage().heapUsed, events: hub.events().length };

    for (let round = 0; round < ROUNDS; round += 1) {
      const all = boxes();
      // Status churn on every tenth unit, an outage of every fiftieth.
      const churned = all.filter((_, index) => index % 10 === round);
      const outage = all.filter((_, index) => index % 50 === round);
      for (const box of churned) box.setLocate(true);
      await Promise.all(outage.map((box) => box.goDown()));
      await waitFor(() => {
        const devices = new Map(agent.status().devices.map((device) => [device.serial, device.status]));
        return (
          churned.every((box) => outage.includes(box) || devices.get(box.spec.serial) === 'locate_light_on') &&
          outage.every((box) => devices.get(box.spec.serial) === 'down')
        );
      }, 50);
      for (const box of churned) box.setLocate(false);
      await Promise.all(outage.map((box) => box.comeBack()));
      await waitFor(() => allConnected() && agent.status().devices.every((device) => device.status === 'healthy'), 50);
    }

    await waitFor(() => agent.status().outbox.depth === 0, 50);
    const status = agent.status();
    // No stuck sessions: every box has exactly one agent session, none connecting or waiting to retry.
    expect(status.sessions).toEqual({ connecting: 0, connected: boxes().length, login_failed: 0, unreachable: 0 });
    expect(status.devices.filter((device) => device.retryAt !== null)).toEqual([]);
    expect(boxes().every((box) => box.sessionCount === 1)).toBe(true);
    // Structures do not grow with churn: the device table holds the site, the outbox drained.
    expect(status.devices).toHaveLength(SOAK_DEVICES);
    expect(status.outbox.depth).toBe(0);
    expect(hub.events().length - baseline.events).toBeGreaterThan(0);
    // Heap after the rounds stays within a bounded factor of the settled heap (sessions and maps reused).
    globalThis.gc?.();
    expect(process.memoryUsage().heapUsed).toBeLessThan(baseline.heap * 2);
  }, 240_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type SimulatedDeviceSpec, type Simulator } from '@tutti/devices';
import { agentEventSchema, type AgentEvent } from '@tutti/protocol';
import { createAgent, type Agent } from './agent.ts';
import { parseAgentConfig } from './config/agent-config.ts';
import { startFakeHub, type FakeHub } from './test-support/fake-hub.ts';
import { waitFor } from './test-support/wait-for.ts';

const TELNET_PORT = 24_033;
const DISCOVERY_PORT = 50_433;
const ENABLED = '127.33.1.0';
const DISABLED = '127.33.2.0';

function box(
  address: string,
  serial: string,
  boxName: string,
  extra: Partial<SimulatedDeviceSpec> = {},
): SimulatedDeviceSpec {
  return {
    address,
    model: 'CONVERGE_PRO_2_128T',
    boxName,
    serial,
    mac: `00:06:2F:33:${serial.slice(-4, -2)}:${serial.slice(-2)}`,
    firmware: '5.2.0.7',
    stackName: `STACK_${boxName}`,
    boxNumber: 1,
    ...extra,
  };
}

let simulator: Simulator;
let hub: FakeHub;
let agent: Agent;
let dataDir: string;

const eventsOf = (serial: string): AgentEvent[] =>
  hub
    .events()
    .filter(
      (event) =>
        (event.kind === 'device.seen' ? event.device.serial : 'serial' in event ? event.serial : null) === serial,
    );

beforeAll(async () => {
  simulator = createSimulator({
    port: TELNET_PORT,
    discoveryPort: DISCOVERY_PORT,
    devices: [
      box('127.33.1.10', '3301001', 'BOARDROOM', {
        peripherals: [{ plink: 1, model: 'BMA_360', serial: '3301901', firmware: '2.1.0.8', name: 'Table_Mic' }],
      }),
      box('127.33.1.11', '3301002', 'TRAINING', { credentials: { username: 'clearone', password: 'changed' } }),
      box('127.33.2.10', '3302001', 'HIDDEN'),
    ],
  });
  await simulator.start();
  hub = await startFakeHub();
  dataDir = mkdtempSync(join(tmpdir(), 'tutti-agent-sim-'));
  agent = createAgent({
    config: parseAgentConfig({
      dataDir,
      uiPort: 0,
      telnetPort: TELNET_PORT,
      discoveryPort: DISCOVERY_PORT,
      discoveryTimeoutMs: 100,
      scanIntervalSeconds: 0.2,
      hub: { url: hub.url, agentName: 'sim-site', password: hub.password },
      subnets: [
        { subnet: ENABLED, enabled: true },
        { subnet: DISABLED, enabled: false },
      ],
      deviceRetry: { initialMs: 50, maxMs: 200 },
      hubReconnect: { initialMs: 20, maxMs: 100 },
    }),
    logger: pino({ level: 'silent' }),
  });
  await agent.start();
});

afterAll(async () => {
  await agent.close();
  await hub.close();
  await simulator.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('agent against the device simulator', () => {
  it('reports the devices of the enabled subnet with their place in the stack', async () => {
    const seen = await waitFor(() => eventsOf('3301001').find((event) => event.kind === 'device.seen'));
    expect(seen).toMatchObject({
      device: {
        serial: '3301001',
        model: 'CONVERGE_PRO_2_128T',
        name: 'BOARDROOM',
        firmware: '5.2.0.7',
        accessIp: '127.33.1.10',
        port: TELNET_PORT,
        status: 'healthy',
        connection: { subnet: ENABLED, interfaceName: 'lo', stack: 'STACK_BOARDROOM', clink: 0, plink: null },
      },
    });
    const mic = await waitFor(() => eventsOf('3301901').find((event) => event.kind === 'device.seen'));
    expect(mic).toMatchObject({
      device: { model: 'BMA_360', accessIp: '127.33.1.10', connection: { plink: 1, hostSerial: '3301001' } },
    });
    const refused = await waitFor(() => eventsOf('3301002').find((event) => event.kind === 'device.seen'));
    expect(refused).toMatchObject({ device: { status: 'login_failed' } });
    for (const event of hub.received) expect(agentEventSchema.safeParse(event).success).toBe(true);
  });

  it('never contacts a device on a disabled subnet', async () => {
    await waitFor(() => agent.status().subnets[0]!.scan.scans >= 2);
    expect(simulator.device('3302001')!.sessionCount).toBe(0);
    expect(eventsOf('3302001')).toEqual([]);
    expect(agent.status().subnets[1]!.scan.scans).toBe(0);
  });

  it('follows LOCATE and temperature changes', async () => {
    await waitFor(() => eventsOf('3301001').find((event) => event.kind === 'device.seen'));
    simulator.device('3301001')!.setLocate(true);
    await waitFor(() =>
      eventsOf('3301001').find((event) => event.kind === 'device.status' && event.status === 'locate_light_on'),
    );
    simulator.device('3301001')!.setLocate(false);
    simulator.device('3301001')!.setTemperature(85);
    await waitFor(() =>
      eventsOf('3301001').find((event) => event.kind === 'device.status' && event.status === 'overheating'),
    );
    simulator.device('3301001')!.setTemperature(40);
    await waitFor(() => agent.status().devices.find((device) => device.serial === '3301001')?.status === 'healthy');
  });

  it('reports a device down (with its peripheral) and back', async () => {
    const device = simulator.device('3301001')!;
    await device.goDown();
    await waitFor(() => eventsOf('3301001').find((event) => event.kind === 'device.status' && event.status === 'down'));
    await waitFor(() => eventsOf('3301901').find((event) => event.kind === 'device.status' && event.status === 'down'));
    await device.comeBack();
    await waitFor(() => {
      const last = eventsOf('3301001')
        .filter((event) => event.kind === 'device.status')
        .at(-1);
      return last?.kind === 'device.status' && last.status === 'healthy';
    });
  });

  it('resends what the hub did not acknowledge after the link drops', async () => {
    hub.autoAck = false;
    simulator.device('3301001')!.setSafetyMute(true);
    const event = await waitFor(() =>
      eventsOf('3301001').find(
        (candidate) => candidate.kind === 'device.status' && candidate.status === 'safety_mute_on',
      ),
    );
    const hellos = hub.hellos;
    hub.dropAll();
    await waitFor(() => hub.hellos > hellos && hub.received.filter((copy) => copy.seq === event.seq).length >= 2);
    hub.autoAck = true;
    hub.ackNow();
    await waitFor(() => agent.status().outbox.depth === 0);
    const seqs = hub.events().map((stored) => stored.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, index) => index + 1));
    expect(agent.status().link.state).toBe('connected');
  });
});

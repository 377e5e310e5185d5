import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Misbehaviour, SimulatedDeviceSpec, Simulator } from '@tutti/devices';
import type { DeviceStatus } from '@tutti/protocol';
import type { Agent } from './agent.ts';
import { startSimulatedSite, type SimulatedSite } from './test-support/simulated-site.ts';
import { waitFor } from './test-support/wait-for.ts';

// Random per run: the checkout's test suites may run concurrently with this one.
const OCTET = 1 + Math.floor(Math.random() * 250);
const TELNET_PORT = 25_000 + Math.floor(Math.random() * 800);
const DISCOVERY_PORT = TELNET_PORT + 26_000;
const SUBNET = `127.37.${OCTET}.0`;

const modes: Array<[string, Misbehaviour]> = [
  ['mute', { mode: 'mute' }],
  ['garbage', { mode: 'garbage' }],
  ['reset-mid-reply', { mode: 'reset-mid-reply' }],
  ['half-open', { mode: 'half-open' }],
  ['slow beyond the timeout', { mode: 'slow', delayMs: 2_000 }],
];

function box(host: number): SimulatedDeviceSpec {
  const serial = `37${String(host).padStart(3, '0')}`;
  return {
    address: `127.37.${OCTET}.${host}`,
    model: 'CONVERGE_PRO_2_128T',
    boxName: `ROOM_${host}`,
    serial,
    mac: `00:06:2F:37:00:${String(host).padStart(2, '0')}`,
    firmware: '5.2.0.7',
    stackName: `STACK_${host}`,
    boxNumber: 1,
  };
}

const GOOD = '37010';
const SLOW_OK = '37011';
const badSerials = modes.map((_, index) => `37${String(20 + index).padStart(3, '0')}`);

let site: SimulatedSite;
let simulator: Simulator;
let agent: Agent;

const device = (serial: string) => site.device(serial);
const statusIs = (serial: string, status: DeviceStatus) => site.statusIs(serial, status);

beforeAll(async () => {
  site = await startSimulatedSite({
    simulator: {
      devices: [box(10), box(11), ...modes.map((_, index) => box(20 + index))],
    },
    telnetPort: TELNET_PORT,
    discoveryPort: DISCOVERY_PORT,
    subnet: SUBNET,
    agentName: 'robust',
    config: {
      deviceTimeoutMs: 500,
      livenessIntervalSeconds: 0.2,
      connectConcurrency: 2,
      deviceRetry: { initialMs: 50, maxMs: 300 },
    },
  });
  ({ simulator, agent } = site);
  await waitFor(() => agent.status().sessions.connected === 2 + modes.length);
});

afterAll(async () => site?.close());

describe('one misbehaving device does not disturb the others', () => {
  it('marks misbehaving units Down and keeps following the well-behaved one', async () => {
    modes.forEach(([, misbehaviour], index) => simulator.device(badSerials[index]!)!.setMisbehaviour(misbehaviour));
    simulator.device(SLOW_OK)!.setMisbehaviour({ mode: 'slow', delayMs: 100 });

    // Every misbehaving unit ends Down with no session stuck connecting; the good ones keep working meanwhile.
    const good = simulator.device(GOOD)!;
    for (let round = 0; round < 3; round += 1) {
      good.setLocate(true);
      await waitFor(() => statusIs(GOOD, 'locate_light_on'));
      good.setLocate(false);
      await waitFor(() => statusIs(GOOD, 'healthy'));
    }
    await waitFor(() => badSerials.every((serial) => statusIs(serial, 'down')));
    for (const serial of badSerials) expect(device(serial)?.session).not.toBe('connected');

    simulator.device(SLOW_OK)!.setTemperature(80);
    await waitFor(() => statusIs(SLOW_OK, 'overheating'));
    expect(statusIs(GOOD, 'healthy')).toBe(true);
  });

  it('recovers every unit once it behaves again', async () => {
    for (const serial of [...badSerials, SLOW_OK]) simulator.device(serial)!.setMisbehaviour({ mode: 'none' });
    simulator.device(SLOW_OK)!.setTemperature(40);
    await waitFor(() => [GOOD, SLOW_OK, ...badSerials].every((serial) => statusIs(serial, 'healthy')));
    await waitFor(() => agent.status().sessions.connected === 2 + modes.length);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedDeviceSpec, Simulator } from '@tutti/devices';
import { formatConnectionPath, type DeviceStatus } from '@tutti/protocol';
import type { Agent } from './agent.ts';
import type { FakeHub } from './test-support/fake-hub.ts';
import { startSimulatedSite, type SimulatedSite } from './test-support/simulated-site.ts';
import { waitFor } from './test-support/wait-for.ts';

// Random per run: the checkout's test suites may run concurrently with this one.
const OCTET = 1 + Math.floor(Math.random() * 250);
const TELNET_PORT = 24_100 + Math.floor(Math.random() * 800);
const DISCOVERY_PORT = TELNET_PORT + 26_000;
const SUBNET = `127.35.${OCTET}.0`;

function unit(
  stackName: string,
  boxNumber: number,
  host: number,
  extra: Partial<SimulatedDeviceSpec> = {},
): SimulatedDeviceSpec {
  const serial = `35${String(host).padStart(3, '0')}`;
  return {
    address: `127.35.${OCTET}.${host}`,
    model: 'CONVERGE_PRO_2_128T',
    boxName: `${stackName}_${boxNumber}`,
    serial,
    mac: `00:06:2F:35:00:${String(host).padStart(2, '0')}`,
    firmware: '5.2.0.7',
    stackName,
    boxNumber,
    expectedStackSize: 3,
    ...extra,
  };
}

let site: SimulatedSite;
let simulator: Simulator;
let hub: FakeHub;
let agent: Agent;

const device = (serial: string) => site.device(serial);
const statusIs = (serial: string, status: DeviceStatus) => site.statusIs(serial, status);

beforeAll(async () => {
  site = await startSimulatedSite({
    simulator: {
      rebootMs: 200,
      firmwareUpdateMs: 200,
      devices: [
        unit('BOARDROOM', 1, 10, {
          model: 'CONVERGE_PRO_2_128V',
          peripherals: [
            { plink: 1, model: 'BMA_2', serial: '35901', firmware: '1.0.3.12', name: 'Ceiling_Mic' },
            { plink: 2, model: 'DIALOG_20', serial: '35902', firmware: '3.0.1.4', name: 'Wireless' },
          ],
        }),
        unit('BOARDROOM', 2, 11, {
          peripherals: [{ plink: 1, model: 'BMA_360', serial: '35903', firmware: '2.1.0.8', name: 'Table_Mic' }],
        }),
        unit('BOARDROOM', 3, 12),
        // A second stack on the same subnet.
        unit('TRAINING', 1, 20, { expectedStackSize: 2 }),
        unit('TRAINING', 2, 21, { expectedStackSize: 2 }),
      ],
    },
    telnetPort: TELNET_PORT,
    discoveryPort: DISCOVERY_PORT,
    subnet: SUBNET,
    interfaceName: 'eth0',
    agentName: 'stacks',
    config: { serverName: 'Site-S', restartGraceSeconds: 60, credentialsKey: 'b'.repeat(64) },
  });
  ({ simulator, hub, agent } = site);
  await waitFor(() => agent.status().devices.filter((candidate) => candidate.status === 'healthy').length === 8);
});

afterAll(async () => site?.close());

describe('stacks and connections', () => {
  it('reconstructs Server > Subnet (ifname) > Stack > C-Link > P-Link for every unit and peripheral', async () => {
    expect(device('35010')?.connectionPath).toBe(
      `Server Site-S > Subnet ${SUBNET} (eth0) > Stack BOARDROOM > C-Link 00`,
    );
    expect(device('35011')?.connectionPath).toBe(
      `Server Site-S > Subnet ${SUBNET} (eth0) > Stack BOARDROOM > C-Link 01`,
    );
    expect(device('35012')?.connection).toMatchObject({ stack: 'BOARDROOM', clink: 2, plink: null });
    expect(device('35902')?.connectionPath).toBe(
      `Server Site-S > Subnet ${SUBNET} (eth0) > Stack BOARDROOM > C-Link 00 > P-Link 02`,
    );
    expect(device('35903')?.connection).toEqual({
      subnet: SUBNET,
      interfaceName: 'eth0',
      stack: 'BOARDROOM',
      clink: 1,
      plink: 1,
      hostSerial: '35011',
    });
    expect(device('35021')?.connection).toMatchObject({ stack: 'TRAINING', clink: 1 });
    const seen = await waitFor(() =>
      hub.events().find((event) => event.kind === 'device.seen' && event.device.serial === '35902'),
    );
    expect(seen?.kind === 'device.seen' && formatConnectionPath('Site-S', seen.device.connection)).toBe(
      device('35902')?.connectionPath,
    );
  });

  it('shows Incomplete Stack on the remaining units while one is missing, and recovers', async () => {
    const missing = simulator.device('35012')!;
    await missing.goDown();
    await waitFor(() => statusIs('35010', 'incomplete_stack') && statusIs('35011', 'incomplete_stack'));
    await waitFor(() => statusIs('35012', 'down'));
    // Peripherals keep their own status: their host is reachable.
    expect(device('35901')?.status).toBe('healthy');
    expect(device('35020')?.status).toBe('healthy');
    await missing.comeBack();
    await waitFor(() => ['35010', '35011', '35012'].every((serial) => statusIs(serial, 'healthy')));
  });

  it('shows Mismatched Stack when a unit runs other firmware, and recovers', async () => {
    simulator.device('35021')!.setFirmware('4.6.1.5');
    await waitFor(() => statusIs('35020', 'mismatched_stack') && statusIs('35021', 'mismatched_stack'));
    expect(device('35010')?.status).toBe('healthy');
    simulator.device('35021')!.setFirmware('5.2.0.7');
    await waitFor(() => statusIs('35020', 'healthy') && statusIs('35021', 'healthy'));
  });

  it('derives the other statuses from the box: VoIP, safety mute, locate, overheating', async () => {
    const box = simulator.device('35010')!;
    box.setRegistration('FAILED');
    await waitFor(() => statusIs('35010', 'voip_registration_failed'));
    box.setRegistration('REGISTERED');
    box.setSafetyMute(true);
    await waitFor(() => statusIs('35010', 'safety_mute_on'));
    box.setSafetyMute(false);
    box.setLocate(true);
    await waitFor(() => statusIs('35010', 'locate_light_on'));
    box.setLocate(false);
    box.setTemperature(82);
    await waitFor(() => statusIs('35010', 'overheating'));
    box.setTemperature(40);
    await waitFor(() => statusIs('35010', 'healthy'));
  });

  it('reports Login Failed for a unit with other credentials, and logs in once given them', async () => {
    const box = simulator.device('35020')!;
    box.setCredentials('clearone', 'rotated-7');
    await box.restart();
    await waitFor(() => statusIs('35020', 'login_failed'));
    agent.setCredentials({ kind: 'device', serial: '35020' }, { username: 'clearone', password: 'rotated-7' });
    await waitFor(() => statusIs('35020', 'healthy'));
  });

  it('shows Updating Firmware and Restarting... during a firmware update, then the stack mismatch', async () => {
    const statuses: string[] = [];
    const stop = setInterval(() => {
      const current = device('35011')?.status;
      if (current && statuses.at(-1) !== current) statuses.push(current);
    }, 5);
    try {
      const session = await import('@tutti/devices').then(({ connectDevice }) =>
        connectDevice({
          address: `127.35.${OCTET}.11`,
          port: TELNET_PORT,
          username: 'clearone',
          password: 'converge',
          boxName: 'BOARDROOM_2',
        }),
      );
      await session.updateFirmware('fw-5.3.0.1.bin');
      await session.close();
      // The box came back with newer firmware than its stack mates: a Mismatched Stack until they match.
      await waitFor(() => statuses.includes('restarting') && statusIs('35011', 'mismatched_stack'));
    } finally {
      clearInterval(stop);
    }
    const statusEvents = () =>
      hub
        .events()
        .flatMap((event) =>
          event.kind === 'device.status' && event.serial === '35011'
            ? [event.status]
            : event.kind === 'device.seen' && event.device.serial === '35011'
              ? [event.device.status]
              : [],
        );
    await waitFor(() => statusEvents().at(-1) === 'mismatched_stack');
    expect(statusEvents().slice(-3)).toEqual(['updating_firmware', 'restarting', 'mismatched_stack']);
    expect(device('35011')?.firmware).toBe('5.3.0.1');
    expect(device('35010')?.status).toBe('mismatched_stack');
    simulator.device('35011')!.setFirmware('5.2.0.7');
    await waitFor(() => statusIs('35011', 'healthy') && statusIs('35010', 'healthy'));
  });
});

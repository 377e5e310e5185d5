import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '@tutti/devices';
import type { DeviceStatus } from '@tutti/protocol';
import type { FakeHub } from './test-support/fake-hub.ts';
import { startSimulatedSite, type SimulatedSite } from './test-support/simulated-site.ts';
import { waitFor } from './test-support/wait-for.ts';

// Random per run (127.33.x belongs to agent tests): other suites may run at the same time.
const OCTET = 1 + Math.floor(Math.random() * 250);
const TELNET_PORT = 25_000 + Math.floor(Math.random() * 800);
const DISCOVERY_PORT = TELNET_PORT + 26_000;
const SUBNET = `127.33.${OCTET}.0`;
const address = (host: number) => `127.33.${OCTET}.${host}`;

const DSP = '33010';
const MIC = '33901';
const WIRELESS = '33902';
const CODEC = '33050';

let site: SimulatedSite;
let simulator: Simulator;
let hub: FakeHub;

const device = (serial: string) => site.device(serial);
const statusIs = (serial: string, status: DeviceStatus) => site.statusIs(serial, status);

beforeAll(async () => {
  site = await startSimulatedSite({
    simulator: {
      rebootMs: 150,
      bootMs: 300,
      configLoadMs: 300,
      firmwareUpdateMs: 300,
      devices: [
        {
          address: address(10),
          model: 'CONVERGE_PRO_2_128V',
          boxName: 'LOBBY',
          serial: DSP,
          mac: '00:06:2F:33:00:10',
          firmware: '5.2.0.7',
          stackName: 'LOBBY',
          boxNumber: 1,
          peripherals: [
            { plink: 1, model: 'BMA_360', serial: MIC, firmware: '2.1.0.8', name: 'Ceiling_Mic' },
            { plink: 2, model: 'DIALOG_20', serial: WIRELESS, firmware: '3.0.1.4', name: 'Wireless' },
          ],
        },
        {
          address: address(50),
          model: 'COLLABORATE_LIVE_600',
          boxName: 'HUDDLE_CODEC',
          serial: CODEC,
          mac: '00:06:2F:33:00:50',
          firmware: '1.4.2.0',
          stackName: 'NONE',
          boxNumber: 1,
        },
      ],
    },
    telnetPort: TELNET_PORT,
    discoveryPort: DISCOVERY_PORT,
    subnet: SUBNET,
    interfaceName: 'eth0',
    agentName: 'statuses',
    config: { serverName: 'Site-T', restartGraceSeconds: 60 },
  });
  ({ simulator, hub } = site);
  await waitFor(() => [DSP, MIC, WIRELESS, CODEC].every((serial) => statusIs(serial, 'healthy')));
});

afterAll(async () => site?.close());

describe('P-Link peripherals have their own status', () => {
  it('shows a peripheral that dropped off its chain as Down while its host stays Healthy', async () => {
    simulator.peripheral(MIC)!.setLink(false);
    await waitFor(() => statusIs(MIC, 'down'));
    expect(device(DSP)?.status).toBe('healthy');
    expect(device(WIRELESS)?.status).toBe('healthy');
    simulator.peripheral(MIC)!.setLink(true);
    await waitFor(() => statusIs(MIC, 'healthy'));
  });

  it('shows Locate Light On on the peripheral only', async () => {
    simulator.peripheral(WIRELESS)!.setLocate(true);
    await waitFor(() => statusIs(WIRELESS, 'locate_light_on'));
    expect(device(DSP)?.status).toBe('healthy');
    expect(device(MIC)?.status).toBe('healthy');
    simulator.peripheral(WIRELESS)!.setLocate(false);
    await waitFor(() => statusIs(WIRELESS, 'healthy'));
  });

  it('shows Updating Firmware on the peripheral during its transfer, then Healthy', async () => {
    const seen = new Set<DeviceStatus>();
    const watch = setInterval(() => {
      const status = device(MIC)?.status;
      if (status) seen.add(status);
      if (device(DSP)?.status !== 'healthy') seen.add('down');
    }, 5);
    try {
      await simulator.peripheral(MIC)!.updateFirmware('2.2.0.1');
      await waitFor(() => statusIs(MIC, 'healthy'));
    } finally {
      clearInterval(watch);
    }
    expect(seen.has('updating_firmware')).toBe(true);
    expect(seen.has('down')).toBe(false);
  });

  it('shows every peripheral Down while its host is down, and recovers with it', async () => {
    await simulator.device(DSP)!.goDown();
    await waitFor(() => statusIs(DSP, 'down') && statusIs(MIC, 'down') && statusIs(WIRELESS, 'down'));
    await simulator.device(DSP)!.comeBack();
    await waitFor(() => [DSP, MIC, WIRELESS].every((serial) => statusIs(serial, 'healthy')));
  });
});

describe('COLLABORATE Live codecs', () => {
  it('are monitored with no stack or C-Link position', () => {
    const codec = device(CODEC)!;
    expect(codec.modelName).toBe('COLLABORATE Live 600');
    expect(codec.connection).toMatchObject({ stack: null, clink: null, plink: null, hostSerial: null });
    expect(codec.connectionPath).not.toContain('C-Link');
    const seen = hub.events().find((event) => event.kind === 'device.seen' && event.device.serial === CODEC);
    expect(seen?.kind === 'device.seen' && seen.device.connection).toMatchObject({ stack: null, clink: null });
  });

  it('show Communication Service Failed, then Healthy', async () => {
    const codec = simulator.device(CODEC)!;
    codec.setCommunicationService(false);
    await waitFor(() => statusIs(CODEC, 'communication_service_failed'));
    codec.setCommunicationService(true);
    await waitFor(() => statusIs(CODEC, 'healthy'));
  });

  it('show Down when unreachable, never a Pro Audio status, and come back Healthy', async () => {
    const codec = simulator.device(CODEC)!;
    await codec.goDown();
    await waitFor(() => statusIs(CODEC, 'down'));
    await codec.comeBack();
    await waitFor(() => statusIs(CODEC, 'healthy'));
    const statuses = hub
      .events()
      .flatMap((event) =>
        event.kind === 'device.status' && event.serial === CODEC
          ? [event.status]
          : event.kind === 'device.seen' && event.device.serial === CODEC
            ? [event.device.status]
            : [],
      );
    expect(new Set(statuses)).toEqual(new Set(['healthy', 'communication_service_failed', 'down']));
  });
});

describe('DSP unit states', () => {
  it('shows Unconfigured while the unit has no project, then Healthy', async () => {
    simulator.device(DSP)!.setConfigured(false);
    await waitFor(() => statusIs(DSP, 'unconfigured'));
    simulator.device(DSP)!.setConfigured(true);
    await waitFor(() => statusIs(DSP, 'healthy'));
  });

  it('shows Configuring while a configuration loads', async () => {
    const loading = simulator.device(DSP)!.loadConfig('project-lobby.cfg');
    await waitFor(() => statusIs(DSP, 'configuring'));
    await loading;
    await waitFor(() => statusIs(DSP, 'healthy'));
  });

  it('shows VoIP Restart Pending until the VoIP service restarts', async () => {
    simulator.device(DSP)!.setVoipRestartPending(true);
    await waitFor(() => statusIs(DSP, 'voip_restart_pending'));
    simulator.device(DSP)!.setVoipRestartPending(false);
    await waitFor(() => statusIs(DSP, 'healthy'));
  });

  // Restarted from outside (front panel, another session): the agent sees the box go, then boot.
  it('shows Restarting... while the unit boots (UNIT STATE RESTARTING), with its peripherals', async () => {
    const seen = new Set<DeviceStatus>();
    const peripheralSeen = new Set<DeviceStatus>();
    const watch = setInterval(() => {
      const status = device(DSP)?.status;
      if (status) seen.add(status);
      const mic = device(MIC)?.status;
      if (mic) peripheralSeen.add(mic);
    }, 5);
    try {
      await simulator.device(DSP)!.restart();
      await waitFor(() => seen.has('restarting') && statusIs(DSP, 'healthy') && statusIs(MIC, 'healthy'));
    } finally {
      clearInterval(watch);
    }
    expect(peripheralSeen.has('restarting')).toBe(true);
  });

  it('shows Updating Firmware from the unit state with the progress, then Restarting...', async () => {
    const progress: number[] = [];
    const seen: DeviceStatus[] = [];
    const watch = setInterval(() => {
      const current = device(DSP);
      if (current?.status && seen.at(-1) !== current.status) seen.push(current.status);
      if (current?.firmwareProgress !== null && current?.firmwareProgress !== undefined) {
        progress.push(current.firmwareProgress);
      }
    }, 5);
    try {
      const updating = simulator.device(DSP)!.updateFirmware('fw-5.2.0.7.bin');
      await waitFor(() => statusIs(DSP, 'updating_firmware'));
      await updating;
      await waitFor(() => seen.includes('restarting') && statusIs(DSP, 'healthy'));
    } finally {
      clearInterval(watch);
    }
    expect(seen.indexOf('updating_firmware')).toBeLessThan(seen.indexOf('restarting'));
    expect(progress.length).toBeGreaterThan(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRaw } from '../testing/raw-client.ts';
import { createFaultController, type FaultController } from './fault-commands.ts';
import { createSimulator } from './simulator.ts';
import type { SimulatedDeviceSpec, Simulator } from './types.ts';

// The command interpreter over a real simulator. This file owns 127.39.100.0/24.
const PORT = 2323;
const dsp: SimulatedDeviceSpec = {
  address: '127.39.100.10',
  model: 'CONVERGE_PRO_2_128V',
  boxName: 'ROOM',
  serial: '3910-0001-01',
  mac: '00:06:E2:39:64:0A',
  firmware: '5.2.0.7',
  stackName: 'ROOM',
  boxNumber: 1,
  peripherals: [{ plink: 1, model: 'BMA_CTH', serial: '3910-0002-01', firmware: '1.4.2.1', name: 'Mic' }],
};
const codec: SimulatedDeviceSpec = {
  ...dsp,
  address: '127.39.100.20',
  model: 'COLLABORATE_LIVE_200',
  boxName: 'CODEC',
  serial: '3910-0003-01',
  stackName: 'NONE',
  peripherals: [],
};

let simulator: Simulator;
let faults: FaultController;
const events: string[] = [];

beforeAll(async () => {
  simulator = createSimulator({
    devices: [dsp, codec],
    port: PORT,
    discoveryPort: 50139,
    rebootMs: 20,
    configLoadMs: 20,
    firmwareUpdateMs: 40,
  });
  await simulator.start();
  faults = createFaultController(simulator, { random: () => 0.5, onEvent: (message) => events.push(message) });
});

afterAll(async () => {
  faults.close();
  await simulator.close();
});

const unit = () => simulator.device(dsp.serial)!;
const peripheral = () => simulator.peripheral('3910-0002-01')!;

describe('fault commands', () => {
  it('help and list', async () => {
    expect(await faults.execute('help')).toMatch(/flap <serial> \[periodSeconds\]/);
    const listing = await faults.execute('list');
    expect(listing).toContain('3910-0001-01 CONVERGE_PRO_2_128V 127.39.100.10:2323 ROOM [up, running]');
    expect(listing).toContain('3910-0002-01 BMA_CTH P-Link 1 [linked]');
    expect(await faults.execute('list LIVE_200')).not.toContain('128V');
    expect(await faults.execute('list nothing-like-this')).toBe('Nothing matches.');
  });

  it('down and up, for units and peripherals', async () => {
    expect(await faults.execute('down 3910-0001-01')).toMatch(/is down/);
    expect(unit().up).toBe(false);
    await expect(connectRaw(dsp.address, PORT)).rejects.toThrow();
    expect(await faults.execute('up 3910-0001-01')).toMatch(/is up/);
    expect(unit().up).toBe(true);
    expect(await faults.execute('down 3910-0002-01')).toMatch(/dropped off its P-Link chain/);
    expect(peripheral().linkUp).toBe(false);
    expect(await faults.execute('up 3910-0002-01')).toMatch(/back on its P-Link chain/);
    expect(peripheral().linkUp).toBe(true);
  });

  it('overheat, login-fail, voip-fail and their undo', async () => {
    expect(await faults.execute('overheat 3910-0001-01')).toBe('3910-0001-01 now reports 82.0 °C.');
    expect(await faults.execute('overheat 3910-0001-01 90')).toBe('3910-0001-01 now reports 90.0 °C.');
    expect(await faults.execute('cool 3910-0001-01')).toMatch(/41\.0/);
    expect(await faults.execute('login-fail 3910-0001-01')).toMatch(/logins with the site's credentials fail/);
    const raw = await connectRaw(dsp.address, PORT);
    raw.send('clearone\r\nconverge\r\n');
    await raw.waitFor(/Error Invalid Login/);
    raw.destroy();
    expect(await faults.execute('login-ok 3910-0001-01')).toMatch(/original credentials/);
    expect(await faults.execute('voip-fail 3910-0001-01')).toMatch(/rejects/);
    expect(unit().spec.serial).toBe(dsp.serial);
    expect(await faults.execute('voip-ok 3910-0001-01')).toMatch(/registered/);
    expect(await faults.execute('voip-fail 3910-0003-01')).toBe('A COLLABORATE Live codec has no VoIP lines');
  });

  it('restart, firmware update and configuration report when they finish', async () => {
    expect(await faults.execute('restart 3910-0001-01')).toBe('3910-0001-01 is restarting.');
    await until(() => events.includes('3910-0001-01 is back from its restart.'));
    expect(await faults.execute('unconfigure 3910-0001-01')).toMatch(/Unconfigured/);
    expect(unit().unitState).toBe('UNCONFIGURED');
    expect(await faults.execute('configure 3910-0001-01')).toMatch(/Configuring/);
    expect(unit().unitState).toBe('CONFIGURING');
    await until(() => events.includes('3910-0001-01 finished loading its project.'));
    expect(unit().unitState).toBe('RUNNING');
    expect(await faults.execute('update-firmware 3910-0001-01 fw-5.3.0.1.bin')).toMatch(/updating/);
    expect(unit().unitState).toBe('UPDATING_FIRMWARE');
    await until(() => events.includes('3910-0001-01 finished its firmware update.'));
  });

  it('codec service, misbehaviour, flapping and chaos', async () => {
    expect(await faults.execute('comm-fail 3910-0003-01')).toMatch(/failed/);
    expect(await faults.execute('comm-ok 3910-0003-01')).toMatch(/running/);
    expect(await faults.execute('misbehave 3910-0001-01 slow 5')).toBe('3910-0001-01 now misbehaves: slow.');
    expect(unit().misbehaviour).toEqual({ mode: 'slow', delayMs: 5 });
    expect(await faults.execute('misbehave 3910-0001-01 sideways')).toMatch(/takes none, mute/);
    await faults.execute('misbehave 3910-0001-01 none');
    expect(await faults.execute('flap 3910-0003-01 0.05')).toMatch(/flaps/);
    expect(simulator.device(codec.serial)?.up).toBe(false);
    await until(() => simulator.device(codec.serial)?.up === true);
    expect(await faults.execute('flap 3910-0003-01 off')).toMatch(/stops flapping/);
    expect(await faults.execute('up 3910-0003-01')).toMatch(/is up/);
    expect(await faults.execute('chaos 6000')).toMatch(/Chaos on/);
    await until(() => events.some((event) => event.startsWith('chaos:')));
    expect(await faults.execute('chaos off')).toBe('Chaos off.');
    expect(await faults.execute('chaos fast')).toMatch(/events per minute/);
  });

  it('answers clearly to mistakes', async () => {
    expect(await faults.execute('down')).toMatch(/Give its serial/);
    expect(await faults.execute('down 0000')).toMatch(/No simulated device or peripheral has serial 0000/);
    expect(await faults.execute('dance 3910-0001-01')).toBe('Unknown command "dance". Type help.');
    expect(await faults.execute('bogus')).toBe('Unknown command "bogus". Type help.');
    expect(await faults.execute('overheat 3910-0002-01')).toMatch(/is a P-Link peripheral/);
    expect(await faults.execute('')).toBe('');
  });
});

/** Waits for a condition the simulator reaches by itself; the test timeout bounds it. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRaw, type RawClient } from '../testing/raw-client.ts';
import { createSimulator } from './simulator.ts';
import type { SimulatedDeviceSpec, Simulator } from './types.ts';

// Peripheral projects: PLINK <n> CONFIG_SAVE / CONFIG_LOAD [INV]. This file owns 127.31.91.0/24.
const PORT = 2323;
const host: SimulatedDeviceSpec = {
  address: '127.31.91.10',
  model: 'CONVERGE_PRO_2_128T',
  boxName: 'HOST',
  serial: '0196-9100-01',
  mac: '00:06:E2:91:00:01',
  firmware: '5.2.0.7',
  stackName: 'HOST',
  boxNumber: 1,
  peripherals: [
    { plink: 1, model: 'BMA_360', serial: '0310-9100-01', firmware: '2.1.0.4', name: 'Ceiling & Front' },
    { plink: 2, model: 'DIALOG_20', serial: '0320-9100-02', firmware: '3.0.1.4', name: 'Wireless' },
  ],
};

let simulator: Simulator;
const clients: RawClient[] = [];

async function loggedIn(): Promise<RawClient> {
  const raw = await connectRaw(host.address, PORT);
  clients.push(raw);
  await raw.logIn();
  return raw;
}

const encode = (xml: string) => Buffer.from(xml).toString('base64');
const bma360 = (settings: string, model = 'BMA_360') =>
  `<?xml version="1.0" encoding="UTF-8"?><Root Version="9"><Peripheral Model="${model}" Serial="0310-9100-01" ` +
  `Name="Ceiling &amp; Front"><Settings ${settings}/></Peripheral></Root>`;

async function saved(raw: RawClient, plink: number): Promise<string> {
  const reply = await raw.ask(`BOX HOST PLINK ${plink} CONFIG_SAVE`);
  const prefix = `BOX HOST PLINK ${plink} CONFIG_SAVE `;
  expect(reply.startsWith(prefix)).toBe(true);
  return Buffer.from(reply.slice(prefix.length), 'base64').toString('utf8');
}

/** Loads a project through a fresh session and resolves with the unsolicited outcome after CONFIG_LOAD. */
async function load(plink: number, data: string): Promise<string> {
  const raw = await loggedIn();
  await expect(raw.ask(`BOX HOST PLINK ${plink} CONFIG_LOAD DATA:${data}`)).resolves.toBe(
    `BOX HOST PLINK ${plink} CONFIG_LOAD STARTED`,
  );
  const line = await raw.waitFor(new RegExp(`=> BOX HOST PLINK ${plink} CONFIG_LOAD (DONE|FAILED \\w+)\\r\\n`));
  return line.slice(`=> BOX HOST PLINK ${plink} CONFIG_LOAD `.length).trim();
}

beforeAll(async () => {
  simulator = createSimulator({ devices: [host], port: PORT, configLoadMs: 50 });
  await simulator.start();
});

afterAll(async () => {
  for (const raw of clients) raw.destroy();
  await simulator.close();
});

describe('peripheral projects', () => {
  it('saves the peripheral project: model, serial, escaped name and its settings', async () => {
    const raw = await loggedIn();
    await expect(saved(raw, 1)).resolves.toBe(bma360('Gain="0" Mute="0" Aec="1"'));
    await expect(saved(raw, 2)).resolves.toContain('<Peripheral Model="DIALOG_20" Serial="0320-9100-02"');
  });

  it('loads a project of its model and saves the settings it applied', async () => {
    await expect(load(1, encode(bma360('Gain="-12" Mute="1" Aec="0"')))).resolves.toBe('DONE');
    await expect(saved(await loggedIn(), 1)).resolves.toBe(bma360('Gain="-12" Mute="1" Aec="0"'));
  });

  it('refuses a project of another model and keeps its settings', async () => {
    const before = await saved(await loggedIn(), 2);
    await expect(load(2, encode(bma360('Gain="3" Mute="0" Aec="1"')))).resolves.toBe('FAILED WRONG_MODEL');
    await expect(saved(await loggedIn(), 2)).resolves.toBe(before);
  });

  it('refuses an unreadable project, a missing setting and one out of range', async () => {
    const before = await saved(await loggedIn(), 1);
    await expect(load(1, encode('not a project'))).resolves.toBe('FAILED INVALID');
    await expect(load(1, encode(bma360('Gain="3" Mute="0"')))).resolves.toBe('FAILED INVALID');
    await expect(load(1, encode(bma360('Gain="40" Mute="0" Aec="1"')))).resolves.toBe('FAILED INVALID');
    await expect(saved(await loggedIn(), 1)).resolves.toBe(before);
  });

  it('answers errors for a token without data, a missing port and an unlinked unit', async () => {
    const raw = await loggedIn();
    await expect(raw.ask('BOX HOST PLINK 1 CONFIG_LOAD project.xml')).resolves.toBe('Error Invalid Parameter(s)');
    await expect(raw.ask('BOX HOST PLINK 1 CONFIG_SAVE extra')).resolves.toBe('Error Invalid Parameter(s)');
    await expect(raw.ask('BOX HOST PLINK 5 CONFIG_SAVE')).resolves.toBe('Error Endpoint Not Present');
    simulator.device(host.serial)!.peripherals()[1]!.setLink(false);
    await raw.waitFor(/=> BOX HOST PLINK 2 LINK DOWN\r\n/);
    await expect(raw.ask('BOX HOST PLINK 2 CONFIG_SAVE')).resolves.toBe('Error Endpoint Not Present');
    simulator.device(host.serial)!.peripherals()[1]!.setLink(true);
  });
});

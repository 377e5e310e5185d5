import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressLength, parseCommand } from '../codec.ts';
import { connectRaw, type RawClient } from '../testing/raw-client.ts';
import { createSimulator } from './simulator.ts';
import type { SimulatedDeviceSpec, Simulator } from './types.ts';

// Any command line gets exactly one answer: a reply repeating its address or an error. This file owns 127.38.2.0/24.
const PORT = 2323;
const box: SimulatedDeviceSpec = {
  address: '127.38.2.10',
  model: 'CONVERGE_PRO_2_128VD',
  boxName: 'FUZZ',
  serial: '3802-0001-01',
  mac: '00:06:E2:38:02:0A',
  firmware: '5.2.0.7',
  stackName: 'FUZZ',
  boxNumber: 1,
  peripherals: [
    { plink: 1, model: 'DIALOG_20', serial: '3802-0002-01', firmware: '3.0.1.4', name: 'Wireless' },
    { plink: 2, model: 'BMA_2', serial: '3802-0003-01', firmware: '1.0.3.12', name: 'Ceiling' },
  ],
};
const codec: SimulatedDeviceSpec = {
  ...box,
  address: '127.38.2.20',
  model: 'COLLABORATE_LIVE_900',
  serial: '3802-0004-01',
  peripherals: [],
};

// Words that would end the session or start long-running work are left out: they are tested elsewhere.
const vocabulary = [
  'BOX',
  'FUZZ',
  'fuzz',
  'UNIT',
  'SN',
  'MODEL',
  'FW_VERSION',
  'LOCATE',
  'SAFETY_MUTE',
  'TEMPERATURE',
  'STATE',
  'STACK',
  'STATUS',
  'BOXES',
  'PLINK',
  'DEVICES',
  '1',
  '2',
  '3',
  '0',
  '-5',
  'LINK',
  'CHANNEL',
  'BATTERY',
  'RF',
  'CHANNELS',
  'NETWORK',
  'GATEWAY',
  'VOIP',
  'RESTART_PENDING',
  'EP',
  'MIC',
  '101',
  '102',
  'UA',
  'INQUIRE',
  'REG_STATUS',
  'LEVEL',
  'GAIN',
  'MUTE',
  'REL',
  'CODEC',
  'CALL_STATUS',
  'STANDBY',
  'SERVICE_STATUS',
  'HANGUP',
  'RAMP',
  'FADER',
  'MCCF',
  'x',
  '',
];
const line = fc
  .oneof(
    fc.array(fc.constantFrom(...vocabulary), { minLength: 1, maxLength: 8 }).map((words) => words.join(' ')),
    fc.stringMatching(/^[ -~]{1,60}$/),
  )
  .filter((text) => text.trim().length > 0 && !/REBOOT|FW_UPDATE|CONFIG_LOAD|PASSWORD|NOTIFICATION|DIAL/i.test(text));

let simulator: Simulator;
const clients: RawClient[] = [];

beforeAll(async () => {
  simulator = createSimulator({ devices: [box, codec], port: PORT, discoveryPort: 50238 });
  await simulator.start();
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await simulator.close();
});

describe.each([box, codec])('$model under arbitrary commands', (spec) => {
  it('answers every line once, with its address or an error, and stays up', async () => {
    const client = await connectRaw(spec.address, PORT);
    clients.push(client);
    await client.logIn();
    await fc.assert(
      fc.asyncProperty(line, async (text) => {
        const reply = await client.ask(text);
        const tokens = parseCommand(text);
        const address = tokens.slice(0, addressLength(tokens)).join(' ');
        expect(reply.startsWith('Error') || reply === address || reply.startsWith(`${address} `)).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(simulator.device(spec.serial)?.up).toBe(true);
    // Still answering sensibly afterwards.
    expect(await client.ask(`BOX ${spec.boxName} UNIT SN`)).toBe(`BOX ${spec.boxName} UNIT SN ${spec.serial}`);
  });
});

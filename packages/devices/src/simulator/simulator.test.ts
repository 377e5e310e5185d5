import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRaw, type RawClient } from '../testing/raw-client.ts';
import { createSimulator } from './simulator.ts';
import type { SimulatedDeviceSpec, Simulator, SimulatorChange } from './types.ts';

// This file owns 127.31.4.0/24 (TCP) with discovery on its own port.
const PORT = 2323;
const DISCOVERY_PORT = 50125;
const main: SimulatedDeviceSpec = {
  address: '127.31.4.10',
  model: 'CONVERGE_PRO_2_48T',
  boxName: 'Main_Dsp',
  serial: '0196-1743-08',
  mac: '00:06:E2:12:34:56',
  firmware: '5.2.0.7',
  stackName: 'LAB',
  boxNumber: 1,
  channelLabels: { ROOM_LEVEL: 'FADER 101' },
  macros: { SYSON: ['EP FADER 101 LEVEL GAIN -12', 'EP FADER 101 LEVEL MUTE 0'], BROKEN: ['NOPE'] },
};
const lfcr: SimulatedDeviceSpec = {
  ...main,
  address: '127.31.4.20',
  serial: '0196-1743-20',
  stackName: 'LFCR',
  boxName: 'Q',
  port: 2324,
};

let simulator: Simulator;
let quirky: Simulator;
let silent: Simulator;
const changes: SimulatorChange[] = [];
const clients: RawClient[] = [];

async function client(address = main.address, port = PORT): Promise<RawClient> {
  const raw = await connectRaw(address, port);
  clients.push(raw);
  return raw;
}

async function loggedIn(): Promise<RawClient> {
  const raw = await client();
  await raw.logIn();
  return raw;
}

beforeAll(async () => {
  simulator = createSimulator({ devices: [main], port: PORT, discoveryPort: DISCOVERY_PORT, maxLineBytes: 256 });
  simulator.onChange((change) => changes.push(change));
  quirky = createSimulator({ devices: [lfcr], discoveryPort: DISCOVERY_PORT, lineEnding: 'LFCR' });
  silent = createSimulator({
    devices: [{ ...main, address: '127.31.4.30', serial: '0196-1743-30', stackName: 'QUIET' }],
    port: PORT,
    discoveryPort: DISCOVERY_PORT,
    fanOut: false,
  });
  await Promise.all([simulator.start(), quirky.start(), silent.start()]);
});

afterAll(async () => {
  for (const raw of clients) raw.destroy();
  await Promise.all([simulator.close(), quirky.close(), silent.close()]);
});

describe('login handshake (§6.1)', () => {
  it('prompts without line endings and confirms with => LOGIN_OK', async () => {
    const raw = await client();
    await raw.waitFor(/Username: $/);
    expect(raw.text()).toBe('Username: ');
    raw.send('clearone\r\n');
    await raw.waitFor(/Password: $/);
    raw.send('converge\n');
    await raw.waitFor(/LOGIN_OK\r\n$/);
    expect(raw.text()).toBe('Username: Password: \r\n=> LOGIN_OK\r\n');
  });

  it('answers a failure, prompts again, and closes after three failures', async () => {
    const raw = await client();
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await raw.waitFor(new RegExp(`(Username: [^]*){${attempt}}$`));
      raw.send('clearone\r\n');
      await raw.waitFor(new RegExp(`(Password: [^]*){${attempt}}$`));
      raw.send('nope\r\n');
    }
    await raw.closed;
    expect(raw.text()).toBe(
      'Username: Password: => Error Invalid Login\r\n' +
        'Username: Password: => Error Invalid Login\r\n' +
        'Username: Password: => Error Invalid Login\r\n',
    );
  });

  it('succeeds on a later attempt', async () => {
    const raw = await client();
    await raw.waitFor(/Username: $/);
    raw.send('someone\r\n');
    await raw.waitFor(/Password: $/);
    raw.send('converge\r\n');
    await raw.waitFor(/Error Invalid Login\r\nUsername: $/);
    raw.send('clearone\r\n');
    await raw.waitFor(/Password: $/);
    raw.send('converge\r\n');
    await raw.waitFor(/=> LOGIN_OK\r\n$/);
  });

  it('ignores commands before login', async () => {
    const raw = await client();
    await raw.waitFor(/Username: $/);
    raw.send('BOX Main_Dsp UNIT SN\r\n');
    await raw.waitFor(/Password: $/);
    expect(raw.text()).not.toContain('0196');
  });
});

describe('framing and semantics (§6.2, §6.3)', () => {
  it('reads identity with keywords upper-cased and names kept', async () => {
    const raw = await loggedIn();
    await expect(raw.ask('box Main_Dsp unit sn')).resolves.toBe('BOX Main_Dsp UNIT SN 0196-1743-08');
    await expect(raw.ask('BOX Main_Dsp UNIT MODEL')).resolves.toBe('BOX Main_Dsp UNIT MODEL CONVERGE_PRO_2_48T');
    await expect(raw.ask('BOX Main_Dsp UNIT FW_VERSION')).resolves.toBe('BOX Main_Dsp UNIT FW_VERSION 5.2.0.7');
    await expect(raw.ask('BOX Main_Dsp UNIT MAC_ADDRESS')).resolves.toBe(
      'BOX Main_Dsp UNIT MAC_ADDRESS 00:06:E2:12:34:56',
    );
    await expect(raw.ask('BOX Main_Dsp UNIT HOST_DSP_VERSION')).resolves.toBe(
      'BOX Main_Dsp UNIT HOST_DSP_VERSION 5.2.0.7',
    );
    await expect(raw.ask('BOX Main_Dsp UNIT BOX_NUMBER')).resolves.toBe('BOX Main_Dsp UNIT BOX_NUMBER 1');
    await expect(raw.ask('BOX Main_Dsp NETWORK IP_ADDRESS')).resolves.toBe(
      'BOX Main_Dsp NETWORK IP_ADDRESS 127.31.4.10',
    );
    await expect(raw.ask('BOX Main_Dsp STACK BOXES')).resolves.toBe('BOX Main_Dsp STACK BOXES 1:Main_Dsp');
    await expect(raw.ask('BOX Main_Dsp STACK STATUS')).resolves.toBe('BOX Main_Dsp STACK STATUS OK');
    await expect(raw.ask('BOX Main_Dsp PLINK DEVICES')).resolves.toBe('BOX Main_Dsp PLINK DEVICES NONE');
    await expect(raw.ask('BOX Main_Dsp UNIT TEMPERATURE')).resolves.toMatch(/^BOX Main_Dsp UNIT TEMPERATURE \d+\.\d$/);
  });

  it.each([
    ['BOX MAIN_DSP UNIT SN', 'Error Invalid Box Name'],
    ['BOX Main_Dsp UNIT', 'Error Invalid Command'],
    ['BOX Main_Dsp UNIT FAN_SPEED', 'Error Invalid Parameter(s)'],
    ['BOX Main_Dsp UNIT LOCATE 7', 'Error Value Out Of Range'],
    ['BOX Main_Dsp NETWORK IP_ADDRESS 10.0.0.5', 'Error Value Out Of Range'],
    ['BOX Main_Dsp NETWORK LINK_STATUS DOWN', 'Error Invalid Parameter(s)'],
    ['EP MIC 105 LEVEL GAIN', 'Error Endpoint Not Present'],
    ['EP UA 101 INQUIRE REG_STATUS', 'Error Endpoint Not Present'],
    ['EP MIC 1O1 LEVEL GAIN', 'Error Invalid Parameter(s)'],
    ['EP MIC 101 LEVEL', 'Error Invalid Command'],
    ['EP NO_SUCH_LABEL LEVEL GAIN', 'Error Invalid Parameter(s)'],
    ['EP MIC 101 LEVEL MUTE 1 REL', 'Error Invalid Parameter(s)'],
    ['EP MIC 101 LEVEL MIN_GAIN -70', 'Error Value Out Of Range'],
    ['MCCF NOPE', 'Error Invalid Parameter(s)'],
    ['HELLO', 'Error Invalid Command'],
  ])('%s → %s', async (line, payload) => {
    const raw = await loggedIn();
    await expect(raw.ask(line)).resolves.toBe(payload);
  });

  it('answers by label, runs macros and ramps', async () => {
    const raw = await loggedIn();
    await expect(raw.ask('EP ROOM_LEVEL LEVEL GAIN -3')).resolves.toBe('EP ROOM_LEVEL LEVEL GAIN -3.0');
    await expect(raw.ask('EP FADER 101 LEVEL GAIN')).resolves.toBe('EP FADER 101 LEVEL GAIN -3.0');
    await expect(raw.ask('MCCF SYSON')).resolves.toBe('MCCF SYSON');
    await expect(raw.ask('EP ROOM_LEVEL LEVEL GAIN')).resolves.toBe('EP ROOM_LEVEL LEVEL GAIN -12.0');
    await expect(raw.ask('RAMP FADER 101 -20 1')).resolves.toBe('RAMP FADER 101 -20 1');
    await expect(raw.ask('EP FADER 101 LEVEL GAIN')).resolves.toBe('EP FADER 101 LEVEL GAIN -20.0');
    await expect(raw.ask('MCCF BROKEN')).resolves.toBe('MCCF BROKEN');
  });

  it('maps numeric block and parameter codes to names in the reply', async () => {
    const raw = await loggedIn();
    await expect(raw.ask('EP PROC 101 1 1 -4')).resolves.toBe('EP PROC 101 LEVEL GAIN -4.0');
    await expect(raw.ask('EP PROC 101 1 8')).resolves.toBe('EP PROC 101 LEVEL MIN_GAIN -65.0');
  });

  it('stores network writes as pending settings', async () => {
    const raw = await loggedIn();
    await expect(raw.ask('BOX Main_Dsp NETWORK DNS2 127.31.4.2')).resolves.toBe('BOX Main_Dsp NETWORK DNS2 127.31.4.2');
    await expect(raw.ask('BOX Main_Dsp NETWORK DNS2')).resolves.toBe('BOX Main_Dsp NETWORK DNS2 127.31.4.2');
  });

  it('ends lines with LF CR when configured', async () => {
    const raw = await client(lfcr.address, 2324);
    await raw.waitFor(/Username: $/);
    raw.send('clearone\r\n');
    await raw.waitFor(/Password: $/);
    raw.send('converge\r\n');
    await raw.waitFor(/\n\r=> LOGIN_OK\n\r$/);
    raw.send('BOX Q UNIT BOX_NUMBER\r\n');
    await raw.waitFor(/=> BOX Q UNIT BOX_NUMBER 1\n\r$/);
  });
});

describe('fan-out and notifications', () => {
  it('echoes a write to every other session but not to the writer', async () => {
    const writer = await loggedIn();
    const other = await loggedIn();
    await expect(writer.ask('EP OUTPUT 104 LEVEL MUTE 1')).resolves.toBe('EP OUTPUT 104 LEVEL MUTE 1');
    await other.waitFor(/=> EP OUTPUT 104 LEVEL MUTE 1\r\n/);
    await expect(writer.ask('BOX Main_Dsp UNIT SN')).resolves.toBe('BOX Main_Dsp UNIT SN 0196-1743-08');
    expect(writer.text().match(/EP OUTPUT 104 LEVEL MUTE 1/g)).toHaveLength(1);
  });

  it('does not echo when fan-out is off, but still sends status lines to subscribers', async () => {
    const writer = await client('127.31.4.30');
    await writer.logIn();
    const other = await client('127.31.4.30');
    await other.logIn();
    const subscriber = await client('127.31.4.30');
    await subscriber.logIn();
    await expect(subscriber.ask('BOX Main_Dsp NOTIFICATION STATUS 1')).resolves.toBe(
      'BOX Main_Dsp NOTIFICATION STATUS 1',
    );
    await writer.ask('EP OUTPUT 101 LEVEL GAIN -6');
    await writer.ask('BOX Main_Dsp UNIT LOCATE 1');
    await subscriber.waitFor(/=> BOX Main_Dsp UNIT LOCATE 1\r\n/);
    // A later reply on the same session proves the earlier echo would have arrived by now.
    await other.ask('BOX Main_Dsp UNIT SN');
    expect(other.text()).not.toContain('EP OUTPUT 101');
    expect(other.text()).not.toContain('LOCATE');
    expect(subscriber.text()).not.toContain('EP OUTPUT 101');
    await writer.ask('BOX Main_Dsp UNIT LOCATE 0');
  });

  it('pushes status lines only after BOX <name> NOTIFICATION STATUS 1, and stops after 0', async () => {
    const subscriber = await loggedIn();
    const bystander = await loggedIn();
    await subscriber.ask('BOX Main_Dsp NOTIFICATION STATUS 1');
    const device = simulator.device(main.serial)!;
    device.setTemperature(71.25);
    device.setSafetyMute(true);
    await subscriber.waitFor(/=> BOX Main_Dsp UNIT TEMPERATURE 71\.3\r\n=> BOX Main_Dsp UNIT SAFETY_MUTE 1\r\n/);
    device.setSafetyMute(false);
    await subscriber.waitFor(/SAFETY_MUTE 0\r\n/);
    await bystander.ask('BOX Main_Dsp UNIT SN');
    expect(bystander.text()).not.toMatch(/TEMPERATURE|SAFETY_MUTE/);
    await subscriber.ask('BOX Main_Dsp NOTIFICATION STATUS 0');
    device.setTemperature(40);
    await subscriber.ask('BOX Main_Dsp UNIT SN');
    expect(subscriber.text()).not.toContain('TEMPERATURE 40.0');
  });

  it('records every change in the simulator log', () => {
    const temperature = changes.filter((change) => change.kind === 'temperature' && change.serial === main.serial);
    expect(temperature.map((change) => change.value)).toEqual(['71.3', '40.0']);
    expect(changes.some((change) => change.kind === 'endpoint' && change.target === 'FADER 101 LEVEL GAIN')).toBe(true);
  });
});

describe('robustness', () => {
  it('survives garbage and an oversized line and keeps serving every session', async () => {
    const victim = await loggedIn();
    const bystander = await loggedIn();
    const attacker = await client();
    attacker.send(Buffer.from([0x00, 0xff, 0xfb, 0x01, 0x80, 0xfe, 0x0d, 0x0a, 0xff, 0xfa, 0x01, 0x02]));
    victim.send(Buffer.from([0xff, 0xfd, 0x03, 0x07, 0x1b, 0x5b, 0x41, 0x0d]));
    await victim.waitFor(/=> Error Invalid Command\r\n/);
    victim.send(`${'A'.repeat(5000)}\r\n`);
    await expect(victim.ask('BOX Main_Dsp UNIT SN')).resolves.toBe('BOX Main_Dsp UNIT SN 0196-1743-08');
    // Only the garbage line got an answer besides the SN: the oversized line was dropped, not answered.
    expect(victim.text().match(/=> /g)).toHaveLength(3);
    expect(victim.text()).toContain('=> Error Invalid Command\r\n');
    await expect(bystander.ask('BOX Main_Dsp UNIT BOX_NUMBER')).resolves.toBe('BOX Main_Dsp UNIT BOX_NUMBER 1');
    attacker.destroy();
    const fresh = await loggedIn();
    await expect(fresh.ask('BOX Main_Dsp UNIT BOX_NUMBER')).resolves.toBe('BOX Main_Dsp UNIT BOX_NUMBER 1');
  });

  it('serves many concurrent sessions', async () => {
    const sessions = await Promise.all(Array.from({ length: 8 }, () => loggedIn()));
    const replies = await Promise.all(sessions.map((raw, index) => raw.ask(`EP MIC 10${(index % 4) + 1} LEVEL GAIN`)));
    for (const reply of replies) expect(reply).toMatch(/^EP MIC 10\d LEVEL GAIN -?\d+\.\d$/);
  });

  it('refuses two simulators on the same address and port', async () => {
    const clash = createSimulator({ devices: [{ ...main, serial: 'X-1' }], port: PORT, discoveryPort: 50126 });
    await expect(clash.start()).rejects.toThrow();
    await clash.close();
  });
});

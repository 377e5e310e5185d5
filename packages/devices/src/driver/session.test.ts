import { createServer } from 'node:net';
import { AppError } from '@tutti/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator } from '../simulator/simulator.ts';
import type { SimulatedDeviceSpec, Simulator, SimulatorChange } from '../simulator/types.ts';
import type { DeviceState } from './device-state.ts';
import { DeviceCommandError, DeviceLoginError, DeviceTimeoutError, DeviceUnreachableError } from './errors.ts';
import { connectDevice, type DeviceSession } from './session.ts';
import { deriveStatus } from './status.ts';

// This file owns 127.31.1.0/24.
const PORT = 2323;
const main: SimulatedDeviceSpec = {
  address: '127.31.1.10',
  model: 'CONVERGE_PRO_2_128V',
  boxName: 'MAIN',
  serial: '0196-1743-08',
  mac: '00:06:E2:01:02:03',
  firmware: '5.2.0.7',
  stackName: 'BOARDROOM',
  boxNumber: 1,
  expectedStackSize: 2,
  peripherals: [
    { plink: 1, model: 'BMA_2', serial: '0300-0001-01', firmware: '1.0.3.12', name: 'Ceiling_1' },
    { plink: 2, model: 'DIALOG_20', serial: '0300-0001-02', firmware: '3.0.1.4', name: 'Wireless' },
  ],
};
const aux: SimulatedDeviceSpec = {
  ...main,
  address: '127.31.1.11',
  model: 'CONVERGE_PRO_2_128T',
  boxName: 'AUX',
  serial: '0196-1743-09',
  mac: '00:06:E2:01:02:04',
  boxNumber: 2,
  peripherals: [],
};
const huddle: SimulatedDeviceSpec = {
  address: '127.31.1.12',
  model: 'CONVERGE_HUDDLE',
  boxName: 'HUDDLE_1',
  serial: '0196-2000-01',
  mac: '00:06:E2:01:02:05',
  firmware: '1.3.0.4',
  stackName: 'HUDDLE_ROOM',
  boxNumber: 1,
  credentials: { username: 'admin', password: 's3cret' },
};

let simulator: Simulator;
const changes: SimulatorChange[] = [];
const open: DeviceSession[] = [];

async function login(spec: SimulatedDeviceSpec, overrides: { password?: string; boxName?: string } = {}) {
  const session = await connectDevice({
    address: spec.address,
    port: PORT,
    username: spec.credentials?.username ?? 'clearone',
    password: overrides.password ?? spec.credentials?.password ?? 'converge',
    ...(overrides.boxName === undefined ? {} : { boxName: overrides.boxName }),
  });
  open.push(session);
  return session;
}

/** Resolves with the first state the listener reports that satisfies the predicate. */
function nextState(session: DeviceSession, predicate: (state: DeviceState) => boolean): Promise<DeviceState> {
  return new Promise((resolve) => {
    const stop = session.onStateChange((state) => {
      if (predicate(state)) {
        stop();
        resolve(state);
      }
    });
  });
}

function nextLine(session: DeviceSession, pattern: RegExp): Promise<string> {
  return new Promise((resolve) => {
    const stop = session.onLine((payload) => {
      if (pattern.test(payload)) {
        stop();
        resolve(payload);
      }
    });
  });
}

function nextChange(predicate: (change: SimulatorChange) => boolean): Promise<SimulatorChange> {
  return new Promise((resolve) => {
    const stop = simulator.onChange((change) => {
      if (predicate(change)) {
        stop();
        resolve(change);
      }
    });
  });
}

beforeAll(async () => {
  simulator = createSimulator({
    devices: [main, aux, huddle],
    port: PORT,
    locateTimeoutMs: 300,
    rebootMs: 100,
    firmwareUpdateMs: 100,
    configLoadMs: 50,
    onChange: (change) => changes.push(change),
  });
  await simulator.start();
});

afterAll(async () => {
  await Promise.all(open.map((session) => session.close()));
  await simulator.close();
});

describe('connectDevice', () => {
  it('logs in and reads the identity, learning the box name from discovery', async () => {
    const session = await login(main);
    await expect(session.boxName()).resolves.toBe('MAIN');
    const identity = await session.readIdentity();
    expect(identity).toEqual({
      boxName: 'MAIN',
      model: 'CONVERGE_PRO_2_128V',
      serial: '0196-1743-08',
      mac: '00:06:E2:01:02:03',
      firmware: '5.2.0.7',
      boxNumber: 1,
      stackName: 'BOARDROOM',
      stackMembers: [
        { boxNumber: 1, boxName: 'MAIN' },
        { boxNumber: 2, boxName: 'AUX' },
      ],
      stackStatus: { state: 'OK', missing: [], mismatched: [] },
      peripherals: main.peripherals,
    });
  });

  it('uses stack-specific credentials and a given box name', async () => {
    const session = await login(huddle, { boxName: 'HUDDLE_1' });
    const identity = await session.readIdentity();
    expect(identity.model).toBe('CONVERGE_HUDDLE');
    expect(identity.peripherals).toEqual([]);
  });

  it('rejects a wrong password with DeviceLoginError', async () => {
    await expect(login(main, { password: 'wrong' })).rejects.toBeInstanceOf(DeviceLoginError);
  });

  it('rejects a closed port with DeviceUnreachableError', async () => {
    await expect(
      connectDevice({ address: '127.31.1.99', port: PORT, username: 'clearone', password: 'converge' }),
    ).rejects.toBeInstanceOf(DeviceUnreachableError);
  });

  it('times out when the device never prompts', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(PORT, '127.31.1.98', resolve));
    try {
      await expect(
        connectDevice({ address: '127.31.1.98', port: PORT, username: 'a', password: 'b', timeoutMs: 150 }),
      ).rejects.toBeInstanceOf(DeviceTimeoutError);
    } finally {
      silent.close();
    }
  });

  it('refuses a non-loopback address', async () => {
    await expect(
      connectDevice({ address: '192.168.1.20', port: 23, username: 'a', password: 'b' }),
    ).rejects.toMatchObject({ code: 'ADDRESS_NOT_LOOPBACK' });
    await expect(
      connectDevice({ address: '192.168.1.20', port: 23, username: 'a', password: 'b' }),
    ).rejects.toBeInstanceOf(AppError);
  });

  it('closes an open session when its signal aborts', async () => {
    const controller = new AbortController();
    const session = await connectDevice({
      address: main.address,
      port: PORT,
      username: 'clearone',
      password: 'converge',
      boxName: 'MAIN',
      signal: controller.signal,
    });
    const closed = new Promise<Error | undefined>((resolve) => session.onClose(resolve));
    controller.abort();
    await expect(closed).resolves.toBeUndefined();
    expect(session.closed).toBe(true);
  });

  it('stops connecting when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(
      connectDevice({ address: main.address, port: PORT, username: 'a', password: 'b', signal: controller.signal }),
    ).rejects.toThrow('stop');
  });
});

describe('commands', () => {
  it('writes and reads gain, mute, limits, REL and toggle', async () => {
    const session = await login(main, { boxName: 'MAIN' });
    await expect(session.command('EP MIC 102 LEVEL GAIN -5')).resolves.toBe('EP MIC 102 LEVEL GAIN -5.0');
    await expect(session.command('ep mic 102 level gain')).resolves.toBe('EP MIC 102 LEVEL GAIN -5.0');
    await expect(session.command('EP MIC 102 LEVEL GAIN 2 REL')).resolves.toBe('EP MIC 102 LEVEL GAIN -3.0');
    await expect(session.commandValue('EP MIC 102 1 1 -1.5 rel')).resolves.toBe('-4.5');
    await expect(session.command('EP MIC 102 LEVEL MUTE 1')).resolves.toBe('EP MIC 102 LEVEL MUTE 1');
    await expect(session.command('EP MIC 102 LEVEL MUTE 2')).resolves.toBe('EP MIC 102 LEVEL MUTE 0');
    await expect(session.command('EP MIC 102 LEVEL MUTE 2')).resolves.toBe('EP MIC 102 LEVEL MUTE 1');
    await expect(session.command('EP MIC 102 LEVEL MAX_GAIN -10')).resolves.toBe('EP MIC 102 LEVEL MAX_GAIN -10.0');
    // Narrowing the limit pulled the gain down with it; REL then stops at the limit.
    await expect(session.commandValue('EP MIC 102 LEVEL GAIN')).resolves.toBe('-10.0');
    await expect(session.commandValue('EP MIC 102 LEVEL GAIN 50 REL')).resolves.toBe('-10.0');
    await expect(session.commandValue('EP MIC 102 LEVEL MIN_GAIN')).resolves.toBe('-65.0');
  });

  it('addresses endpoints of another box of the stack through one session', async () => {
    const session = await login(main, { boxName: 'MAIN' });
    await expect(session.command('EP TELCO_RX 201 LEVEL GAIN -2')).resolves.toBe('EP TELCO_RX 201 LEVEL GAIN -2.0');
    const other = await login(aux, { boxName: 'AUX' });
    await expect(other.commandValue('EP TELCO_RX 201 LEVEL GAIN')).resolves.toBe('-2.0');
  });

  it.each([
    ['EP MIC 102 LEVEL GAIN 30', 'Error Value Out Of Range'],
    ['EP MIC 102 LEVEL MUTE 3', 'Error Value Out Of Range'],
    ['EP MIC 102 LEVEL GAIN loud', 'Error Invalid Parameter(s)'],
    ['EP MIC 999 LEVEL GAIN', 'Error Invalid Parameter(s)'],
    ['EP MIC 102 LEVEL VOLUME', 'Error Invalid Parameter(s)'],
    ['EP MIC 302 LEVEL GAIN', 'Error Endpoint Not Present'],
    ['EP TELCO_RX 101 LEVEL GAIN', 'Error Endpoint Not Present'],
    ['BOX main UNIT SN', 'Error Invalid Box Name'],
    ['BOX MAIN UNIT SN 123', 'Error Invalid Parameter(s)'],
    ['FROB 1 2', 'Error Invalid Command'],
  ])('%s fails with %s', async (line, payload) => {
    const session = await login(main, { boxName: 'MAIN' });
    const error = await session.command(line).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(DeviceCommandError);
    expect((error as DeviceCommandError).payload).toBe(payload);
    // The session stays usable after an error.
    await expect(session.commandValue('BOX MAIN UNIT SN')).resolves.toBe(main.serial);
  });

  it('queues concurrent commands and matches each reply to its command', async () => {
    const session = await login(main, { boxName: 'MAIN' });
    const replies = await Promise.all([
      session.commandValue('BOX MAIN UNIT SN'),
      session.commandValue('BOX MAIN UNIT MAC_ADDRESS'),
      session.command('EP MIC 999 LEVEL GAIN').catch(() => 'failed'),
      session.commandValue('BOX MAIN UNIT BOX_NUMBER'),
    ]);
    expect(replies).toEqual([main.serial, main.mac, 'failed', '1']);
  });

  it('fans a write out to the other sessions', async () => {
    const writer = await login(main, { boxName: 'MAIN' });
    const watcher = await login(aux, { boxName: 'AUX' });
    const seen = nextLine(watcher, /^EP OUTPUT 103 LEVEL GAIN/);
    await writer.command('EP OUTPUT 103 LEVEL GAIN -7');
    await expect(seen).resolves.toBe('EP OUTPUT 103 LEVEL GAIN -7.0');
  });

  it('changes the stack password with PASSWORD', async () => {
    const session = await login(huddle, { boxName: 'HUDDLE_1' });
    await expect(session.commandValue('BOX HUDDLE_1 UNIT PASSWORD s3cret n3w')).resolves.toBe('OK');
    await expect(login(huddle)).rejects.toBeInstanceOf(DeviceLoginError);
    const again = await login(huddle, { password: 'n3w' });
    await expect(again.commandValue('BOX HUDDLE_1 UNIT PASSWORD wrong x')).rejects.toBeInstanceOf(DeviceCommandError);
    await again.command('BOX HUDDLE_1 UNIT PASSWORD n3w s3cret');
  });
});

describe('state and notifications', () => {
  it('reads state and reports unsolicited LOCATE and TEMPERATURE lines after subscribing', async () => {
    const session = await login(main, { boxName: 'MAIN' });
    const state = await session.readState();
    expect(state).toMatchObject({
      locate: false,
      safetyMute: false,
      registration: 'REGISTERED',
      uaRegistration: { '101': 'REGISTERED', '102': 'REGISTERED' },
      stackStatus: { state: 'OK', missing: [], mismatched: [] },
    });
    expect(state.temperatureC).toBeTypeOf('number');
    await session.subscribe();
    const device = simulator.device(main.serial)!;

    const line = nextLine(session, /^BOX MAIN UNIT LOCATE/);
    const locateOn = nextState(session, (next) => next.locate);
    device.setLocate(true);
    await expect(line).resolves.toBe('BOX MAIN UNIT LOCATE 1');
    expect(deriveStatus({ reachable: true, loginFailed: false, state: await locateOn })).toBe('locate_light_on');
    // LOCATE turns itself off (locateTimeoutMs) and says so.
    await nextState(session, (next) => !next.locate);

    const hot = nextState(session, (next) => next.temperatureC === 82.5);
    device.setTemperature(82.5);
    expect(deriveStatus({ reachable: true, loginFailed: false, state: await hot })).toBe('overheating');
    const cool = nextState(session, (next) => next.temperatureC === 45);
    device.setTemperature(45);
    await cool;
  });

  it('reads FTP_ENABLE on connect and follows writes echoed from another session', async () => {
    const watcher = await login(aux, { boxName: 'AUX' });
    expect((await watcher.readState()).ftpEnabled).toBe(false);
    const writer = await login(aux, { boxName: 'AUX' });
    const on = nextState(watcher, (next) => next.ftpEnabled === true);
    await writer.command('BOX AUX NETWORK FTP_ENABLE 1');
    expect((await on).ftpEnabled).toBe(true);
    // A fresh session reads the (pending) value from the unit itself.
    const reader = await login(aux, { boxName: 'AUX' });
    expect((await reader.readState()).ftpEnabled).toBe(true);
    const off = nextState(watcher, (next) => next.ftpEnabled === false);
    await writer.command('BOX AUX NETWORK FTP_ENABLE 0');
    await off;
  });

  it('reports VoIP registration failures per line', async () => {
    const session = await login(main, { boxName: 'MAIN' });
    await session.readState();
    await session.subscribe();
    const device = simulator.device(main.serial)!;
    const failed = nextState(session, (next) => next.registration === 'FAILED');
    device.setRegistration('FAILED', 2);
    const state = await failed;
    expect(state.uaRegistration).toEqual({ '101': 'REGISTERED', '102': 'FAILED' });
    expect(deriveStatus({ reachable: true, loginFailed: false, state })).toBe('voip_registration_failed');
    const recovered = nextState(session, (next) => next.registration === 'REGISTERED');
    device.setRegistration('REGISTERED');
    await recovered;
    expect(() => simulator.device(aux.serial)!.setRegistration('FAILED')).toThrow(AppError);
  });

  it('reports safety mute on every box of the stack', async () => {
    const onAux = await login(aux, { boxName: 'AUX' });
    await onAux.readState();
    await onAux.subscribe();
    const writer = await login(main, { boxName: 'MAIN' });
    const muted = nextState(onAux, (next) => next.safetyMute);
    await expect(writer.commandValue('BOX MAIN UNIT SAFETY_MUTE 1')).resolves.toBe('1');
    expect(deriveStatus({ reachable: true, loginFailed: false, state: await muted })).toBe('safety_mute_on');
    await writer.command('BOX MAIN UNIT SAFETY_MUTE 0');
    expect((await onAux.readState()).safetyMute).toBe(false);
  });

  it('sees the stack become incomplete and mismatched', async () => {
    const session = await login(main, { boxName: 'MAIN' });
    await session.readState();
    await session.subscribe();
    const device = simulator.device(aux.serial)!;

    const incomplete = nextState(session, (next) => next.stackStatus?.state === 'INCOMPLETE');
    await device.goDown();
    const state = await incomplete;
    expect(state.stackStatus).toEqual({ state: 'INCOMPLETE', missing: [2], mismatched: [] });
    expect(deriveStatus({ reachable: true, loginFailed: false, state })).toBe('incomplete_stack');

    const whole = nextState(session, (next) => next.stackStatus?.state === 'OK');
    await device.comeBack();
    await whole;

    const mismatched = nextState(session, (next) => next.stackStatus?.state === 'MISMATCHED');
    device.setFirmware('5.1.3.2');
    expect((await mismatched).stackStatus).toEqual({ state: 'MISMATCHED', missing: [], mismatched: [2] });
    const fixed = nextState(session, (next) => next.stackStatus?.state === 'OK');
    device.setFirmware(main.firmware);
    await fixed;
  });
});

describe('availability', () => {
  it('goDown makes the device unreachable and comeBack brings it back', async () => {
    const session = await login(huddle, { boxName: 'HUDDLE_1' });
    const closed = new Promise<Error | undefined>((resolve) => session.onClose(resolve));
    const device = simulator.device(huddle.serial)!;
    await device.goDown();
    expect(await closed).toBeInstanceOf(DeviceUnreachableError);
    await expect(session.command('BOX HUDDLE_1 UNIT SN')).rejects.toBeInstanceOf(DeviceUnreachableError);
    await expect(login(huddle)).rejects.toBeInstanceOf(DeviceUnreachableError);
    await device.comeBack();
    const again = await login(huddle, { boxName: 'HUDDLE_1' });
    await expect(again.commandValue('BOX HUDDLE_1 UNIT SN')).resolves.toBe(huddle.serial);
  });

  it('REBOOT answers, closes the session, refuses connections, then comes back', async () => {
    const session = await login(huddle, { boxName: 'HUDDLE_1' });
    const closed = new Promise<Error | undefined>((resolve) => session.onClose(resolve));
    const restarting = nextChange((change) => change.serial === huddle.serial && change.value === 'restarting');
    const back = nextChange((change) => change.serial === huddle.serial && change.value === 'up');
    await expect(session.command('BOX HUDDLE_1 UNIT REBOOT')).resolves.toBe('BOX HUDDLE_1 UNIT REBOOT');
    await closed;
    await restarting;
    await back;
    const again = await login(huddle, { boxName: 'HUDDLE_1' });
    await expect(again.commandValue('BOX HUDDLE_1 UNIT LOCATE')).resolves.toBe('0');
  });

  it('restart() resolves once the device answers again', async () => {
    const device = simulator.device(huddle.serial)!;
    await device.restart();
    expect(device.up).toBe(true);
    const session = await login(huddle, { boxName: 'HUDDLE_1' });
    await expect(session.commandValue('BOX HUDDLE_1 UNIT MODEL')).resolves.toBe('CONVERGE_HUDDLE');
  });

  it('updates firmware: progress, DONE with the version, then a reboot', async () => {
    const session = await login(huddle, { boxName: 'HUDDLE_1' });
    const progress: number[] = [];
    const back = nextChange((change) => change.serial === huddle.serial && change.value === 'up');
    await expect(session.updateFirmware('huddle-1.4.0.2.bin', (percent) => progress.push(percent))).resolves.toBe(
      '1.4.0.2',
    );
    expect(progress).toEqual([25, 50, 75, 100]);
    await back;
    const again = await login(huddle, { boxName: 'HUDDLE_1' });
    await expect(again.readIdentity()).resolves.toMatchObject({ firmware: '1.4.0.2' });
  });

  it('reports a failed firmware update and stays up', async () => {
    const session = await login(huddle, { boxName: 'HUDDLE_1' });
    const error = await session.updateFirmware('fail-image.bin').then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(DeviceCommandError);
    expect((error as DeviceCommandError).payload).toBe('BOX HUDDLE_1 UNIT FW_UPDATE FAILED BAD_IMAGE');
    await expect(session.commandValue('BOX HUDDLE_1 UNIT FW_UPDATE')).resolves.toBe('IDLE');
    await expect(session.commandValue('BOX HUDDLE_1 UNIT FW_VERSION')).resolves.toBe('1.4.0.2');
  });

  it('loads a carried project on its contents alone, even when its base64 happens to spell "fail"', async () => {
    const session = await login(huddle, { boxName: 'HUDDLE_1' });
    const saved = Buffer.from(await session.saveConfiguration()).toString('utf8');
    // "7YEj)~" encodes as "N1lFail+" when it starts on a 3-byte boundary: one of three paddings puts it there.
    const project = ['', ' ', '  ']
      .map((pad) => saved.replace('</Root>', `<!--${pad}7YEj)~ --></Root>`))
      .find((candidate) => /fail/i.test(Buffer.from(candidate).toString('base64')))!;
    await session.loadConfiguration(Buffer.from(project));
    expect(Buffer.from(await session.saveConfiguration()).toString('utf8')).toBe(project);
  });

  it('saves and loads a P-Link peripheral project through its host, refusing one of another model', async () => {
    const session = await login(main);
    const project = Buffer.from(await session.savePeripheralConfiguration(1)).toString('utf8');
    expect(project).toContain('<Peripheral Model="BMA_2" Serial="0300-0001-01" Name="Ceiling_1">');
    const changed = project.replace(/Gain="-?\d+"/, 'Gain="-6"');
    await session.loadPeripheralConfiguration(1, Buffer.from(changed));
    expect(Buffer.from(await session.savePeripheralConfiguration(1)).toString('utf8')).toBe(changed);

    const error = await session.loadPeripheralConfiguration(2, Buffer.from(changed)).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(DeviceCommandError);
    expect((error as DeviceCommandError).payload).toBe('BOX MAIN PLINK 2 CONFIG_LOAD FAILED WRONG_MODEL');
  });

  it('logs every change it produced', () => {
    const kinds = new Set(changes.map((change) => change.kind));
    for (const kind of [
      'locate',
      'temperature',
      'registration',
      'stack_status',
      'availability',
      'endpoint',
      'safety_mute',
    ]) {
      expect(kinds).toContain(kind);
    }
    const seqs = changes.map((change) => change.seq);
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
  });
});

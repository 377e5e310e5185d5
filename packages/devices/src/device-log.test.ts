import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceLog, readDeviceLog } from './device-log.ts';
import { connectDevice, type DeviceSession } from './driver/session.ts';
import { DeviceLoginError } from './driver/errors.ts';
import { createSimulator } from './simulator/simulator.ts';
import type { SimulatedDeviceSpec, Simulator } from './simulator/types.ts';
import { systemCommandLine } from './system-commands.ts';

// This file owns 127.31.80.0/24 with discovery on its own port.
const PORT = 2380;
const DISCOVERY_PORT = 50180;
const base = { firmware: '5.2.0.7', stackName: 'LOGS', port: PORT } as const;
const first: SimulatedDeviceSpec = {
  ...base,
  address: '127.31.80.10',
  model: 'CONVERGE_PRO_2_128',
  boxName: 'Rack_A',
  serial: '0196-8000-01',
  mac: '00:06:E2:80:00:01',
  boxNumber: 1,
};
const second: SimulatedDeviceSpec = {
  ...first,
  address: '127.31.80.11',
  boxName: 'Rack_B',
  serial: '0196-8000-02',
  mac: '00:06:E2:80:00:02',
  boxNumber: 2,
};
const codec: SimulatedDeviceSpec = {
  ...base,
  address: '127.31.80.20',
  model: 'COLLABORATE_LIVE_600',
  boxName: 'Room_Codec',
  serial: 'CL-8000-20',
  mac: '00:06:E2:80:00:20',
  stackName: 'NONE',
  boxNumber: 1,
};

let simulator: Simulator;
const sessions: DeviceSession[] = [];

async function open(spec: SimulatedDeviceSpec, username = 'clearone', password = 'converge') {
  const session = await connectDevice({
    address: spec.address,
    port: PORT,
    username,
    password,
    timeoutMs: 3000,
    discoveryPort: DISCOVERY_PORT,
  });
  sessions.push(session);
  return session;
}

beforeAll(async () => {
  simulator = createSimulator({ devices: [first, second, codec], port: PORT, discoveryPort: DISCOVERY_PORT });
  await simulator.start();
});
afterAll(async () => {
  await Promise.all(sessions.map((session) => session.close()));
  await simulator?.close();
});

describe('DeviceLog', () => {
  it('keeps the newest lines under numbers that stay valid while older ones fall out', () => {
    const log = new DeviceLog(3, () => Date.UTC(2026, 11, 1, 5, 0, 0));
    expect(log.range()).toEqual([0, 0]);
    for (const word of ['one', 'two', 'three', 'four\r\nfive']) log.add('COMMAND', word);
    expect(log.range()).toEqual([2, 4]);
    expect(log.line(1)).toBeUndefined();
    expect(log.line(2)).toBe('2026-12-01T05:00:00.000Z COMMAND two');
    expect(log.line(4)).toBe('2026-12-01T05:00:00.000Z COMMAND four five');
    expect(log.line(5)).toBeUndefined();
  });
});

describe('UNIT LOG on the simulators', () => {
  it('logs sign-ins, refusals and changes, and the driver reads it line by line', async () => {
    await expect(open(first, 'clearone', 'wrong-one')).rejects.toBeInstanceOf(DeviceLoginError);
    const session = await open(first);
    await session.command(systemCommandLine('Rack_A', 'locate', '1'));
    await session.command(systemCommandLine('Rack_A', 'ftpEnable', '1'));
    expect(await session.commandValue(systemCommandLine('Rack_A', 'ftpEnable'))).toBe('1');
    const lines = await readDeviceLog(session, 'Rack_A');
    const text = lines.join('\n');
    expect(text).toMatch(/LOGIN clearone refused from 127\.0\.0\.1/);
    expect(text).toMatch(/LOGIN clearone signed in from/);
    expect(text).toContain('COMMAND LOCATE 1');
    expect(text).toContain('NETWORK FTP_ENABLE set to 1');
    expect(lines.every((line) => /^\d{4}-\d\d-\d\dT[\d:.]+Z [A-Z]+ /.test(line))).toBe(true);
    expect(simulator.device(first.serial)?.log.all()).toEqual(lines);
  });

  it('changes the stack-wide password and username without ever logging the password', async () => {
    const session = await open(first);
    await session.command(systemCommandLine('Rack_A', 'password', 'converge Brand-New-99'));
    await session.command(systemCommandLine('Rack_A', 'username', 'Brand-New-99 tech'));
    // Every unit of the stack takes the new login; the old one is refused.
    await expect(open(second)).rejects.toBeInstanceOf(DeviceLoginError);
    const other = await open(second, 'tech', 'Brand-New-99');
    const lines = await readDeviceLog(other, 'Rack_B');
    expect(lines.join('\n')).toContain('SECURITY login credentials changed (username tech)');
    for (const unit of [first, second]) {
      expect(simulator.device(unit.serial)!.log.all().join('\n')).not.toContain('Brand-New-99');
    }
    // A wrong current password changes nothing.
    await expect(other.command(systemCommandLine('Rack_B', 'password', 'not-it Other-Pass-1'))).rejects.toMatchObject({
      name: 'DeviceCommandError',
    });
  });

  it('serves the log of a COLLABORATE Live codec too', async () => {
    simulator.device(codec.serial)!.setCall(true);
    const session = await open(codec);
    const lines = await readDeviceLog(session, 'Room_Codec');
    expect(lines.join('\n')).toContain('CODEC CALL_STATUS CONNECTED');
    expect(lines.at(-1)).toMatch(/LOGIN clearone signed in/);
  });
});

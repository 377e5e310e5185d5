import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeviceTimeoutError, DeviceUnreachableError } from '../driver/errors.ts';
import { probeHost } from '../driver/probe.ts';
import { connectDevice, type DeviceSession } from '../driver/session.ts';
import { connectRaw } from '../testing/raw-client.ts';
import { createSimulator } from './simulator.ts';
import type { SimulatedDeviceSpec, Simulator } from './types.ts';

// Every misbehaviour mode against the real driver. This file owns 127.38.1.0/24.
const PORT = 2323;
const DISCOVERY_PORT = 50138;
const box: SimulatedDeviceSpec = {
  address: '127.38.1.10',
  model: 'CONVERGE_PRO_2_128',
  boxName: 'ODD',
  serial: '3801-0001-01',
  mac: '00:06:E2:38:01:10',
  firmware: '5.2.0.7',
  stackName: 'ODD_ROOM',
  boxNumber: 1,
};
const codec: SimulatedDeviceSpec = {
  ...box,
  address: '127.38.1.20',
  model: 'COLLABORATE_LIVE_600',
  boxName: 'CODEC',
  serial: '3801-0002-01',
};

let simulator: Simulator;
const sessions: DeviceSession[] = [];

beforeAll(async () => {
  simulator = createSimulator({ devices: [box, codec], port: PORT, discoveryPort: DISCOVERY_PORT });
  await simulator.start();
});

afterEach(async () => {
  for (const unit of simulator.devices()) unit.setMisbehaviour({ mode: 'none' });
  await Promise.all(sessions.splice(0).map((session) => session.close()));
});

afterAll(() => simulator.close());

function connect(spec: SimulatedDeviceSpec, timeoutMs = 300): Promise<DeviceSession> {
  return connectDevice({
    address: spec.address,
    port: PORT,
    username: 'clearone',
    password: 'converge',
    boxName: spec.boxName,
    timeoutMs,
  }).then((session) => {
    sessions.push(session);
    return session;
  });
}

describe.each([box, codec])('$model misbehaving', (spec) => {
  const unit = () => simulator.device(spec.serial)!;

  it('mute: accepts the connection and never says a word', async () => {
    unit().setMisbehaviour({ mode: 'mute' });
    const raw = await connectRaw(spec.address, PORT);
    await expect(connect(spec)).rejects.toBeInstanceOf(DeviceTimeoutError);
    expect(raw.text()).toBe('');
    raw.destroy();
    // Discovery still answers: the agent finds the unit, then cannot talk to it.
    expect(await probeHost(spec.address, { port: DISCOVERY_PORT, timeoutMs: 1_000 })).toMatchObject({
      serial: spec.serial,
    });
  });

  it('slow: answers everything late but correctly', async () => {
    unit().setMisbehaviour({ mode: 'slow', delayMs: 40 });
    const session = await connect(spec, 2_000);
    expect(await session.commandValue(`BOX ${spec.boxName} UNIT SN`)).toBe(spec.serial);
    await expect(connect(spec, 20)).rejects.toBeInstanceOf(DeviceTimeoutError);
  });

  it('garbage: random bytes instead of a prompt, replies and discovery answers', async () => {
    unit().setMisbehaviour({ mode: 'garbage' });
    const raw = await connectRaw(spec.address, PORT);
    raw.send('BOX X UNIT SN\r\n');
    await raw.waitFor(/[\s\S]{8}/);
    raw.destroy();
    await expect(connect(spec)).rejects.toBeInstanceOf(DeviceTimeoutError);
    expect(await probeHost(spec.address, { port: DISCOVERY_PORT, timeoutMs: 300 })).toBeUndefined();
  });

  it('reset-mid-reply: logs in, then cuts the first reply with a reset', async () => {
    const session = await connect(spec);
    unit().setMisbehaviour({ mode: 'reset-mid-reply' });
    const closed = new Promise<Error | undefined>((resolve) => session.onClose(resolve));
    await expect(session.command(`BOX ${spec.boxName} UNIT SN`)).rejects.toBeInstanceOf(DeviceUnreachableError);
    expect(await closed).toBeInstanceOf(DeviceUnreachableError);
  });

  it('half-open: a live session freezes without being closed; recovery drops it', async () => {
    const session = await connect(spec);
    unit().setMisbehaviour({ mode: 'half-open' });
    await expect(session.command(`BOX ${spec.boxName} UNIT SN`)).rejects.toBeInstanceOf(DeviceTimeoutError);
    const raw = await connectRaw(spec.address, PORT);
    raw.send('clearone\r\n');
    unit().setMisbehaviour({ mode: 'none' });
    await raw.closed;
    const fresh = await connect(spec);
    expect(await fresh.commandValue(`BOX ${spec.boxName} UNIT SN`)).toBe(spec.serial);
  });
});

it('refuses a negative delay', () => {
  expect(() => simulator.device(box.serial)!.setMisbehaviour({ mode: 'slow', delayMs: -1 })).toThrow();
});

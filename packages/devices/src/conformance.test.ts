import {
  deviceModelCatalog,
  deviceModels,
  deviceStatuses,
  modelInfo,
  type DeviceModel,
  type DeviceStatus,
} from '@tutti/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceState } from './driver/device-state.ts';
import { DeviceLoginError, DeviceUnreachableError } from './driver/errors.ts';
import { connectSpace, deriveSpaceStatus } from './space/space-client.ts';
import { createSpaceService } from './space/space-service.ts';
import { connectDevice, type DeviceSession } from './driver/session.ts';
import { derivePeripheralStatus, deriveStatus } from './driver/status.ts';
import { modelEndpoints } from './simulator/model-endpoints.ts';
import { createSimulator } from './simulator/simulator.ts';
import type { SimulatedDevice, SimulatedDeviceSpec, SimulatedPeripheralSpec, Simulator } from './simulator/types.ts';

/*
 * Conformance: every model of the catalog runs against its simulator through its driver. Each test reads
 * identity and state, then drives the unit through every status its family supports and checks that
 * `deriveStatus` / `derivePeripheralStatus` yields it. The last test checks that together they reproduced
 * every status of DESIGN.md §4, except Overflowed, which the hub assigns from the service plan.
 * This file owns 127.34.0.0/16.
 */

const PORT = 2323;
const DISCOVERY_PORT = 50134;
const seen = new Set<DeviceStatus>();

const dspModels = deviceModels.filter((model) => modelEndpoints[model] !== undefined);
const peripheralModels = deviceModels.filter(
  (model) => modelInfo(model).category === 'pro_audio' && !modelInfo(model).dsp,
);
const codecModels = deviceModels.filter((model) => modelInfo(model).family === 'collaborate_live');

const serialOf = (model: DeviceModel, index: number): string => `3400-${String(index).padStart(4, '0')}-01`;

const peripheralSpecs: SimulatedPeripheralSpec[] = peripheralModels.map((model, index) => ({
  plink: index + 1,
  model,
  serial: `3499-${String(index + 1).padStart(4, '0')}-02`,
  firmware: '1.0.0.1',
  name: `${model}_${index + 1}`,
}));

const specs: SimulatedDeviceSpec[] = [
  ...dspModels.map((model, index) => ({
    address: `127.34.1.${10 + index}`,
    model,
    boxName: `DSP_${index}`,
    serial: serialOf(model, index),
    mac: `00:06:E2:34:01:${(10 + index).toString(16).padStart(2, '0')}`,
    firmware: model === 'CONVERGE_HUDDLE' ? '1.3.0.4' : '5.2.0.7',
    stackName: `ROOM_${index}`,
    boxNumber: 1,
    // The first box hosts one of every peripheral.
    ...(index === 0 ? { peripherals: peripheralSpecs } : {}),
  })),
  ...codecModels.map((model, index) => ({
    address: `127.34.2.${10 + index}`,
    model,
    boxName: `CODEC_${index}`,
    serial: `3402-${String(index).padStart(4, '0')}-03`,
    mac: `00:06:E2:34:02:${(10 + index).toString(16).padStart(2, '0')}`,
    firmware: '2.4.1.0',
    stackName: 'NONE',
    boxNumber: 1,
  })),
  // A stack whose project expects three boxes but has two, and one whose second box runs other firmware.
  ...[1, 2].map((boxNumber) => ({
    address: `127.34.3.${9 + boxNumber}`,
    model: 'CONVERGE_PRO_2_128T' as const,
    boxName: `INC_${boxNumber}`,
    serial: `3403-000${boxNumber}-04`,
    mac: `00:06:E2:34:03:0${boxNumber}`,
    firmware: '5.2.0.7',
    stackName: 'INCOMPLETE_STACK',
    boxNumber,
    expectedStackSize: 3,
  })),
  ...[1, 2].map((boxNumber) => ({
    address: `127.34.4.${9 + boxNumber}`,
    model: 'CONVERGE_PRO_2_128' as const,
    boxName: `MIS_${boxNumber}`,
    serial: `3404-000${boxNumber}-05`,
    mac: `00:06:E2:34:04:0${boxNumber}`,
    firmware: boxNumber === 1 ? '5.2.0.7' : '4.6.1.5',
    stackName: 'MISMATCHED_STACK',
    boxNumber,
  })),
];

let simulator: Simulator;
const sessions: DeviceSession[] = [];

beforeAll(async () => {
  simulator = createSimulator({
    devices: specs,
    port: PORT,
    discoveryPort: DISCOVERY_PORT,
    rebootMs: 30,
    bootMs: 150,
    configLoadMs: 40,
    firmwareUpdateMs: 80,
  });
  await simulator.start();
});

afterAll(async () => {
  await Promise.all(sessions.map((session) => session.close()));
  await simulator.close();
});

function device(spec: SimulatedDeviceSpec): SimulatedDevice {
  const found = simulator.device(spec.serial);
  if (!found) throw new Error(`no simulated ${spec.serial}`);
  return found;
}

async function open(spec: SimulatedDeviceSpec, password = 'converge'): Promise<DeviceSession> {
  const session = await connectDevice({
    address: spec.address,
    port: PORT,
    username: 'clearone',
    password,
    discoveryPort: DISCOVERY_PORT,
  });
  sessions.push(session);
  return session;
}

/** Connects once the unit accepts again (after a reboot), without asserting how long that took. */
async function reopen(spec: SimulatedDeviceSpec): Promise<DeviceSession> {
  for (;;) {
    try {
      return await open(spec);
    } catch (error) {
      if (!(error instanceof DeviceUnreachableError)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

function status(state: DeviceState, model: DeviceModel): DeviceStatus {
  const derived = deriveStatus({ reachable: true, loginFailed: false, model, state });
  seen.add(derived);
  return derived;
}

/** Runs `trigger` and resolves with the first state whose derived status is `expected`. */
function expectStatus(
  session: DeviceSession,
  model: DeviceModel,
  expected: DeviceStatus,
  trigger: () => unknown,
): Promise<void> {
  const reached = new Promise<void>((resolve) => {
    const stop = session.onStateChange((state) => {
      if (status(state, model) === expected) {
        stop();
        resolve();
      }
    });
  });
  trigger();
  return reached;
}

function expectPeripheralStatus(
  session: DeviceSession,
  serial: string,
  expected: DeviceStatus,
  trigger: () => unknown,
): Promise<void> {
  const reached = new Promise<void>((resolve) => {
    const stop = session.onStateChange((state) => {
      const derived = derivePeripheralStatus({ reachable: true, loginFailed: false, state }, serial);
      seen.add(derived);
      if (derived === expected) {
        stop();
        resolve();
      }
    });
  });
  trigger();
  return reached;
}

async function closed(session: DeviceSession): Promise<Error | undefined> {
  return new Promise((resolve) => session.onClose(resolve));
}

describe.each(specs.filter((spec) => modelEndpoints[spec.model] && spec.stackName.startsWith('ROOM_')))(
  'DSP $model',
  (spec) => {
    it('reports its identity and runs through every Pro Audio status of its own', async () => {
      const unit = device(spec);
      const session = await open(spec);
      const identity = await session.readIdentity();
      expect(identity).toMatchObject({
        model: spec.model,
        serial: spec.serial,
        mac: spec.mac,
        firmware: spec.firmware,
        boxName: spec.boxName,
        stackName: spec.stackName,
        boxNumber: 1,
        stackStatus: { state: 'OK' },
      });
      expect(identity.peripherals.map((peripheral) => peripheral.model)).toEqual(
        (spec.peripherals ?? []).map((peripheral) => peripheral.model),
      );
      const state = await session.readState();
      expect(state.model).toBe(spec.model);
      expect(state.unitState).toBe('RUNNING');
      expect(status(state, spec.model)).toBe('healthy');
      await session.subscribe();

      await expectStatus(session, spec.model, 'locate_light_on', () => unit.setLocate(true));
      await expectStatus(session, spec.model, 'healthy', () => unit.setLocate(false));
      await expectStatus(session, spec.model, 'safety_mute_on', () => unit.setSafetyMute(true));
      await expectStatus(session, spec.model, 'healthy', () => unit.setSafetyMute(false));
      await expectStatus(session, spec.model, 'overheating', () => unit.setTemperature(75));
      await expectStatus(session, spec.model, 'healthy', () => unit.setTemperature(41));
      if (unit.uaLines > 0) {
        await expectStatus(session, spec.model, 'voip_registration_failed', () => unit.setRegistration('FAILED'));
        await expectStatus(session, spec.model, 'healthy', () => unit.setRegistration('REGISTERED'));
        await expectStatus(session, spec.model, 'voip_restart_pending', () => unit.setVoipRestartPending(true));
        // The driver applies the pending settings the way a technician would.
        await expectStatus(
          session,
          spec.model,
          'healthy',
          () => void session.command(`BOX ${spec.boxName} VOIP RESTART`),
        );
      } else {
        expect(() => unit.setRegistration('FAILED')).toThrow();
      }
      await expectStatus(session, spec.model, 'unconfigured', () => unit.setConfigured(false));
      await expectStatus(session, spec.model, 'configuring', () => void unit.loadConfig());
      await expectStatus(session, spec.model, 'healthy', () => undefined);
    });

    it('is Login Failed with a wrong password, Updating Firmware, Restarting and Down', async () => {
      const unit = device(spec);
      const refused = await open(spec, 'wrong').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(DeviceLoginError);
      seen.add(deriveStatus({ reachable: true, loginFailed: true, model: spec.model }));
      expect(deriveStatus({ reachable: true, loginFailed: true, model: spec.model })).toBe('login_failed');

      const session = await open(spec);
      await session.readState();
      await session.subscribe();
      const gone = closed(session);
      await expectStatus(session, spec.model, 'updating_firmware', () => void unit.updateFirmware('fw-5.3.0.1.bin'));
      expect(await gone).toBeInstanceOf(DeviceUnreachableError);
      // Back from the reboot the update ends with, services still starting.
      const after = await reopen(spec);
      const booting = await after.readState();
      if (booting.unitState === 'RESTARTING') expect(status(booting, spec.model)).toBe('restarting');
      await after.subscribe();
      if (booting.unitState === 'RESTARTING') await expectStatus(after, spec.model, 'healthy', () => undefined);
      expect((await after.readIdentity()).firmware).toBe('5.3.0.1');

      const down = closed(after);
      await unit.goDown();
      expect(await down).toBeInstanceOf(DeviceUnreachableError);
      expect(deriveStatus({ reachable: false, loginFailed: false, model: spec.model })).toBe('down');
      seen.add('down');
      await expect(open(spec)).rejects.toBeInstanceOf(DeviceUnreachableError);
      await unit.comeBack();
    });
  },
);

describe('every status on demand', () => {
  it('Restarting...: a rebooted unit answers before its services are up', async () => {
    const spec = specs[1] as SimulatedDeviceSpec;
    const unit = device(spec);
    await unit.restart();
    const session = await open(spec);
    const state = await session.readState();
    expect(state.unitState).toBe('RESTARTING');
    expect(status(state, spec.model)).toBe('restarting');
    await session.subscribe();
    await expectStatus(session, spec.model, 'healthy', () => undefined);
  });

  it('Incomplete Stack and Mismatched Stack', async () => {
    const incomplete = specs.find((spec) => spec.stackName === 'INCOMPLETE_STACK') as SimulatedDeviceSpec;
    const session = await open(incomplete);
    const state = await session.readState();
    expect(state.stackStatus).toEqual({ state: 'INCOMPLETE', missing: [3], mismatched: [] });
    expect(status(state, incomplete.model)).toBe('incomplete_stack');

    const mismatched = specs.find((spec) => spec.stackName === 'MISMATCHED_STACK') as SimulatedDeviceSpec;
    const other = await open(mismatched);
    const mismatchedState = await other.readState();
    expect(mismatchedState.stackStatus?.state).toBe('MISMATCHED');
    expect(status(mismatchedState, mismatched.model)).toBe('mismatched_stack');
    await other.subscribe();
    // Bringing box 2 to box 1's firmware makes the stack whole again.
    const second = specs.find((spec) => spec.boxName === 'MIS_2') as SimulatedDeviceSpec;
    await expectStatus(other, mismatched.model, 'healthy', () => device(second).setFirmware('5.2.0.7'));
  });
});

describe.each(peripheralSpecs)('P-Link $model', (peripheralSpec) => {
  const host = specs[0] as SimulatedDeviceSpec;

  it('is listed by its host, has state of its own and every peripheral status', async () => {
    const peripheral = simulator.peripheral(peripheralSpec.serial);
    if (!peripheral) throw new Error('no peripheral');
    const session = await open(host);
    const identity = await session.readIdentity();
    expect(identity.peripherals).toContainEqual({
      plink: peripheralSpec.plink,
      model: peripheralSpec.model,
      serial: peripheralSpec.serial,
      firmware: peripheralSpec.firmware,
      name: peripheralSpec.name,
    });
    const state = await session.readState();
    expect(state.peripherals[peripheralSpec.serial]).toMatchObject({
      plink: peripheralSpec.plink,
      model: peripheralSpec.model,
      link: 'UP',
      locate: false,
      firmwareUpdate: null,
    });
    expect(derivePeripheralStatus({ reachable: true, loginFailed: false, state }, peripheralSpec.serial)).toBe(
      'healthy',
    );
    await session.subscribe();
    const serial = peripheralSpec.serial;
    await expectPeripheralStatus(session, serial, 'locate_light_on', () => peripheral.setLocate(true));
    await expectPeripheralStatus(session, serial, 'healthy', () => peripheral.setLocate(false));
    await expectPeripheralStatus(session, serial, 'down', () => peripheral.setLink(false));
    await expectPeripheralStatus(session, serial, 'healthy', () => peripheral.setLink(true));
    await expectPeripheralStatus(session, serial, 'updating_firmware', () => void peripheral.updateFirmware('1.0.0.2'));
    await expectPeripheralStatus(session, serial, 'healthy', () => undefined);
    expect(peripheral.firmware).toBe('1.0.0.2');
    // The same through the driver, as a firmware job would run it.
    const progress: number[] = [];
    expect(
      await session.updatePeripheralFirmware(peripheralSpec.plink, 'bma-1.0.0.3.bin', (p) => progress.push(p)),
    ).toBe('1.0.0.3');
    expect(progress.at(-1)).toBe(100);
    await expect(session.updatePeripheralFirmware(peripheralSpec.plink, 'fail.bin')).rejects.toThrow(/FAILED/);
    // The host's own statuses come first: a peripheral is only reachable through it.
    expect(derivePeripheralStatus({ reachable: false, loginFailed: false }, serial)).toBe('down');
    expect(derivePeripheralStatus({ reachable: true, loginFailed: true }, serial)).toBe('login_failed');
    if (peripheralSpec.model === 'DIALOG_20') {
      expect(state.peripherals[serial]?.channels).toHaveLength(2);
      const battery = new Promise<void>((resolve) => {
        const stop = session.onStateChange((next) => {
          if (next.peripherals[serial]?.channels[0]?.batteryPercent === 7) {
            stop();
            resolve();
          }
        });
      });
      peripheral.setBattery(1, 7);
      await battery;
    } else expect(state.peripherals[serial]?.channels).toEqual([]);
    await session.close();
  });
});

describe.each(specs.filter((spec) => modelInfo(spec.model).family === 'collaborate_live'))(
  'COLLABORATE Live $model',
  (spec) => {
    it('reports its identity and the three video statuses', async () => {
      const unit = device(spec);
      const session = await open(spec);
      expect(await session.readIdentity()).toMatchObject({
        model: spec.model,
        serial: spec.serial,
        firmware: spec.firmware,
        mac: spec.mac,
        peripherals: [],
      });
      const state = await session.readState();
      expect(state.codec).toEqual({ callStatus: 'IDLE', standby: false, serviceStatus: 'OK' });
      expect(status(state, spec.model)).toBe('healthy');
      await session.subscribe();
      await expectStatus(session, spec.model, 'communication_service_failed', () =>
        unit.setCommunicationService(false),
      );
      await expectStatus(session, spec.model, 'healthy', () => unit.setCommunicationService(true));
      expect(await session.commandValue('CODEC DIAL sip:room@127.34.2.99')).toBe('sip:room@127.34.2.99');
      expect(await session.commandValue('CODEC CALL_STATUS')).toBe('CONNECTED');
      expect(await session.commandValue('CODEC STANDBY 1')).toBe('1');
      await session.command('CODEC HANGUP');
      expect(deriveStatus({ reachable: true, loginFailed: true, model: spec.model })).toBe(
        'communication_service_failed',
      );
      const gone = closed(session);
      await unit.goDown();
      expect(await gone).toBeInstanceOf(DeviceUnreachableError);
      expect(deriveStatus({ reachable: false, loginFailed: false, model: spec.model })).toBe('down');
      await unit.comeBack();
    });
  },
);

describe('COLLABORATE Space', () => {
  it('signs in over OAuth, reads the account and shows Healthy, Communication Service Failed and Down', async () => {
    const service = createSpaceService({ address: '127.34.9.10' });
    await service.start();
    try {
      const session = await connectSpace({
        baseUrl: service.url,
        clientId: 'tutti',
        redirectUri: 'http://127.0.0.1/callback',
      });
      const identity = await session.readIdentity();
      expect(identity.model).toBe('COLLABORATE_SPACE');
      expect(deviceModelCatalog[identity.model].family).toBe('collaborate_space');
      const derive = (input: Parameters<typeof deriveSpaceStatus>[0]): DeviceStatus => {
        const derived = deriveSpaceStatus(input);
        seen.add(derived);
        return derived;
      };
      expect(derive({ reachable: true, authorized: true, accountStatus: identity.accountStatus })).toBe('healthy');
      service.revokeAll();
      const refused = await session.get('/api/v1/me').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(DeviceLoginError);
      expect(derive({ reachable: true, authorized: false })).toBe('communication_service_failed');
      service.setDown(true);
      const down = await connectSpace({
        baseUrl: service.url,
        clientId: 'tutti',
        redirectUri: 'http://127.0.0.1/callback',
      }).catch((error: unknown) => error);
      expect(down).toBeInstanceOf(DeviceUnreachableError);
      expect(derive({ reachable: false, authorized: true })).toBe('down');
    } finally {
      await service.close();
    }
  });
});

describe('coverage', () => {
  it('every catalog model took part', () => {
    const covered = new Set<DeviceModel>([...dspModels, ...peripheralModels, ...codecModels, 'COLLABORATE_SPACE']);
    expect(deviceModels.filter((model) => !covered.has(model))).toEqual([]);
  });

  it('reproduced every status of DESIGN §4 except Overflowed (assigned by the hub from the plan)', () => {
    expect(deviceStatuses.filter((code) => code !== 'overflowed' && !seen.has(code))).toEqual([]);
    expect(seen.has('overflowed')).toBe(false);
  });
});

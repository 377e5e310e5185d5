import { subnetOf, type DeviceStatus } from '@tutti/protocol';
import type {
  ConnectDeviceOptions,
  DeviceDriver,
  DeviceIdentity,
  DeviceSessionLike,
  DiscoveryAnswer,
  PeripheralIdentity,
} from '../sessions/device-driver.ts';

/** Test double of `@tutti/devices`: devices held in memory, with switches for faults. */
export interface FakeState {
  locate: boolean;
  temperatureC: number;
}

export interface FakeDevice {
  serial: string;
  ip: string;
  boxName: string;
  model: string;
  up: boolean;
  password: string;
  state: FakeState;
  peripherals: PeripheralIdentity[];
  /** Accepts connections but never answers a command. */
  hung: boolean;
  /** Connections opened to this device. */
  connects: number;
}

class FakeLoginError extends Error {}
class FakeCommandError extends Error {}

export interface FakeDriver extends DeviceDriver<FakeState> {
  add(device: Partial<FakeDevice> & Pick<FakeDevice, 'serial' | 'ip'>): FakeDevice;
  setState(serial: string, change: Partial<FakeState>): void;
  goDown(serial: string): void;
  /** Drops every session of the device; it stays reachable (a reboot seen from outside). */
  dropSessions(serial: string): void;
  probed: string[];
}

export function createFakeDriver(): FakeDriver {
  const devices = new Map<string, FakeDevice>();
  const sessions = new Map<string, Set<{ notify: (state: FakeState) => void; kill: () => void }>>();
  const probed: string[] = [];

  const identityOf = (device: FakeDevice): DeviceIdentity => ({
    boxName: device.boxName,
    model: device.model,
    serial: device.serial,
    mac: `00:06:2F:00:${device.serial.slice(-4, -2) || '00'}:${device.serial.slice(-2)}`,
    firmware: '4.4.0.2',
    boxNumber: 1,
    stackName: 'Stack1',
    peripherals: device.peripherals,
  });

  return {
    probed,
    add(partial) {
      const device: FakeDevice = {
        boxName: `Box-${partial.serial}`,
        model: 'CONVERGE_PRO_2_128',
        up: true,
        password: 'converge',
        state: { locate: false, temperatureC: 40 },
        peripherals: [],
        hung: false,
        connects: 0,
        ...partial,
      };
      devices.set(device.serial, device);
      return device;
    },
    setState(serial, change) {
      const device = devices.get(serial);
      if (!device) return;
      device.state = { ...device.state, ...change };
      for (const session of sessions.get(serial) ?? []) session.notify(device.state);
    },
    goDown(serial) {
      const device = devices.get(serial);
      if (!device) return;
      device.up = false;
      for (const session of [...(sessions.get(serial) ?? [])]) session.kill();
    },
    dropSessions(serial) {
      for (const session of [...(sessions.get(serial) ?? [])]) session.kill();
    },
    async probeSubnet(subnet) {
      probed.push(subnet);
      await Promise.resolve();
      const answers: DiscoveryAnswer[] = [];
      for (const device of devices.values()) {
        if (!device.up || subnetOf(device.ip) !== subnet) continue;
        answers.push({
          model: device.model,
          boxName: device.boxName,
          serial: device.serial,
          mac: identityOf(device).mac,
          ip: device.ip,
          telnetPort: 23,
          stackName: 'Stack1',
        });
      }
      return answers;
    },
    async connectDevice(options: ConnectDeviceOptions) {
      await Promise.resolve();
      const device = [...devices.values()].find((candidate) => candidate.ip === options.address);
      if (!device?.up) throw new Error(`connect ECONNREFUSED ${options.address}`);
      if (device.hung) throw new Error(`no login at ${options.address}`);
      device.connects += 1;
      if (options.password !== device.password) throw new FakeLoginError('Invalid login');
      const stateListeners: ((state: FakeState) => void)[] = [];
      const closeListeners: (() => void)[] = [];
      let open = true;
      const set = sessions.get(device.serial) ?? new Set();
      sessions.set(device.serial, set);
      const handle = {
        notify: (state: FakeState) => {
          for (const listener of stateListeners) listener({ ...state });
        },
        kill: () => {
          if (!open) return;
          open = false;
          set.delete(handle);
          for (const listener of closeListeners) listener();
        },
      };
      set.add(handle);
      const session: DeviceSessionLike<FakeState> = {
        async command(line) {
          if (device.hung) return new Promise<never>(() => undefined);
          await Promise.resolve();
          if (!open) throw new Error('closed');
          if (!line.startsWith('BOX ')) throw new FakeCommandError('Error Invalid Command');
          return line;
        },
        async readIdentity() {
          await Promise.resolve();
          return identityOf(device);
        },
        async readState() {
          await Promise.resolve();
          return { ...device.state };
        },
        async subscribe() {
          await Promise.resolve();
        },
        onStateChange(listener) {
          stateListeners.push(listener);
        },
        onClose(listener) {
          closeListeners.push(listener);
        },
        close() {
          open = false;
          set.delete(handle);
        },
      };
      return session;
    },
    deriveStatus({ reachable, loginFailed, state }): DeviceStatus {
      if (!reachable) return 'down';
      if (loginFailed) return 'login_failed';
      if (state && state.temperatureC >= 70) return 'overheating';
      if (state?.locate) return 'locate_light_on';
      return 'healthy';
    },
    isLoginError: (error) => error instanceof FakeLoginError,
    isCommandError: (error) => error instanceof FakeCommandError,
  };
}

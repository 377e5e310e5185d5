import { subnetOf, type DeviceModel, type DeviceStatus } from '@tutti/protocol';
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
  /** NETWORK FTP_ENABLE as the unit reports it; absent or null when it does not tell. */
  ftpEnabled?: boolean | null;
}

export interface FakeDevice {
  serial: string;
  ip: string;
  boxName: string;
  model: DeviceModel;
  up: boolean;
  password: string;
  state: FakeState;
  peripherals: PeripheralIdentity[];
  /** Accepts connections but never answers a command. */
  hung: boolean;
  /** Connections opened to this device. */
  connects: number;
  /** Firmware update percentage the device reports at connect time, or null when idle. */
  firmwareProgress: number | null;
}

class FakeLoginError extends Error {}
class FakeCommandError extends Error {}

export interface FakeDriver extends DeviceDriver<FakeState> {
  add(device: Partial<FakeDevice> & Pick<FakeDevice, 'serial' | 'ip'>): FakeDevice;
  setState(serial: string, change: Partial<FakeState>): void;
  goDown(serial: string): void;
  /** Drops every session of the device; it stays reachable (a reboot seen from outside). */
  dropSessions(serial: string): void;
  /** Sends an unsolicited line to every session of the device. */
  sendLine(serial: string, payload: string): void;
  probed: string[];
}

export function createFakeDriver(): FakeDriver {
  const devices = new Map<string, FakeDevice>();
  const sessions = new Map<
    string,
    Set<{ notify: (state: FakeState) => void; line: (payload: string) => void; kill: () => void }>
  >();
  const probed: string[] = [];

  const identityOf = (device: FakeDevice): DeviceIdentity => ({
    boxName: device.boxName,
    model: device.model,
    serial: device.serial,
    mac: `00:06:2F:00:${device.serial.slice(-4, -2) || '00'}:${device.serial.slice(-2)}`,
    firmware: '4.4.0.2',
    boxNumber: 1,
    stackName: 'Stack1',
    stackMembers: [],
    stackStatus: { state: 'OK', missing: [], mismatched: [] },
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
        firmwareProgress: null,
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
    sendLine(serial, payload) {
      for (const session of sessions.get(serial) ?? []) session.line(payload);
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
      const atAddress = [...devices.values()].filter((candidate) => candidate.ip === options.address);
      const device = atAddress.find((candidate) => candidate.up) ?? atAddress[0];
      if (!device?.up) throw new Error(`connect ECONNREFUSED ${options.address}`);
      if (device.hung) throw new Error(`no login at ${options.address}`);
      device.connects += 1;
      if (options.password !== device.password) throw new FakeLoginError('Invalid login');
      const stateListeners: ((state: FakeState) => void)[] = [];
      const lineListeners: ((payload: string) => void)[] = [];
      const closeListeners: (() => void)[] = [];
      let open = true;
      const set = sessions.get(device.serial) ?? new Set();
      sessions.set(device.serial, set);
      const handle = {
        notify: (state: FakeState) => {
          for (const listener of stateListeners) listener({ ...state });
        },
        line: (payload: string) => {
          for (const listener of lineListeners) listener(payload);
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
          if (line.endsWith(' FW_UPDATE')) {
            return device.firmwareProgress === null ? 'IDLE' : String(device.firmwareProgress);
          }
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
        onLine(listener) {
          lineListeners.push(listener);
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
    deriveStatus({ reachable, loginFailed, restarting, updatingFirmware, state }): DeviceStatus {
      if (!reachable) return 'down';
      if (loginFailed) return 'login_failed';
      if (restarting) return 'restarting';
      if (updatingFirmware) return 'updating_firmware';
      if (state && state.temperatureC >= 70) return 'overheating';
      if (state?.locate) return 'locate_light_on';
      return 'healthy';
    },
    async readFirmwareUpdate(session, boxName) {
      const reply = await session.command(`BOX ${boxName} FW_UPDATE`);
      return reply === 'IDLE' ? null : Number(reply);
    },
    activityOf(payload) {
      const [word, value] = payload.split(' ');
      if (word === 'REBOOT') return { kind: 'rebooting' };
      if (word === 'FW_PROGRESS') return { kind: 'firmware_progress', percent: Number(value) };
      if (word === 'FW_DONE') return { kind: 'firmware_done' };
      if (word === 'FW_FAILED') return { kind: 'firmware_failed' };
      return null;
    },
    derivePeripheralStatus(host) {
      if (!host.reachable) return 'down';
      if (host.loginFailed) return 'login_failed';
      return host.restarting ? 'restarting' : 'healthy';
    },
    isLoginError: (error) => error instanceof FakeLoginError,
    isCommandError: (error) => error instanceof FakeCommandError,
    ftpEnabledOf: (state) => state.ftpEnabled ?? null,
  };
}

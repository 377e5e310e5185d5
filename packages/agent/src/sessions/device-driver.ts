import type { DeviceModel, DeviceStatus } from '@tutti/protocol';

/*
 * What the agent needs from `@tutti/devices`, written down as types so the monitor and the scanner can be driven
 * by the real package in production and by a fake in unit tests.
 */

export interface DiscoveryAnswer {
  model: string;
  boxName: string;
  serial: string;
  mac: string;
  ip: string;
  telnetPort: number;
  stackName: string;
}

export interface PeripheralIdentity {
  plink: number;
  model: string;
  serial: string;
  firmware: string;
  name: string;
}

export interface DeviceIdentity {
  boxName: string;
  model: string;
  serial: string;
  mac: string;
  firmware: string;
  boxNumber: number;
  stackName: string;
  peripherals: readonly PeripheralIdentity[];
}

export interface ConnectDeviceOptions {
  address: string;
  port: number;
  username: string;
  password: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Box name for `BOX` commands, from the discovery answer (spares the driver a lookup). */
  boxName?: string;
  discoveryPort?: number;
}

export interface ProbeSubnetOptions {
  port?: number;
  timeoutMs?: number;
  concurrency?: number;
}

/** One logged-in telnet session to a device. */
export interface DeviceSessionLike<State> {
  command(line: string): Promise<unknown>;
  readIdentity(): Promise<DeviceIdentity>;
  readState(): Promise<State>;
  subscribe(): Promise<unknown>;
  onStateChange(listener: (state: State) => void): unknown;
  /** Every unsolicited line (payload without `=> `). */
  onLine(listener: (payload: string) => void): unknown;
  onClose(listener: () => void): unknown;
  close(): Promise<void> | void;
}

export interface DeriveStatusInput<State> {
  reachable: boolean;
  loginFailed: boolean;
  restarting?: boolean;
  updatingFirmware?: boolean;
  /** Video models (COLLABORATE Live) get the video statuses. */
  model?: DeviceModel;
  state?: State;
}

/** What an unsolicited device line says about the box's activity, when it says anything. */
export type DeviceActivity =
  | { kind: 'firmware_progress'; percent: number }
  | { kind: 'firmware_done' }
  | { kind: 'firmware_failed' }
  | { kind: 'rebooting' };

export interface DeviceDriver<State> {
  probeSubnet(subnet: string, options?: ProbeSubnetOptions): Promise<DiscoveryAnswer[]>;
  connectDevice(options: ConnectDeviceOptions): Promise<DeviceSessionLike<State>>;
  deriveStatus(input: DeriveStatusInput<State>): DeviceStatus;
  /** Status of a P-Link peripheral from its host's session and the host's view of that peripheral. */
  derivePeripheralStatus(host: DeriveStatusInput<State>, serial: string): DeviceStatus;
  /** Whether a connect failure means the credentials were refused (Login Failed) rather than no answer (Down). */
  isLoginError(error: unknown): boolean;
  /** Whether a command failed because the device answered with an error (so it is alive). */
  isCommandError(error: unknown): boolean;
  /** Reads a firmware update in progress at connect time: its percentage, or null when idle. */
  readFirmwareUpdate(session: DeviceSessionLike<State>, boxName: string): Promise<number | null>;
  /** Firmware update and reboot announcements among a box's unsolicited lines. */
  activityOf(payload: string, boxName: string): DeviceActivity | null;
}

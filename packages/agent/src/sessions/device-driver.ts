import type { DeviceStatus, VoipLineReport } from '@tutti/protocol';
import type {
  ConnectDeviceOptions,
  DeriveStatusInput as DevicesDeriveStatusInput,
  DeviceIdentity,
  DiscoveryAnswer,
  PeripheralInfo,
  ProbeSubnetOptions,
} from '@tutti/devices';

/*
 * The seam between the agent and `@tutti/devices`: the wire and identity types are the package's own; only the
 * session state stays generic so the monitor and the scanner can be driven by the real package in production and
 * by a fake in unit tests.
 */

export type { ConnectDeviceOptions, DeviceIdentity, DiscoveryAnswer, ProbeSubnetOptions };
/** A P-Link peripheral as its host lists it. */
export type PeripheralIdentity = PeripheralInfo;

/** One logged-in telnet session to a device (the part of `DeviceSession` the agent uses). */
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

/** `deriveStatus`'s input with the session state left generic. */
export type DeriveStatusInput<State> = Omit<DevicesDeriveStatusInput, 'state'> & { state?: State | undefined };

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
  /** The box's VoIP lines as the device report carries them; none for boxes without VoIP. */
  voipLinesOf?(state: State): VoipLineReport[];
  /** The box's FTP server as it reports it (`NETWORK FTP_ENABLE`); null when it does not tell. */
  ftpEnabledOf?(state: State): boolean | null;
}

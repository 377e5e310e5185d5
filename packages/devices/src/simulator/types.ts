import type { DeviceModel } from '@tutti/protocol';
import type { LineEnding } from '../codec.ts';
import type { RegistrationState } from '../system-commands.ts';

export interface Credentials {
  username: string;
  password: string;
}

export interface SimulatedPeripheralSpec {
  /** 1-based position on the host's P-Link chain. */
  plink: number;
  model: DeviceModel;
  serial: string;
  firmware: string;
  name: string;
}

/** Identity and wiring of one simulated DSP box (CONVERGE Pro 2 or Huddle). */
export interface SimulatedDeviceSpec {
  address: string;
  /** Telnet port; defaults to the simulator's `port` (23). */
  port?: number;
  model: DeviceModel;
  /** Case-sensitive, no spaces. */
  boxName: string;
  serial: string;
  mac: string;
  firmware: string;
  stackName: string;
  /** Position in the stack, 1–9. */
  boxNumber: number;
  /** Boxes the stack's project expects; defaults to the number of specs sharing this stackName. */
  expectedStackSize?: number;
  /** Defaults to clearone / converge (DEVICE-PROTOCOL §6.1). */
  credentials?: Credentials;
  peripherals?: SimulatedPeripheralSpec[];
  /** Channel labels usable instead of `EPT EPN`, e.g. `{ ROOM_LEVEL: 'FADER 101' }`. */
  channelLabels?: Record<string, string>;
  /** Macros for `MCCF <name>`: lists of EP/BOX command lines. */
  macros?: Record<string, string[]>;
}

export type SimulatorChangeKind =
  | 'locate'
  | 'safety_mute'
  | 'temperature'
  | 'registration'
  | 'stack_status'
  | 'availability'
  | 'credentials'
  | 'firmware'
  | 'firmware_update'
  | 'endpoint'
  | 'network'
  | 'notification';

/** One state change the simulator produced: the "simulator log" tests and benchmarks count. */
export interface SimulatorChange {
  /** Increases by one per change across the whole simulator. */
  seq: number;
  at: number;
  serial: string;
  boxName: string;
  address: string;
  kind: SimulatorChangeKind;
  /** The new value as the wire shows it, e.g. `1`, `71.5`, `INCOMPLETE;MISSING=2`, `down`. */
  value: string;
  /** For endpoint and registration changes: which one, e.g. `MIC 101 LEVEL GAIN` or `UA 101`. */
  target?: string;
}

export interface SimulatorOptions {
  devices: SimulatedDeviceSpec[];
  /** Default telnet port for specs without one. Default 23. */
  port?: number;
  /** UDP discovery port on each device address. Default 50123. */
  discoveryPort?: number;
  /** Default 'CRLF'; 'LFCR' reproduces the order seen in driver comments. */
  lineEnding?: LineEnding;
  /** Echo successful writes to every other logged-in session of the stack (§6.3). Default true. */
  fanOut?: boolean;
  /** LOCATE turns itself off after this long. Default 30 000 ms. */
  locateTimeoutMs?: number;
  /** A FW_UPDATE takes this long before it reboots the box. Default 10 000 ms. */
  firmwareUpdateMs?: number;
  /** REBOOT refuses connections for this long. Default 45 000 ms. */
  rebootMs?: number;
  /** A session without input is closed after this long. Default 30 min. */
  idleTimeoutMs?: number;
  /** Longest accepted input line. Default 8 KiB. */
  maxLineBytes?: number;
  onChange?: (change: SimulatorChange) => void;
}

/** Handle on one simulated box: identity plus fault controls. */
export interface SimulatedDevice {
  readonly spec: SimulatedDeviceSpec;
  /** Current listen address (changes after a reboot that applies a new NETWORK IP_ADDRESS). */
  readonly address: string;
  readonly port: number;
  /** Number of VoIP user-agent lines the model has (0 for models without VoIP). */
  readonly uaLines: number;
  readonly up: boolean;
  readonly sessionCount: number;
  setLocate(on: boolean): void;
  setSafetyMute(on: boolean): void;
  setTemperature(celsius: number): void;
  /** Sets every UA line of the box; throws if the model has no VoIP lines. */
  setRegistration(state: RegistrationState, line?: number): void;
  setFirmware(version: string): void;
  /** Only this box's credentials (a wrong password on one unit); `PASSWORD` changes the whole stack. */
  setCredentials(username: string, password: string): void;
  /** Stops answering: closes every session, refuses TCP connections and ignores discovery. */
  goDown(): Promise<void>;
  comeBack(): Promise<void>;
  /** Reboots as `REBOOT` does: down for `rebootMs`, then back. Resolves once it is back. */
  restart(): Promise<void>;
}

export interface Simulator {
  start(): Promise<void>;
  close(): Promise<void>;
  devices(): SimulatedDevice[];
  device(serial: string): SimulatedDevice | undefined;
  /** Registers a listener for every state change; returns the unsubscribe function. */
  onChange(listener: (change: SimulatorChange) => void): () => void;
}

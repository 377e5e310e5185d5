import type { DeviceModel } from '@tutti/protocol';
import type { LineEnding } from '../codec.ts';
import type { DeviceLog } from '../device-log.ts';
import type { RegistrationState, UnitState } from '../system-commands.ts';
import type { SimulatedRegistrar } from './registrar.ts';

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

/** Handle on one P-Link peripheral: it has no address; its state is read through the host's session. */
export interface SimulatedPeripheral {
  readonly spec: SimulatedPeripheralSpec;
  readonly hostSerial: string;
  readonly linkUp: boolean;
  readonly locate: boolean;
  readonly firmware: string;
  readonly updating: boolean;
  /** Wireless channels (DIALOG 20: 2; others 0). */
  readonly channels: number;
  /** Down: the unit dropped off the P-Link chain (the fleet shows it Down). */
  setLink(up: boolean): void;
  setLocate(on: boolean): void;
  /** Battery of the mic on a DIALOG 20 channel in percent; null when no mic is paired. */
  setBattery(channel: number, percent: number | null): void;
  /** RF level of a DIALOG 20 channel in dBm; null when no mic is heard. */
  setRf(channel: number, dbm: number | null): void;
  /** Runs a firmware transfer as `FW_UPDATE` does; resolves when it ended. */
  updateFirmware(version?: string): Promise<void>;
}

/**
 * How a simulated unit misbehaves on its telnet port, for robustness tests:
 * `mute` accepts connections and never sends a byte; `slow` sends everything `delayMs` late;
 * `garbage` answers every line (and the connection) with random bytes; `reset-mid-reply` logs in, then
 * sends half of the first reply and resets the connection; `half-open` freezes every session without
 * closing it (as a peer that lost power behind a firewall) and accepts new ones that hear nothing.
 */
export type Misbehaviour =
  | { mode: 'none' }
  | { mode: 'mute' }
  | { mode: 'slow'; delayMs: number }
  | { mode: 'garbage' }
  | { mode: 'reset-mid-reply' }
  | { mode: 'half-open' };
export type MisbehaviourMode = Misbehaviour['mode'];

/** Identity and wiring of one simulated unit: a DSP box (CONVERGE Pro 2 or Huddle) or a COLLABORATE Live codec. */
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
  | 'notification'
  | 'unit_state'
  | 'voip_restart_pending'
  | 'voip_settings'
  | 'config'
  | 'peripheral'
  | 'misbehaviour'
  | 'codec';

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
  /** After `rebootMs` the unit answers again but reports `UNIT STATE RESTARTING` this long. Default 0. */
  bootMs?: number;
  /** CONFIG_LOAD keeps the unit CONFIGURING this long. Default 5 000 ms. */
  configLoadMs?: number;
  /** A session without input is closed after this long. Default 30 min. */
  idleTimeoutMs?: number;
  /** Longest accepted input line. Default 8 KiB. */
  maxLineBytes?: number;
  /** SIP servers of the simulated site, deciding VoIP registrations. Default: one server (127.30.0.5) taking any account. */
  registrar?: SimulatedRegistrar;
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
  /** [INV] The unit's log as `UNIT LOG` serves it: logins, changes, faults, reboots, firmware. */
  readonly log: DeviceLog;
  /** Stops answering: closes every session, refuses TCP connections and ignores discovery. */
  goDown(): Promise<void>;
  comeBack(): Promise<void>;
  /** Reboots as `REBOOT` does: down for `rebootMs`, then back. Resolves once it is back. */
  restart(): Promise<void>;
  /** What `UNIT STATE` reports now. */
  readonly unitState: UnitState;
  /** A factory-fresh unit without a project reports UNCONFIGURED until a CONFIG_LOAD. */
  setConfigured(configured: boolean): void;
  /** Starts a CONFIG_LOAD as the command does (CONFIGURING for `configLoadMs`); resolves when it ended. */
  loadConfig(token?: string): Promise<void>;
  /** Starts a FW_UPDATE as the command does (UPDATING_FIRMWARE, then a reboot); resolves when it ended. */
  updateFirmware(token?: string): Promise<void>;
  /** SIP settings changed and wait for `VOIP RESTART`; throws for models without VoIP. */
  setVoipRestartPending(pending: boolean): void;
  /** P-Link peripherals of this box (none for codecs). */
  peripherals(): SimulatedPeripheral[];
  readonly misbehaviour: Misbehaviour;
  setMisbehaviour(misbehaviour: Misbehaviour): void;
  /** COLLABORATE Live only (throws for DSPs): the communication service fails or recovers. */
  setCommunicationService(ok: boolean): void;
  /** COLLABORATE Live only: a call connects (`CONNECTED`) or ends (`IDLE`). */
  setCall(connected: boolean): void;
  /** COLLABORATE Live only. */
  setStandby(on: boolean): void;
}

export interface Simulator {
  start(): Promise<void>;
  close(): Promise<void>;
  devices(): SimulatedDevice[];
  device(serial: string): SimulatedDevice | undefined;
  /** A P-Link peripheral by its serial. */
  peripheral(serial: string): SimulatedPeripheral | undefined;
  /** Registers a listener for every state change; returns the unsubscribe function. */
  onChange(listener: (change: SimulatorChange) => void): () => void;
}

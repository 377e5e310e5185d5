import type { Socket as UdpSocket } from 'node:dgram';
import type { Server } from 'node:net';
import { appError, isIpv4, isLoopbackIpv4, modelInfo } from '@tutti/protocol';
import { isEndpointType, parseCommand, type EndpointType, type LineEnding } from '../codec.ts';
import { DeviceLog } from '../device-log.ts';
import { formatDiscoveryAnswer, isDiscoveryRequest } from '../discovery.ts';
import { formatPlinkDevices } from '../plink-devices.ts';
import { formatStackMembers, formatStackStatus, type StackStatus } from '../stack-status.ts';
import {
  CONFIG_DATA_PREFIX,
  configLoadWords,
  errorPayloads,
  firmwareUpdateWords,
  PLINK_BLOCK,
  REG_STATUS_BLOCK,
  REG_STATUS_PARAM,
  systemCommandFor,
  systemCommandLine,
  systemCommands,
  uaNotificationTypes,
  type ErrorPayload,
  type RegistrationState,
  type SystemCommand,
  type UaNotificationType,
  type UnitState,
} from '../system-commands.ts';
import {
  formatSipAccount,
  isSipTransport,
  REG_REASON_PARAM,
  SIP_ACCOUNT_PARAM,
  SIP_DISPLAY_NAME_PATTERN,
  SIP_HOST_PATTERN,
  SIP_PASSWORD_MASK,
  SIP_PASSWORD_PATTERN,
  SIP_USER_PATTERN,
  SIP_VALUE_NONE,
  sipSettingParams,
  type SipAccount,
  type SipSettingField,
} from '../sip-account.ts';
import { defaultLevel, isLevelParam, readLevel, writeLevel, type Level } from './levels.ts';
import { changeLogin } from './login-change.ts';
import { MisbehaviourGate } from './misbehaviour.ts';
import { modelEndpoints, type EndpointCounts } from './model-endpoints.ts';
import { Peripheral } from './peripheral.ts';
import {
  decideRegistration,
  DEFAULT_SIP_SERVER,
  type RegistrationAttempt,
  type SimulatedRegistrar,
} from './registrar.ts';
import type {
  Credentials,
  Misbehaviour,
  SimulatedDevice,
  SimulatedDeviceSpec,
  SimulatedPeripheral,
  SimulatorChangeKind,
} from './types.ts';
import { hashString } from './random.ts';
import {
  bindDiscoveryResponder,
  flushWaiters,
  listenTelnet,
  TelnetSessions,
  type TelnetSession,
} from './telnet-session.ts';

export const DEFAULT_CREDENTIALS: Credentials = { username: 'clearone', password: 'converge' };

/** Simulator-wide settings and services a box needs. */
export interface BoxContext {
  discoveryPort: number;
  lineEnding: LineEnding;
  fanOut: boolean;
  locateTimeoutMs: number;
  rebootMs: number;
  bootMs: number;
  configLoadMs: number;
  firmwareUpdateMs: number;
  idleTimeoutMs: number;
  maxLineBytes: number;
  /** The SIP servers of the simulated site: they decide the lines' registrations. */
  registrar: SimulatedRegistrar;
  /** Every box of the same stack (including the caller), whatever their state. */
  stackPeers(box: Box): Box[];
  /** A box went up or down or changed firmware: stack views must be recomputed. */
  stackChanged(box: Box): void;
  emit(unit: SimulatedDevice, kind: SimulatorChangeKind, value: string, target?: string): void;
}

interface Session extends TelnetSession {
  /** Box names whose status lines this session asked for (`BOX <name> NOTIFICATION STATUS 1`). */
  statusBoxes: Set<string>;
  /** `<epn> <TYPE>` pairs from `EP UA <epn> NOTIFICATION <TYPE>`. */
  uaSubscriptions: Set<string>;
}

type Outcome = { payload: string; echo?: { line: string; statusBox?: string } } | ErrorPayload;

type Availability = 'up' | 'down' | 'restarting';

const networkDefaults = (address: string): Record<string, string> => ({
  DHCP_ENABLE: '0',
  IP_ADDRESS: address,
  SUBNET_MASK: '255.255.255.0',
  GATEWAY: address.replace(/\.\d+$/, '.1'),
  DNS1: address.replace(/\.\d+$/, '.1'),
  DNS2: '0.0.0.0',
  DOMAIN_NAME: 'local',
  LINK_STATUS: 'UP',
  TELNET_ENABLE: '1',
  FTP_ENABLE: '0',
});

const booleanNetworkParams = new Set(['DHCP_ENABLE', 'TELNET_ENABLE', 'FTP_ENABLE']);
const addressNetworkParams = new Set(['SUBNET_MASK', 'GATEWAY', 'DNS1', 'DNS2']);

// Highest channel number any model has per type; beyond it the EPN itself is invalid (§2.2 #21).
const maxChannels = new Map<string, number>();
for (const counts of Object.values(modelEndpoints)) {
  for (const [type, count] of Object.entries(counts))
    maxChannels.set(type, Math.max(maxChannels.get(type) ?? 0, count));
}
maxChannels.set('BFM', 9);

/** A UA line's SIP settings, password included (it never leaves the box). */
interface SipSettings extends RegistrationAttempt {
  extension: string;
  displayName: string;
}

const sipParamFields = new Map<string, SipSettingField>(
  (Object.keys(sipSettingParams) as SipSettingField[]).map((field) => [sipSettingParams[field], field]),
);

/** Checks and applies one written value to a copy of the settings; an error payload when it does not fit. */
function withSipSetting(settings: SipSettings, field: SipSettingField, value: string): SipSettings | ErrorPayload {
  switch (field) {
    case 'server':
      return SIP_HOST_PATTERN.test(value) ? { ...settings, server: value } : errorPayloads.outOfRange;
    case 'port': {
      const port = Number(value);
      return /^\d{1,5}$/.test(value) && port >= 1 && port <= 65535 ? { ...settings, port } : errorPayloads.outOfRange;
    }
    case 'transport':
      return isSipTransport(value) ? { ...settings, transport: value } : errorPayloads.outOfRange;
    case 'user':
    case 'authUser':
    case 'extension':
      return SIP_USER_PATTERN.test(value) ? { ...settings, [field]: value } : errorPayloads.outOfRange;
    case 'password':
      return SIP_PASSWORD_PATTERN.test(value) ? { ...settings, password: value } : errorPayloads.outOfRange;
    case 'displayName':
      return SIP_DISPLAY_NAME_PATTERN.test(value) ? { ...settings, displayName: value } : errorPayloads.outOfRange;
  }
}

function sameSipSettings(a: SipSettings, b: SipSettings): boolean {
  return (Object.keys(a) as (keyof SipSettings)[]).every((key) => a[key] === b[key]);
}

function isBinary(value: string): value is '0' | '1' {
  return value === '0' || value === '1';
}

function regNotification(state: RegistrationState): UaNotificationType | undefined {
  switch (state) {
    case 'REGISTERED':
      return 'REG_SUCCEED';
    case 'FAILED':
      return 'REG_FAILED';
    case 'UNREGISTERED':
      return 'UNREG_SUCCEED';
    case 'DISABLED':
      return undefined;
  }
}

/** One simulated CONVERGE Pro 2 / Huddle box: its state, its telnet server and its discovery responder. */
export class Box implements SimulatedDevice {
  readonly spec: SimulatedDeviceSpec;
  readonly port: number;
  readonly uaLines: number;
  readonly endpoints: EndpointCounts;
  credentials: Credentials;
  readonly log = new DeviceLog();
  firmware: string;
  locate = false;
  safetyMute = false;
  temperature: number;
  registration: RegistrationState[];
  private lastStackStatus = 'OK';
  private currentAddress: string;
  private readonly ctx: BoxContext;
  private readonly levels = new Map<string, Level>();
  private readonly autoAnswer: Array<'0' | '1'>;
  private network: Record<string, string>;
  private pendingNetwork: Record<string, string> = {};
  private readonly sessions = new Set<Session>();
  private readonly telnet: TelnetSessions<Session>;
  private server: Server | undefined;
  private udp: UdpSocket | undefined;
  private availability: Availability = 'down';
  private locateTimer: NodeJS.Timeout | undefined;
  private firmwareTimer: NodeJS.Timeout | undefined;
  /** Progress of a running FW_UPDATE, undefined when idle. */
  private firmwareProgress: number | undefined;
  private rebootTimer: NodeJS.Timeout | undefined;
  private rebootWaiters: Array<() => void> = [];
  private firmwareWaiters: Array<() => void> = [];
  private closed = false;
  private readonly plinks: Peripheral[];
  private readonly gate: MisbehaviourGate;
  /** Services still starting after a reboot (`bootMs`): UNIT STATE reads RESTARTING. */
  private booting = false;
  private bootTimer: NodeJS.Timeout | undefined;
  private configured = true;
  private configuring = false;
  /** The running configuration as CONFIG_SAVE returns it; CONFIG_LOAD replaces it. */
  private project: string;
  private projectStamp = 1;
  private configTimer: NodeJS.Timeout | undefined;
  private configWaiters: Array<() => void> = [];
  private voipRestartPending = false;
  /** Per UA line: the SIP settings as written, and those in effect (applied by a VoIP restart or a reboot). */
  private sipWritten: SipSettings[];
  private sipApplied: SipSettings[];
  /** Per UA line: why its last registration failed. */
  private regReasons: Array<string | null>;
  private lastUnitState: UnitState = 'RUNNING';

  constructor(spec: SimulatedDeviceSpec, defaultPort: number, ctx: BoxContext) {
    const endpoints = modelEndpoints[spec.model];
    if (!endpoints)
      throw appError('CONFIG_INVALID', { model: spec.model }, `${spec.model} is not a simulated DSP model`);
    if (!isLoopbackIpv4(spec.address)) throw appError('ADDRESS_NOT_LOOPBACK', { address: spec.address });
    if (!/^\S+$/.test(spec.boxName) || !/^\S+$/.test(spec.stackName)) {
      throw appError('CONFIG_INVALID', { boxName: spec.boxName }, 'Box and stack names cannot contain spaces');
    }
    this.spec = spec;
    this.ctx = ctx;
    this.port = spec.port ?? defaultPort;
    const bfm = (spec.peripherals ?? []).filter((peripheral) => peripheral.model === 'BMA_2').length;
    this.endpoints = bfm > 0 ? { ...endpoints, BFM: bfm } : endpoints;
    this.uaLines = endpoints.UA ?? 0;
    this.credentials = { ...(spec.credentials ?? DEFAULT_CREDENTIALS) };
    this.firmware = spec.firmware;
    this.currentAddress = spec.address;
    this.network = networkDefaults(spec.address);
    this.project = this.projectXml('factory');
    this.temperature = 38 + (hashString(spec.serial) % 120) / 10;
    this.registration = Array.from({ length: this.uaLines }, () => 'REGISTERED');
    this.autoAnswer = Array.from({ length: this.uaLines }, () => '0');
    // Out of the box every line holds an account on the default server, so it registers as before.
    this.sipApplied = Array.from({ length: this.uaLines }, (_, index) => {
      const user = `${spec.boxNumber}${String(index + 1).padStart(2, '0')}`;
      return {
        server: DEFAULT_SIP_SERVER,
        port: 5060,
        transport: 'UDP' as const,
        user,
        authUser: user,
        password: 'tutti-sim',
        extension: user,
        displayName: '',
      };
    });
    this.sipWritten = this.sipApplied.map((settings) => ({ ...settings }));
    this.regReasons = Array.from({ length: this.uaLines }, () => null);
    this.gate = new MisbehaviourGate(hashString(spec.serial));
    this.telnet = new TelnetSessions<Session>({
      settings: ctx,
      gate: this.gate,
      sessions: this.sessions,
      credentials: () => this.credentials,
      log: this.log,
      extra: () => ({ statusBoxes: new Set(), uaSubscriptions: new Set() }),
      command: (session, line) => this.runCommand(session, line),
    });
    const host = {
      serial: spec.serial,
      boxName: spec.boxName,
      firmwareUpdateMs: ctx.firmwareUpdateMs,
      locateTimeoutMs: ctx.locateTimeoutMs,
      configLoadMs: ctx.configLoadMs,
      announce: (payload: string, change?: { value: string; target: string }): void => {
        if (change) this.ctx.emit(this, 'peripheral', change.value, change.target);
        this.sendPeripheralLine(payload);
      },
    };
    this.plinks = (spec.peripherals ?? []).map((peripheral) => new Peripheral(peripheral, host));
  }

  get address(): string {
    return this.currentAddress;
  }

  get up(): boolean {
    return this.availability === 'up';
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  get boxName(): string {
    return this.spec.boxName;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Binds both sockets; starting is not a change, so nothing is announced. */
  async start(): Promise<void> {
    await this.bindDiscovery();
    await this.listen();
    this.availability = 'up';
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.locateTimer);
    clearTimeout(this.rebootTimer);
    clearTimeout(this.bootTimer);
    this.flushRebootWaiters();
    this.gate.close();
    await this.stopListening(false);
    const udp = this.udp;
    this.udp = undefined;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
  }

  async goDown(): Promise<void> {
    if (this.availability === 'down' || this.closed) return;
    clearTimeout(this.rebootTimer);
    this.flushRebootWaiters();
    await this.stopListening(false);
    this.setAvailability('down');
  }

  async comeBack(): Promise<void> {
    if (this.availability === 'up' || this.closed) return;
    clearTimeout(this.rebootTimer);
    await this.listen();
    this.setAvailability('up');
    this.flushRebootWaiters();
  }

  restart(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const back = new Promise<void>((resolve) => this.rebootWaiters.push(resolve));
    void this.reboot();
    return back;
  }

  /** REBOOT: drop every session, refuse connections for `rebootMs`, come back with pending network settings. */
  private async reboot(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.rebootTimer);
    await this.stopListening(true);
    this.setLocateState(false);
    this.setAvailability('restarting');
    this.rebootTimer = setTimeout(() => void this.finishReboot(), this.ctx.rebootMs);
    this.rebootTimer.unref();
  }

  private async finishReboot(): Promise<void> {
    if (this.closed) return;
    const pending = this.pendingNetwork;
    this.pendingNetwork = {};
    if (this.uaLines > 0) this.applySipSettings();
    this.network = { ...this.network, ...pending };
    const nextAddress = this.network.IP_ADDRESS;
    if (nextAddress !== undefined && nextAddress !== this.currentAddress) {
      this.currentAddress = nextAddress;
      await this.rebindDiscovery();
    }
    // Telnet disabled in the network settings keeps the box unreachable over TCP, as configured.
    if (this.network.TELNET_ENABLE === '1') {
      await this.listen();
      if (this.ctx.bootMs > 0) {
        // Telnet answers before the audio and VoIP services are up: the unit says RESTARTING meanwhile.
        this.booting = true;
        this.lastUnitState = this.unitState;
        this.bootTimer = setTimeout(() => {
          this.booting = false;
          this.refreshUnitState();
        }, this.ctx.bootMs).unref();
      }
      this.setAvailability('up');
    }
    this.flushRebootWaiters();
  }

  private flushRebootWaiters(): void {
    flushWaiters(this.rebootWaiters);
  }

  private setAvailability(next: Availability): void {
    if (next === this.availability) return;
    this.availability = next;
    this.ctx.emit(this, 'availability', next);
    this.ctx.stackChanged(this);
  }

  private async listen(): Promise<void> {
    this.server = await listenTelnet(this.currentAddress, this.port, (socket) => this.telnet.accept(socket));
  }

  /** Stops accepting; `graceful` lets a last reply (REBOOT) flush before the sockets close. */
  private async stopListening(graceful: boolean): Promise<void> {
    // Losing power or rebooting aborts a firmware update, a configuration load and peripheral activity.
    clearTimeout(this.firmwareTimer);
    this.firmwareProgress = undefined;
    this.flushFirmwareWaiters();
    clearTimeout(this.configTimer);
    this.configuring = false;
    this.flushConfigWaiters();
    clearTimeout(this.bootTimer);
    this.booting = false;
    this.lastUnitState = this.unitState;
    for (const peripheral of this.plinks) peripheral.hostDown();
    this.gate.close();
    const server = this.server;
    this.server = undefined;
    for (const session of this.sessions) {
      if (graceful) {
        session.socket.end();
        // A client that never closes its side must not hold the reboot up.
        setTimeout(() => session.socket.destroy(), 200).unref();
      } else session.socket.destroy();
    }
    this.sessions.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async bindDiscovery(): Promise<void> {
    this.udp = await bindDiscoveryResponder(this.currentAddress, this.ctx.discoveryPort, (udp, message, remote) => {
      if (this.availability !== 'up' || !isDiscoveryRequest(message.toString('latin1'))) return;
      const answer = this.gate.current.mode === 'garbage' ? this.gate.garbage() : this.discoveryAnswer();
      udp.send(answer, remote.port, remote.address);
    });
  }

  private async rebindDiscovery(): Promise<void> {
    const old = this.udp;
    this.udp = undefined;
    if (old) await new Promise<void>((resolve) => old.close(() => resolve()));
    await this.bindDiscovery();
  }

  private discoveryAnswer(): string {
    return formatDiscoveryAnswer({
      model: this.spec.model,
      boxName: this.spec.boxName,
      serial: this.spec.serial,
      mac: this.spec.mac,
      ip: this.currentAddress,
      telnetPort: this.port,
      stackName: this.spec.stackName,
    });
  }

  // ---------------------------------------------------------------- fault controls

  setLocate(on: boolean): void {
    this.setLocateState(on);
  }

  setSafetyMute(on: boolean): void {
    for (const peer of this.liveStackPeers()) peer.setSafetyMuteState(on);
    if (!this.up) this.setSafetyMuteState(on);
  }

  setTemperature(celsius: number): void {
    if (!Number.isFinite(celsius)) throw appError('CONFIG_INVALID', { celsius }, 'Temperature must be a number');
    const rounded = Math.round(celsius * 10) / 10;
    if (rounded === this.temperature) return;
    this.temperature = rounded;
    this.statusChanged(systemCommands.temperature, rounded.toFixed(1), 'temperature');
  }

  setRegistration(state: RegistrationState, line?: number): void {
    if (this.uaLines === 0) {
      throw appError('CONFIG_INVALID', { model: this.spec.model }, `${this.spec.model} has no VoIP lines`);
    }
    const lines = line === undefined ? this.registration.map((_, index) => index + 1) : [line];
    for (const number of lines) {
      if (!Number.isInteger(number) || number < 1 || number > this.uaLines) {
        throw appError('CONFIG_INVALID', { line: number }, `UA line ${number} does not exist`);
      }
      this.setRegistrationState(number, state, state === 'FAILED' ? '503 Service Unavailable' : null);
    }
  }

  setFirmware(version: string): void {
    if (version === this.firmware) return;
    this.firmware = version;
    this.ctx.emit(this, 'firmware', version);
    this.ctx.stackChanged(this);
  }

  setCredentials(username: string, password: string): void {
    this.credentials = { username, password };
    this.ctx.emit(this, 'credentials', username);
  }

  get unitState(): UnitState {
    if (this.booting) return 'RESTARTING';
    if (this.firmwareProgress !== undefined) return 'UPDATING_FIRMWARE';
    if (this.configuring) return 'CONFIGURING';
    return this.configured ? 'RUNNING' : 'UNCONFIGURED';
  }

  setConfigured(configured: boolean): void {
    if (configured === this.configured) return;
    this.configured = configured;
    this.ctx.emit(this, 'config', configured ? 'CONFIGURED' : 'UNCONFIGURED');
    this.refreshUnitState();
  }

  loadConfig(token = 'project.pccp2x'): Promise<void> {
    if (!this.up || this.configuring) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.configWaiters.push(resolve));
    this.startConfigLoad(systemCommandLine(this.spec.boxName, 'configLoad'), token);
    return done;
  }

  updateFirmware(token = 'firmware.bin'): Promise<void> {
    if (!this.up || this.firmwareProgress !== undefined) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.firmwareWaiters.push(resolve));
    this.startFirmwareUpdate(systemCommandLine(this.spec.boxName, 'firmwareUpdate'), token);
    return done;
  }

  setVoipRestartPending(pending: boolean): void {
    if (this.uaLines === 0) {
      throw appError('CONFIG_INVALID', { model: this.spec.model }, `${this.spec.model} has no VoIP lines`);
    }
    if (pending === this.voipRestartPending) return;
    this.voipRestartPending = pending;
    this.statusChanged(systemCommands.voipRestartPending, pending ? '1' : '0', 'voip_restart_pending');
  }

  peripherals(): SimulatedPeripheral[] {
    return [...this.plinks];
  }

  get misbehaviour(): Misbehaviour {
    return this.gate.current;
  }

  setMisbehaviour(misbehaviour: Misbehaviour): void {
    this.gate.set(
      misbehaviour,
      [...this.sessions].map((session) => session.socket),
    );
    this.ctx.emit(this, 'misbehaviour', misbehaviour.mode);
  }

  setCommunicationService(): void {
    throw this.notACodec();
  }

  setCall(): void {
    throw this.notACodec();
  }

  setStandby(): void {
    throw this.notACodec();
  }

  private notACodec(): Error {
    return appError('CONFIG_INVALID', { model: this.spec.model }, `${this.spec.model} is not a COLLABORATE Live codec`);
  }

  /** Announces UNIT STATE when what the unit is busy with changed. */
  private refreshUnitState(): void {
    const next = this.unitState;
    if (next === this.lastUnitState) return;
    this.lastUnitState = next;
    this.statusChanged(systemCommands.unitState, next, 'unit_state');
  }

  /** A project of this box as CONFIGURE writes it (a stand-in for the `.PCCP2X` XML), stamped per load. */
  private projectXml(source: string): string {
    const { model, boxName, stackName } = this.spec;
    return (
      `<?xml version="1.0" encoding="UTF-8"?><Root Version="9"><Project Model="${model}" Box="${boxName}" ` +
      `Stack="${stackName}" Stamp="${this.projectStamp}" Source="${source.replace(/[^\w.-]/g, '_')}">` +
      `<Settings NtpServer="pool.ntp.org" SafetyMute="0" SipPort="5060" RtpBase="30000"/></Project></Root>`
    );
  }

  /** What a CONFIG_LOAD token installs: the project it carries (DATA:), or a new one named after the token. */
  private projectOf(token: string): { project: string } | { failure: string } {
    if (!token.startsWith(CONFIG_DATA_PREFIX)) {
      // A named token asks for a failure by containing "fail"; carried data is judged by its contents only (its
      // base64 may hold those letters by chance).
      if (/fail/i.test(token)) return { failure: 'BAD_PROJECT' };
      this.projectStamp += 1;
      return { project: this.projectXml(token) };
    }
    const project = Buffer.from(token.slice(CONFIG_DATA_PREFIX.length), 'base64').toString('utf8');
    const model = /<Project Model="([A-Z0-9_]+)"/.exec(project)?.[1];
    if (!project.includes('<Root Version="9">') || !model) return { failure: 'BAD_PROJECT' };
    if (model !== this.spec.model) return { failure: 'WRONG_MODEL' };
    return { project };
  }

  /** CONFIG_LOAD (§6.5): CONFIGURING for `configLoadMs`, then DONE (configured) or FAILED for a `fail` token. */
  private startConfigLoad(path: string, token: string): void {
    this.configuring = true;
    this.ctx.emit(this, 'config', configLoadWords.started, token.slice(0, 64));
    this.refreshUnitState();
    this.configTimer = setTimeout(() => {
      this.configuring = false;
      const outcome = this.projectOf(token);
      if ('failure' in outcome) {
        this.sendToBoxSessions(`${path} ${configLoadWords.failed} ${outcome.failure}`);
        this.ctx.emit(this, 'config', configLoadWords.failed, token.slice(0, 64));
      } else {
        this.project = outcome.project;
        this.configured = true;
        this.sendToBoxSessions(`${path} ${configLoadWords.done}`);
        this.ctx.emit(this, 'config', configLoadWords.done, token.slice(0, 64));
      }
      this.refreshUnitState();
      this.flushConfigWaiters();
    }, this.ctx.configLoadMs).unref();
  }

  private flushConfigWaiters(): void {
    flushWaiters(this.configWaiters);
  }

  private flushFirmwareWaiters(): void {
    flushWaiters(this.firmwareWaiters);
  }

  // ---------------------------------------------------------------- state changes

  /**
   * Simulated FW_UPDATE (§6.5): progress in four steps over `firmwareUpdateMs`, then DONE and a reboot.
   * A token naming a version (`cp2-5.3.0.1.bin`, `tutti-converge_pro_2-5.4.bin`) installs it; a token containing
   * `fail` fails.
   */
  private startFirmwareUpdate(path: string, token: string): void {
    const version =
      /\d+(?:\.\d+){1,3}(?=\.bin$|$)/.exec(token)?.[0] ??
      this.firmware.replace(/\d+$/, (last) => String(Number(last) + 1));
    this.firmwareProgress = 0;
    this.ctx.emit(this, 'firmware_update', firmwareUpdateWords.started, token);
    this.refreshUnitState();
    const step = (): void => {
      const progress = (this.firmwareProgress ?? 0) + 25;
      if (progress < 100) {
        this.firmwareProgress = progress;
        this.sendToBoxSessions(`${path} ${firmwareUpdateWords.progress} ${progress}`);
        this.firmwareTimer = setTimeout(step, this.ctx.firmwareUpdateMs / 4).unref();
        return;
      }
      this.firmwareProgress = undefined;
      this.sendToBoxSessions(`${path} ${firmwareUpdateWords.progress} 100`);
      if (/fail/i.test(token)) {
        this.sendToBoxSessions(`${path} ${firmwareUpdateWords.failed} BAD_IMAGE`);
        this.ctx.emit(this, 'firmware_update', firmwareUpdateWords.failed, token);
        this.refreshUnitState();
        this.flushFirmwareWaiters();
        return;
      }
      // Whoever waits for the update waits for the reboot that installs it.
      this.rebootWaiters.push(...this.firmwareWaiters.splice(0));
      this.sendToBoxSessions(`${path} ${firmwareUpdateWords.done} ${version}`);
      this.ctx.emit(this, 'firmware_update', firmwareUpdateWords.done, token);
      this.setFirmware(version);
      void this.reboot();
    };
    this.firmwareTimer = setTimeout(step, this.ctx.firmwareUpdateMs / 4).unref();
  }

  private sendToBoxSessions(payload: string): void {
    for (const session of this.sessions) if (session.phase === 'ready') this.write(session, payload);
  }

  private setLocateState(on: boolean): void {
    clearTimeout(this.locateTimer);
    this.locateTimer = undefined;
    if (on) {
      // The LED turns itself off (LocateTimeout in the project file); one timer only while it is lit.
      this.locateTimer = setTimeout(() => this.setLocateState(false), this.ctx.locateTimeoutMs);
      this.locateTimer.unref();
    }
    if (on === this.locate) return;
    this.locate = on;
    this.statusChanged(systemCommands.locate, on ? '1' : '0', 'locate');
  }

  private setSafetyMuteState(on: boolean): void {
    if (on === this.safetyMute) return;
    this.safetyMute = on;
    this.statusChanged(systemCommands.safetyMute, on ? '1' : '0', 'safety_mute');
  }

  private setRegistrationState(line: number, state: RegistrationState, reason: string | null): void {
    if (this.regReasons[line - 1] !== reason) {
      this.regReasons[line - 1] = reason;
      this.sendStatusLine(
        `EP UA ${this.epn(line)} ${REG_STATUS_BLOCK} ${REG_REASON_PARAM} ${reason ?? SIP_VALUE_NONE}`,
      );
    }
    if (this.registration[line - 1] === state) return;
    this.registration[line - 1] = state;
    const epn = this.epn(line);
    this.ctx.emit(this, 'registration', state, `UA ${epn}`);
    this.sendStatusLine(`EP UA ${epn} ${REG_STATUS_BLOCK} ${REG_STATUS_PARAM} ${state}`);
    const type = regNotification(state);
    if (type) this.sendUaNotification(epn, type, `EP UA ${epn} NOTIFICATION ${type}`);
  }

  private sipAccount(line: number): SipAccount {
    const written = this.sipWritten[line - 1]!;
    return {
      server: written.server,
      port: written.port,
      transport: written.transport,
      user: written.user,
      authUser: written.authUser,
      extension: written.extension,
      displayName: written.displayName,
      pending: !sameSipSettings(written, this.sipApplied[line - 1]!),
    };
  }

  private announceSipAccount(line: number): void {
    this.sendStatusLine(
      `EP UA ${this.epn(line)} ${REG_STATUS_BLOCK} ${SIP_ACCOUNT_PARAM} ${formatSipAccount(this.sipAccount(line))}`,
    );
  }

  /** VoIP restart (or reboot): written settings take effect and every line registers again with the registrar. */
  private applySipSettings(): void {
    for (let line = 1; line <= this.uaLines; line += 1) {
      const changed = !sameSipSettings(this.sipWritten[line - 1]!, this.sipApplied[line - 1]!);
      this.sipApplied[line - 1] = { ...this.sipWritten[line - 1]! };
      if (changed) this.announceSipAccount(line);
      if (this.registration[line - 1] === 'DISABLED') continue;
      const outcome = decideRegistration(this.ctx.registrar, this.sipApplied[line - 1]!);
      if (outcome.registered) this.setRegistrationState(line, 'REGISTERED', null);
      else this.setRegistrationState(line, 'FAILED', outcome.reason);
    }
    this.setVoipRestartPending(false);
  }

  /** `EP UA <epn> SETTINGS <SIP param> [value]`: reads, or writes and leaves the change pending until a restart. */
  private executeSipSetting(channel: number, field: SipSettingField, path: string, values: string[]): Outcome {
    const written = this.sipWritten[channel - 1]!;
    if (values.length === 0) {
      if (field === 'password')
        return { payload: `${path} ${written.password === '' ? SIP_VALUE_NONE : SIP_PASSWORD_MASK}` };
      const value = String(written[field]);
      return { payload: `${path} ${value === '' ? SIP_VALUE_NONE : value}`.trimEnd() };
    }
    if (field !== 'displayName' && values.length > 1) return errorPayloads.invalidParameters;
    const next = withSipSetting(written, field, values.join(' '));
    if (typeof next === 'string') return next;
    this.sipWritten[channel - 1] = next;
    const shown = field === 'password' ? SIP_PASSWORD_MASK : values.join(' ');
    this.ctx.emit(
      this,
      'voip_settings',
      field === 'password' ? SIP_PASSWORD_MASK : shown,
      `UA ${this.epn(channel)} ${sipSettingParams[field]}`,
    );
    this.announceSipAccount(channel);
    if (this.sipAccount(channel).pending) this.setVoipRestartPending(true);
    const line = `${path} ${shown}`;
    return { payload: line, echo: { line, statusBox: undefined } };
  }

  /** Sets the stack view without announcing it: the state at start is a baseline, not a change. */
  initStackStatus(): void {
    this.lastStackStatus = formatStackStatus(this.computeStackStatus());
  }

  /** Recomputes this box's view of its stack; announces it when it changed. */
  refreshStackStatus(): void {
    const next = formatStackStatus(this.computeStackStatus());
    if (next === this.lastStackStatus) return;
    this.lastStackStatus = next;
    this.statusChanged(systemCommands.stackStatus, next, 'stack_status');
  }

  private computeStackStatus(): StackStatus {
    const live = this.liveStackPeers();
    const expected = this.spec.expectedStackSize ?? this.ctx.stackPeers(this).length;
    const present = new Set(live.map((peer) => peer.spec.boxNumber));
    const missing: number[] = [];
    for (let number = 1; number <= expected; number += 1) if (!present.has(number)) missing.push(number);
    // The lowest-numbered live box is the reference, so every member reports the same mismatch list.
    const reference = [...live].sort((a, b) => a.spec.boxNumber - b.spec.boxNumber)[0];
    const mismatched = live
      .filter(
        (peer) =>
          peer.spec.boxNumber > expected ||
          (reference !== undefined &&
            (peer.firmware !== reference.firmware ||
              modelInfo(peer.spec.model).family !== modelInfo(reference.spec.model).family)),
      )
      .map((peer) => peer.spec.boxNumber)
      .sort((a, b) => a - b);
    const state = mismatched.length > 0 ? 'MISMATCHED' : missing.length > 0 ? 'INCOMPLETE' : 'OK';
    return { state, missing, mismatched };
  }

  private statusChanged(
    command: (typeof systemCommands)[SystemCommand],
    value: string,
    kind: SimulatorChangeKind,
  ): void {
    this.ctx.emit(this, kind, value);
    this.sendStatusLine(`BOX ${this.spec.boxName} ${command.block} ${command.param} ${value}`);
  }

  // ---------------------------------------------------------------- fan-out

  private liveStackPeers(): Box[] {
    return this.ctx.stackPeers(this).filter((peer) => peer.up);
  }

  private *stackSessions(): Generator<Session> {
    for (const peer of this.liveStackPeers()) {
      for (const session of peer.sessions) if (session.phase === 'ready') yield session;
    }
  }

  private write(session: Session, payload: string): void {
    this.telnet.write(session, payload);
  }

  /** Status line to every session subscribed to this box's status, on any box of the stack. */
  private sendStatusLine(payload: string): void {
    for (const session of this.stackSessions()) {
      if (session.statusBoxes.has(this.spec.boxName)) this.write(session, payload);
    }
  }

  /** Peripheral lines: every session of this box, and subscribers to this box's status on other members. */
  private sendPeripheralLine(payload: string): void {
    for (const session of this.stackSessions()) {
      if (this.sessions.has(session) || session.statusBoxes.has(this.spec.boxName)) this.write(session, payload);
    }
  }

  private sendUaNotification(epn: string, type: UaNotificationType, payload: string): void {
    for (const session of this.stackSessions()) {
      if (session.uaSubscriptions.has(`${epn} ${type}`)) this.write(session, payload);
    }
  }

  /** Change fan-out (§6.3): a session's write echoed to the other sessions, unless a status line already told them. */
  private echo(origin: Session, line: string, statusBox: string | undefined): void {
    if (!this.ctx.fanOut) return;
    for (const session of this.stackSessions()) {
      if (session === origin || (statusBox !== undefined && session.statusBoxes.has(statusBox))) continue;
      this.write(session, line);
    }
  }

  // ---------------------------------------------------------------- sessions

  /** A logged-in session's line: reply first, then unsolicited lines, then the fan-out echo (§6.2, §6.3). */
  private runCommand(session: Session, line: string): void {
    const outcome = this.telnet.reply(
      session,
      () => this.execute(session, line, true),
      (done) => (typeof done === 'string' ? done : done.payload),
    );
    if (typeof outcome !== 'string' && outcome.echo) this.echo(session, outcome.echo.line, outcome.echo.statusBox);
  }

  // ---------------------------------------------------------------- commands

  private execute(session: Session, line: string, allowMacros: boolean): Outcome {
    const tokens = parseCommand(line);
    const verb = tokens[0];
    if (verb === 'BOX') return this.executeBox(session, tokens);
    if (verb === 'EP') return this.executeEp(session, tokens);
    if (verb === 'RAMP') return this.executeRamp(session, tokens);
    if (verb === 'MCCF' && allowMacros) return this.executeMacro(session, tokens);
    return errorPayloads.invalidCommand;
  }

  private executeMacro(session: Session, tokens: string[]): Outcome {
    const name = tokens[1];
    const lines = name === undefined || tokens.length !== 2 ? undefined : this.spec.macros?.[name];
    if (!lines) return errorPayloads.invalidParameters;
    for (const macroLine of lines) {
      const outcome = this.execute(session, macroLine, false);
      if (typeof outcome !== 'string' && outcome.echo) this.echo(session, outcome.echo.line, outcome.echo.statusBox);
    }
    return { payload: `MCCF ${name}` };
  }

  private executeBox(session: Session, tokens: string[]): Outcome {
    const [, name, block, param, ...values] = tokens;
    if (name === undefined || block === undefined || param === undefined) return errorPayloads.invalidCommand;
    // BOX commands may name any box of the stack, as EP numbers may (§2.1).
    const target = this.liveStackPeers().find((peer) => peer.spec.boxName === name);
    if (!target) return errorPayloads.invalidBoxName;
    if (block === PLINK_BLOCK && /^\d+$/.test(param)) return target.executePlink(Number(param), values);
    const command = systemCommandFor(block, param);
    if (!command) return errorPayloads.invalidParameters;
    return target.executeSystem(session, command, tokens.slice(0, 4).join(' '), values);
  }

  private executePlink(port: number, tokens: string[]): Outcome {
    const peripheral = this.plinks.find((candidate) => candidate.spec.plink === port);
    if (!peripheral) return errorPayloads.endpointNotPresent;
    const outcome = peripheral.execute(tokens);
    return typeof outcome === 'string' ? outcome : { payload: outcome.payload };
  }

  private executeSystem(session: Session, command: SystemCommand, path: string, values: string[]): Outcome {
    const read = (value: string): Outcome =>
      values.length === 0 ? { payload: `${path} ${value}` } : errorPayloads.invalidParameters;
    const value = values[0];
    switch (command) {
      case 'model':
        return read(this.spec.model);
      case 'serial':
        return read(this.spec.serial);
      case 'firmware':
        return read(this.firmware);
      case 'hostDspVersion':
        return read(this.firmware);
      case 'fpgaVersion':
        return read('2.0.0.14');
      case 'telcoDspVersion':
        return read(this.endpoints.TELCO_RX ? '1.4.0.2' : 'NA');
      case 'ampDspVersion':
        return read(this.endpoints.SPEAKER ? '1.1.0.6' : 'NA');
      case 'mac':
        return read(this.spec.mac);
      case 'boxNumber':
        return read(String(this.spec.boxNumber));
      case 'stackName':
        return read(this.spec.stackName);
      case 'temperature':
        return read(this.temperature.toFixed(1));
      case 'stackBoxes':
        return read(
          formatStackMembers(
            this.liveStackPeers()
              .sort((a, b) => a.spec.boxNumber - b.spec.boxNumber)
              .map((peer) => ({ boxNumber: peer.spec.boxNumber, boxName: peer.spec.boxName })),
          ),
        );
      case 'stackStatus':
        return read(this.lastStackStatus);
      case 'plinkDevices':
        return read(this.plinkList());
      case 'locate':
      case 'safetyMute': {
        if (value === undefined) return read(String(Number(command === 'locate' ? this.locate : this.safetyMute)));
        if (values.length > 1) return errorPayloads.invalidParameters;
        if (!isBinary(value)) return errorPayloads.outOfRange;
        if (command === 'locate') this.setLocateState(value === '1');
        else this.setSafetyMute(value === '1');
        return { payload: `${path} ${value}`, echo: { line: `${path} ${value}`, statusBox: this.spec.boxName } };
      }
      case 'statusNotification': {
        if (value === undefined) return read(session.statusBoxes.has(this.spec.boxName) ? '1' : '0');
        if (values.length > 1) return errorPayloads.invalidParameters;
        if (!isBinary(value)) return errorPayloads.outOfRange;
        if (value === '1') session.statusBoxes.add(this.spec.boxName);
        else session.statusBoxes.delete(this.spec.boxName);
        return { payload: `${path} ${value}` };
      }
      case 'firmwareUpdate':
        if (value === undefined) {
          return read(
            this.firmwareProgress === undefined
              ? firmwareUpdateWords.idle
              : `${firmwareUpdateWords.progress} ${this.firmwareProgress}`,
          );
        }
        if (values.length > 1 || this.firmwareProgress !== undefined) return errorPayloads.invalidParameters;
        this.startFirmwareUpdate(path, value);
        return { payload: `${path} ${firmwareUpdateWords.started}` };
      case 'unitState':
        return read(this.unitState);
      case 'configLoad':
        if (value === undefined)
          return read(this.configuring ? 'CONFIGURING' : this.configured ? 'CONFIGURED' : 'NONE');
        if (values.length > 1 || this.configuring) return errorPayloads.invalidParameters;
        this.startConfigLoad(path, value);
        return { payload: `${path} ${configLoadWords.started}` };
      case 'configSave':
        return read(Buffer.from(this.project, 'utf8').toString('base64'));
      case 'voipRestartPending':
        if (this.uaLines === 0) return errorPayloads.endpointNotPresent;
        return read(this.voipRestartPending ? '1' : '0');
      case 'voipRestart':
        if (this.uaLines === 0) return errorPayloads.endpointNotPresent;
        if (values.length > 0) return errorPayloads.invalidParameters;
        this.applySipSettings();
        return { payload: path };
      case 'reboot': {
        if (values.length > 0) return errorPayloads.invalidParameters;
        // The reply must reach the client before the sockets close.
        setImmediate(() => void this.reboot());
        return { payload: path };
      }
      case 'password':
      case 'username': {
        const changed = changeLogin(this.credentials, command, path, values);
        if (typeof changed === 'string') return changed;
        // The login is stack-wide: every unit of the stack takes the new username or password.
        for (const peer of this.ctx.stackPeers(this)) {
          peer.credentials =
            command === 'password'
              ? { username: peer.credentials.username, password: changed.next.password }
              : { username: changed.next.username, password: peer.credentials.password };
          this.ctx.emit(peer, 'credentials', peer.credentials.username);
        }
        return { payload: changed.reply };
      }
      case 'log': {
        if (value === undefined) return read(this.log.range().join(' '));
        const line = values.length === 1 && /^\d+$/.test(value) ? this.log.line(Number(value)) : undefined;
        return line === undefined ? errorPayloads.outOfRange : { payload: `${path} ${value} ${line}` };
      }
      case 'dhcpEnable':
      case 'ipAddress':
      case 'subnetMask':
      case 'gateway':
      case 'dns1':
      case 'dns2':
      case 'domainName':
      case 'linkStatus':
      case 'telnetEnable':
      case 'ftpEnable':
        return this.executeNetwork(command, path, values);
    }
  }

  private executeNetwork(command: SystemCommand, path: string, values: string[]): Outcome {
    const param = systemCommands[command].param;
    const value = values[0];
    if (value === undefined) return { payload: `${path} ${this.pendingNetwork[param] ?? this.network[param] ?? ''}` };
    if (values.length > 1 || command === 'linkStatus') return errorPayloads.invalidParameters;
    if (booleanNetworkParams.has(param) && !isBinary(value)) return errorPayloads.outOfRange;
    if (addressNetworkParams.has(param) && !isIpv4(value)) return errorPayloads.outOfRange;
    // Simulated units live on loopback only; another address could never be bound.
    if (command === 'ipAddress' && !isLoopbackIpv4(value)) return errorPayloads.outOfRange;
    this.pendingNetwork[param] = value;
    this.ctx.emit(this, 'network', value, param);
    return { payload: `${path} ${value}`, echo: { line: `${path} ${value}`, statusBox: undefined } };
  }

  private plinkList(): string {
    return formatPlinkDevices(this.spec.peripherals ?? []);
  }

  private epn(channel: number): string {
    return `${this.spec.boxNumber}${String(channel).padStart(2, '0')}`;
  }

  /** Resolves `EPT EPN` to the owning box and channel, or an error payload. */
  private resolveEndpoint(type: string, epn: string): { box: Box; type: EndpointType; channel: number } | ErrorPayload {
    if (!isEndpointType(type) || !/^\d{3}$/.test(epn)) return errorPayloads.invalidParameters;
    const boxNumber = Number(epn[0]);
    const channel = Number(epn.slice(1));
    if (boxNumber === 0 || channel === 0 || channel > (maxChannels.get(type) ?? 0)) {
      return errorPayloads.invalidParameters;
    }
    const box = this.liveStackPeers().find((peer) => peer.spec.boxNumber === boxNumber);
    if (!box || channel > (box.endpoints[type] ?? 0)) return errorPayloads.endpointNotPresent;
    return { box, type, channel };
  }

  private executeEp(session: Session, tokens: string[]): Outcome {
    const target = tokens[1];
    if (target === undefined) return errorPayloads.invalidCommand;
    const numeric = isEndpointType(target);
    let resolved: ReturnType<Box['resolveEndpoint']>;
    if (numeric) resolved = this.resolveEndpoint(target, tokens[2] ?? '');
    else {
      const address = this.spec.channelLabels?.[target];
      if (address === undefined) return errorPayloads.invalidParameters;
      const [type = '', epn = ''] = address.split(' ');
      resolved = this.resolveEndpoint(type, epn);
    }
    if (typeof resolved === 'string') return resolved;
    const pathLength = numeric ? 5 : 4;
    if (tokens.length < pathLength) return errorPayloads.invalidCommand;
    const [block = '', param = ''] = tokens.slice(pathLength - 2, pathLength);
    const path = tokens.slice(0, pathLength).join(' ');
    const values = tokens.slice(pathLength);
    return resolved.box.executeEndpoint(session, resolved.type, resolved.channel, block, param, path, values);
  }

  private executeEndpoint(
    session: Session,
    type: EndpointType,
    channel: number,
    block: string,
    param: string,
    path: string,
    values: string[],
  ): Outcome {
    if (type === 'UA') return this.executeUa(session, channel, block, param, path, values);
    if (block !== 'LEVEL' || !isLevelParam(param)) return errorPayloads.invalidParameters;
    const key = `${type} ${channel}`;
    const level = this.levels.get(key) ?? defaultLevel();
    const rel = values.at(-1) === 'REL';
    const writeValues = rel ? values.slice(0, -1) : values;
    if (writeValues.length === 0) {
      return rel ? errorPayloads.invalidParameters : { payload: `${path} ${readLevel(level, param)}` };
    }
    if (writeValues.length > 1 || writeValues[0] === undefined) return errorPayloads.invalidParameters;
    const changed = writeLevel(level, param, writeValues[0], rel);
    if (typeof changed === 'string') return changed;
    this.levels.set(key, level);
    for (const name of changed) {
      this.ctx.emit(this, 'endpoint', readLevel(level, name), `${type} ${this.epn(channel)} LEVEL ${name}`);
    }
    const line = `${path} ${readLevel(level, param)}`;
    return { payload: line, echo: changed.length > 0 ? { line, statusBox: undefined } : undefined };
  }

  private executeUa(
    session: Session,
    channel: number,
    block: string,
    param: string,
    path: string,
    values: string[],
  ): Outcome {
    const epn = this.epn(channel);
    const value = values[0];
    const sipField = block === 'SETTINGS' ? sipParamFields.get(param) : undefined;
    if (sipField) return this.executeSipSetting(channel, sipField, path, values);
    if (values.length > 1 && block !== 'KEY') return errorPayloads.invalidParameters;
    switch (block) {
      case 'INQUIRE': {
        if (value !== undefined) return errorPayloads.invalidParameters;
        switch (param) {
          case REG_STATUS_PARAM:
            return { payload: `${path} ${this.registration[channel - 1] ?? 'DISABLED'}` };
          case REG_REASON_PARAM:
            return { payload: `${path} ${this.regReasons[channel - 1] ?? SIP_VALUE_NONE}` };
          case SIP_ACCOUNT_PARAM:
            return { payload: `${path} ${formatSipAccount(this.sipAccount(channel))}` };
          case 'ACTIVE_PARTIES':
            return { payload: `${path} 1;IDLE` };
          case 'DND_STATUS':
            return { payload: `${path} 0` };
          default:
            return errorPayloads.invalidParameters;
        }
      }
      case 'NOTIFICATION': {
        if (!(uaNotificationTypes as readonly string[]).includes(param)) return errorPayloads.invalidParameters;
        const key = `${epn} ${param}`;
        if (value === undefined || value === '1') session.uaSubscriptions.add(key);
        else if (value === '0') session.uaSubscriptions.delete(key);
        else return errorPayloads.outOfRange;
        return { payload: `${path} ${value ?? '1'}` };
      }
      case 'SETTINGS': {
        if (param !== 'AUTO_ANSWER') return errorPayloads.invalidParameters;
        if (value === undefined) return { payload: `${path} ${this.autoAnswer[channel - 1] ?? '0'}` };
        if (!isBinary(value)) return errorPayloads.outOfRange;
        this.autoAnswer[channel - 1] = value;
        return { payload: `${path} ${value}`, echo: { line: `${path} ${value}`, statusBox: undefined } };
      }
      case 'KEY':
        // Call control is accepted and echoed; calls themselves are not simulated.
        return param.startsWith('KEY_') ? { payload: [path, ...values].join(' ') } : errorPayloads.invalidParameters;
      default:
        return errorPayloads.invalidParameters;
    }
  }

  private executeRamp(session: Session, tokens: string[]): Outcome {
    // RAMP <EPT> <EPN> <TARGET_DB> <STEP>: the simulator jumps straight to the target.
    const [, type, epn, targetDb, step] = tokens;
    if (
      type === undefined ||
      epn === undefined ||
      targetDb === undefined ||
      step === undefined ||
      tokens.length !== 5
    ) {
      return errorPayloads.invalidCommand;
    }
    const resolved = this.resolveEndpoint(type, epn);
    if (typeof resolved === 'string') return resolved;
    const outcome = resolved.box.executeEndpoint(
      session,
      resolved.type,
      resolved.channel,
      'LEVEL',
      'GAIN',
      `EP ${type} ${epn} LEVEL GAIN`,
      [targetDb],
    );
    if (typeof outcome === 'string') return outcome;
    return { payload: tokens.join(' '), echo: outcome.echo };
  }
}

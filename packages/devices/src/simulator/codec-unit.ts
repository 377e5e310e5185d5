import type { Socket as UdpSocket } from 'node:dgram';
import type { Server } from 'node:net';
import { appError, isLoopbackIpv4, modelInfo } from '@tutti/protocol';
import { parseCommand } from '../codec.ts';
import { DeviceLog } from '../device-log.ts';
import { formatDiscoveryAnswer, isDiscoveryRequest } from '../discovery.ts';
import {
  CODEC_STACK_NONE,
  CODEC_VERB,
  codecParams,
  errorPayloads,
  systemCommandFor,
  type CodecCallState,
  type CodecServiceState,
  type SystemCommand,
  type UnitState,
} from '../system-commands.ts';
import { DEFAULT_CREDENTIALS, type BoxContext } from './box.ts';
import { changeLogin } from './login-change.ts';
import { MisbehaviourGate } from './misbehaviour.ts';
import type { Credentials, Misbehaviour, SimulatedDevice, SimulatedDeviceSpec, SimulatedPeripheral } from './types.ts';
import { hashString } from './random.ts';
import {
  bindDiscoveryResponder,
  flushWaiters,
  listenTelnet,
  TelnetSessions,
  type TelnetSession,
} from './telnet-session.ts';

interface CodecSession extends TelnetSession {
  subscribed: boolean;
}

/**
 * One simulated COLLABORATE Live codec (DEVICE-PROTOCOL §6.6, all [INV]): the DSP login and framing,
 * `BOX <name> UNIT …` identity, and `CODEC CALL_STATUS | STANDBY | SERVICE_STATUS | DIAL | HANGUP`.
 * Its own loopback address, telnet port and discovery answer (stack `NONE`).
 */
export class CodecUnit implements SimulatedDevice {
  readonly spec: SimulatedDeviceSpec;
  readonly port: number;
  readonly uaLines = 0;
  private readonly ctx: BoxContext;
  private credentials: Credentials;
  readonly log = new DeviceLog();
  private firmware: string;
  private callStatus: CodecCallState = 'IDLE';
  private standby = false;
  private serviceStatus: CodecServiceState = 'OK';
  private readonly sessions = new Set<CodecSession>();
  private readonly telnet: TelnetSessions<CodecSession>;
  private readonly gate: MisbehaviourGate;
  private server: Server | undefined;
  private udp: UdpSocket | undefined;
  private availability: 'up' | 'down' | 'restarting' = 'down';
  private rebootTimer: NodeJS.Timeout | undefined;
  private rebootWaiters: Array<() => void> = [];
  private closed = false;

  constructor(spec: SimulatedDeviceSpec, defaultPort: number, ctx: BoxContext) {
    if (modelInfo(spec.model).family !== 'collaborate_live') {
      throw appError('CONFIG_INVALID', { model: spec.model }, `${spec.model} is not a COLLABORATE Live codec`);
    }
    if (!isLoopbackIpv4(spec.address)) throw appError('ADDRESS_NOT_LOOPBACK', { address: spec.address });
    if (!/^\S+$/.test(spec.boxName)) throw appError('CONFIG_INVALID', { boxName: spec.boxName }, 'No spaces in names');
    this.spec = spec;
    this.ctx = ctx;
    this.port = spec.port ?? defaultPort;
    this.credentials = { ...(spec.credentials ?? DEFAULT_CREDENTIALS) };
    this.firmware = spec.firmware;
    this.gate = new MisbehaviourGate(hashString(spec.serial));
    this.telnet = new TelnetSessions<CodecSession>({
      settings: ctx,
      gate: this.gate,
      sessions: this.sessions,
      credentials: () => this.credentials,
      log: this.log,
      extra: () => ({ subscribed: false }),
      command: (session, line) => {
        this.telnet.reply(
          session,
          () => this.execute(session, parseCommand(line)),
          (reply) => reply,
        );
      },
    });
  }

  get address(): string {
    return this.spec.address;
  }
  get up(): boolean {
    return this.availability === 'up';
  }
  get sessionCount(): number {
    return this.sessions.size;
  }
  get unitState(): UnitState {
    return this.availability === 'restarting' ? 'RESTARTING' : 'RUNNING';
  }
  get misbehaviour(): Misbehaviour {
    return this.gate.current;
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    await this.bindDiscovery();
    await this.listen();
    this.availability = 'up';
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.rebootTimer);
    this.flushRebootWaiters();
    await this.stopListening();
    const udp = this.udp;
    this.udp = undefined;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
  }

  async goDown(): Promise<void> {
    if (this.availability === 'down' || this.closed) return;
    clearTimeout(this.rebootTimer);
    this.flushRebootWaiters();
    await this.stopListening();
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

  private async reboot(): Promise<void> {
    clearTimeout(this.rebootTimer);
    await this.stopListening();
    this.callStatus = 'IDLE';
    this.setAvailability('restarting');
    this.rebootTimer = setTimeout(() => void this.comeBack(), this.ctx.rebootMs).unref();
  }

  private flushRebootWaiters(): void {
    flushWaiters(this.rebootWaiters);
  }

  private setAvailability(next: 'up' | 'down' | 'restarting'): void {
    if (next === this.availability) return;
    this.availability = next;
    this.ctx.emit(this, 'availability', next);
  }

  private async listen(): Promise<void> {
    this.server = await listenTelnet(this.address, this.port, (socket) => this.telnet.accept(socket));
  }

  private async stopListening(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.gate.close();
    for (const session of this.sessions) session.socket.destroy();
    this.sessions.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async bindDiscovery(): Promise<void> {
    this.udp = await bindDiscoveryResponder(this.address, this.ctx.discoveryPort, (udp, message, remote) => {
      if (this.availability !== 'up' || !isDiscoveryRequest(message.toString('latin1'))) return;
      const answer =
        this.gate.current.mode === 'garbage'
          ? this.gate.garbage()
          : formatDiscoveryAnswer({
              model: this.spec.model,
              boxName: this.spec.boxName,
              serial: this.spec.serial,
              mac: this.spec.mac,
              ip: this.address,
              telnetPort: this.port,
              stackName: CODEC_STACK_NONE,
            });
      udp.send(answer, remote.port, remote.address);
    });
  }

  // ---------------------------------------------------------------- fault controls

  setCommunicationService(ok: boolean): void {
    this.setCodecValue(codecParams.serviceStatus, ok ? 'OK' : 'FAILED');
  }

  setCall(connected: boolean): void {
    this.setCodecValue(codecParams.callStatus, connected ? 'CONNECTED' : 'IDLE');
  }

  setStandby(on: boolean): void {
    this.setCodecValue(codecParams.standby, on ? '1' : '0');
  }

  setFirmware(version: string): void {
    if (version === this.firmware) return;
    this.firmware = version;
    this.ctx.emit(this, 'firmware', version);
  }

  setCredentials(username: string, password: string): void {
    this.credentials = { username, password };
    this.ctx.emit(this, 'credentials', username);
  }

  setMisbehaviour(misbehaviour: Misbehaviour): void {
    this.gate.set(
      misbehaviour,
      [...this.sessions].map((session) => session.socket),
    );
    this.ctx.emit(this, 'misbehaviour', misbehaviour.mode);
  }

  peripherals(): SimulatedPeripheral[] {
    return [];
  }

  private unsupported(what: string): Error {
    return appError('CONFIG_INVALID', { model: this.spec.model }, `A COLLABORATE Live codec has no ${what}`);
  }
  setLocate(): void {
    throw this.unsupported('locate LED');
  }
  setSafetyMute(): void {
    throw this.unsupported('safety mute');
  }
  setTemperature(): void {
    throw this.unsupported('temperature reading');
  }
  setRegistration(): void {
    throw this.unsupported('VoIP lines');
  }
  setVoipRestartPending(): void {
    throw this.unsupported('VoIP lines');
  }
  setConfigured(): void {
    throw this.unsupported('DSP project');
  }
  loadConfig(): Promise<void> {
    return Promise.reject(this.unsupported('DSP project'));
  }
  updateFirmware(): Promise<void> {
    return Promise.reject(this.unsupported('simulated firmware transfer'));
  }

  /** Applies a CODEC value and tells subscribed sessions; returns false when it did not change. */
  private setCodecValue(param: string, value: string): boolean {
    const current = this.codecValue(param);
    if (current === value) return false;
    if (param === codecParams.serviceStatus) this.serviceStatus = value as CodecServiceState;
    else if (param === codecParams.callStatus) this.callStatus = value as CodecCallState;
    else this.standby = value === '1';
    this.ctx.emit(this, 'codec', value, param);
    for (const session of this.sessions) {
      if (session.phase === 'ready' && session.subscribed) this.write(session, `${CODEC_VERB} ${param} ${value}`);
    }
    return true;
  }

  private codecValue(param: string): string | undefined {
    if (param === codecParams.serviceStatus) return this.serviceStatus;
    if (param === codecParams.callStatus) return this.callStatus;
    if (param === codecParams.standby) return this.standby ? '1' : '0';
    return undefined;
  }

  // ---------------------------------------------------------------- sessions

  private write(session: CodecSession, payload: string): void {
    this.telnet.write(session, payload);
  }

  private execute(session: CodecSession, tokens: string[]): string {
    const [verb, name, block, param, ...values] = tokens;
    if (verb === CODEC_VERB) return this.executeCodec(tokens.slice(1));
    if (verb !== 'BOX' || name === undefined || block === undefined || param === undefined) {
      return errorPayloads.invalidCommand;
    }
    if (name !== this.spec.boxName) return errorPayloads.invalidBoxName;
    const path = tokens.slice(0, 4).join(' ');
    const read = (value: string): string =>
      values.length === 0 ? `${path} ${value}` : errorPayloads.invalidParameters;
    const command = systemCommandFor(block, param);
    if (command === 'statusNotification') {
      const [value] = values;
      if (value === undefined) return read(session.subscribed ? '1' : '0');
      if (value !== '0' && value !== '1') return errorPayloads.outOfRange;
      session.subscribed = value === '1';
      return `${path} ${value}`;
    }
    if (command === 'reboot') {
      if (values.length > 0) return errorPayloads.invalidParameters;
      setImmediate(() => void this.reboot());
      return path;
    }
    if (command === 'password' || command === 'username') {
      const changed = changeLogin(this.credentials, command, path, values);
      if (typeof changed === 'string') return changed;
      this.credentials = changed.next;
      this.ctx.emit(this, 'credentials', changed.next.username);
      return changed.reply;
    }
    if (command === 'log') {
      const [value] = values;
      if (value === undefined) return read(this.log.range().join(' '));
      const line = values.length === 1 && /^\d+$/.test(value) ? this.log.line(Number(value)) : undefined;
      return line === undefined ? errorPayloads.outOfRange : `${path} ${value} ${line}`;
    }
    const readings: Partial<Record<SystemCommand, string>> = {
      model: this.spec.model,
      serial: this.spec.serial,
      firmware: this.firmware,
      mac: this.spec.mac,
      boxNumber: '1',
      unitState: this.unitState,
    };
    const reading = command === undefined ? undefined : readings[command];
    return reading === undefined ? errorPayloads.invalidParameters : read(reading);
  }

  private executeCodec(tokens: string[]): string {
    const [param, ...values] = tokens;
    if (param === undefined) return errorPayloads.invalidCommand;
    const path = `${CODEC_VERB} ${param}`;
    const value = values[0];
    switch (param) {
      case codecParams.serviceStatus:
      case codecParams.callStatus:
        return values.length === 0 ? `${path} ${this.codecValue(param) ?? ''}` : errorPayloads.invalidParameters;
      case codecParams.standby:
        if (value === undefined) return `${path} ${this.standby ? '1' : '0'}`;
        if (values.length > 1) return errorPayloads.invalidParameters;
        if (value !== '0' && value !== '1') return errorPayloads.outOfRange;
        this.setCodecValue(param, value);
        return `${path} ${value}`;
      case codecParams.dial:
        // A failed communication service cannot place calls; a sleeping codec wakes up to dial.
        if (value === undefined || values.length > 1) return errorPayloads.invalidParameters;
        if (this.serviceStatus === 'FAILED') return errorPayloads.endpointNotPresent;
        this.setCodecValue(codecParams.standby, '0');
        this.setCodecValue(codecParams.callStatus, 'CONNECTED');
        return `${path} ${value}`;
      case codecParams.hangup:
        if (values.length > 0) return errorPayloads.invalidParameters;
        this.setCodecValue(codecParams.callStatus, 'IDLE');
        return path;
      default:
        return errorPayloads.invalidParameters;
    }
  }
}

import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { appError, isLoopbackIpv4, modelInfo } from '@tutti/protocol';
import { createLineDecoder, formatReply, lineTerminator, parseCommand, type LineDecoder } from '../codec.ts';
import { formatDiscoveryAnswer, isDiscoveryRequest } from '../discovery.ts';
import {
  CODEC_STACK_NONE,
  CODEC_VERB,
  codecParams,
  errorPayloads,
  loginTexts,
  systemCommandFor,
  type CodecCallState,
  type CodecServiceState,
  type SystemCommand,
  type UnitState,
} from '../system-commands.ts';
import { DEFAULT_CREDENTIALS, type BoxContext } from './box.ts';
import { MisbehaviourGate } from './misbehaviour.ts';
import type { Credentials, Misbehaviour, SimulatedDevice, SimulatedDeviceSpec, SimulatedPeripheral } from './types.ts';
import { hashString } from './random.ts';

interface CodecSession {
  socket: Socket;
  decoder: LineDecoder;
  phase: 'username' | 'password' | 'ready';
  username: string;
  failures: number;
  subscribed: boolean;
  /** Lines produced while the session's own command runs wait until its reply is out. */
  deferred: string[] | undefined;
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
  private firmware: string;
  private callStatus: CodecCallState = 'IDLE';
  private standby = false;
  private serviceStatus: CodecServiceState = 'OK';
  private readonly sessions = new Set<CodecSession>();
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
    const waiters = this.rebootWaiters;
    this.rebootWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private setAvailability(next: 'up' | 'down' | 'restarting'): void {
    if (next === this.availability) return;
    this.availability = next;
    this.ctx.emit(this, 'availability', next);
  }

  private listen(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    return new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.address, port: this.port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', () => undefined);
        this.server = server;
        resolve();
      });
    });
  }

  private async stopListening(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.gate.close();
    for (const session of this.sessions) session.socket.destroy();
    this.sessions.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private bindDiscovery(): Promise<void> {
    const udp = createSocket({ type: 'udp4' });
    udp.on('message', (message, remote) => {
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
    udp.on('error', () => undefined);
    return new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind({ address: this.address, port: this.ctx.discoveryPort, exclusive: true }, () => {
        udp.off('error', reject);
        this.udp = udp;
        resolve();
      });
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

  private accept(socket: Socket): void {
    if (this.gate.accept(socket)) return;
    const session: CodecSession = {
      socket,
      decoder: createLineDecoder({ maxLineBytes: this.ctx.maxLineBytes }),
      phase: 'username',
      username: '',
      failures: 0,
      subscribed: false,
      deferred: undefined,
    };
    this.sessions.add(session);
    socket.setNoDelay(true);
    socket.setTimeout(this.ctx.idleTimeoutMs, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sessions.delete(session));
    socket.on('data', (chunk: Buffer) => {
      if (this.gate.intercept(socket)) return;
      for (const line of session.decoder.push(chunk)) {
        if (socket.destroyed) return;
        this.handleLine(session, line);
      }
    });
    this.gate.send(socket, loginTexts.usernamePrompt, false);
  }

  private write(session: CodecSession, payload: string): void {
    if (session.deferred) session.deferred.push(payload);
    else this.gate.send(session.socket, formatReply(payload, this.ctx.lineEnding), true);
  }

  private handleLine(session: CodecSession, line: string): void {
    const end = lineTerminator(this.ctx.lineEnding);
    switch (session.phase) {
      case 'username':
        session.username = line;
        session.phase = 'password';
        this.gate.send(session.socket, loginTexts.passwordPrompt, false);
        return;
      case 'password':
        if (session.username === this.credentials.username && line === this.credentials.password) {
          session.phase = 'ready';
          this.gate.send(session.socket, `${end}=> ${loginTexts.success}${end}`, false);
          return;
        }
        session.failures += 1;
        this.gate.send(session.socket, `=> ${loginTexts.failure}${end}`, false);
        if (session.failures >= loginTexts.maxFailures) session.socket.end();
        else {
          session.phase = 'username';
          this.gate.send(session.socket, loginTexts.usernamePrompt, false);
        }
        return;
      case 'ready': {
        session.deferred = [];
        const reply = this.execute(session, parseCommand(line));
        const deferred = session.deferred;
        session.deferred = undefined;
        this.write(session, reply);
        for (const payload of deferred) if (payload !== reply) this.write(session, payload);
        return;
      }
    }
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

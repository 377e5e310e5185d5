import { createConnection, type Socket } from 'node:net';
import { appError, deviceModelSchema, isLoopbackIpv4, modelInfo, type DeviceModel } from '@tutti/protocol';
import { addressLength, createLineDecoder, parseCommand, type LineDecoder } from '../codec.ts';
import { parsePlinkDevices } from '../plink-devices.ts';
import { REG_REASON_PARAM, SIP_ACCOUNT_PARAM } from '../sip-account.ts';
import { parseStackMembers, parseStackStatus } from '../stack-status.ts';
import {
  CODEC_VERB,
  codecParams,
  CONFIG_DATA_PREFIX,
  configLoadWords,
  discovery,
  firmwareUpdateWords,
  loginTexts,
  PLINK_BLOCK,
  PLINK_CHANNEL,
  plinkChannelParams,
  plinkParams,
  REG_STATUS_BLOCK,
  REG_STATUS_PARAM,
  systemCommandLine,
  type SystemCommand,
} from '../system-commands.ts';
import {
  applyLine,
  copyDeviceState,
  emptyDeviceState,
  type DeviceIdentity,
  type DeviceState,
  type PeripheralInfo,
} from './device-state.ts';
import {
  DeviceCommandError,
  DeviceLoginError,
  DeviceProtocolError,
  DeviceTimeoutError,
  DeviceUnreachableError,
} from './errors.ts';
import { probeHost } from './probe.ts';

export const DEFAULT_DEVICE_TIMEOUT_MS = 5_000;
/** A stack position holds at most this many VoIP lines we look for (EPN `B01`…`B09`). */
const MAX_UA_LINES = 9;

export interface ConnectDeviceOptions {
  address: string;
  port: number;
  username: string;
  password: string;
  /** Connect + login deadline, and then the deadline of each command. Default 5 s. */
  timeoutMs?: number;
  /** Aborts the connection attempt; after login it closes the session. */
  signal?: AbortSignal;
  /** The box name for BOX commands; when absent it is learnt from the discovery answer (§6.6). */
  boxName?: string;
  /** UDP port used to learn the box name. Default 50123. */
  discoveryPort?: number;
}

export interface DeviceSession {
  readonly address: string;
  readonly port: number;
  readonly closed: boolean;
  /** Sends one command line; resolves with the reply payload without `=> `; rejects with DeviceCommandError on `=> Error`. */
  command(line: string): Promise<string>;
  /** Like `command`, but resolves with only the value after the address the reply repeats. */
  commandValue(line: string): Promise<string>;
  /** The box name BOX commands use (given, or learnt by discovery). */
  boxName(): Promise<string>;
  readIdentity(): Promise<DeviceIdentity>;
  readState(): Promise<DeviceState>;
  /**
   * Starts `FW_UPDATE <token>` and resolves with the installed version once the box reports DONE (it then
   * reboots and closes the session). Rejects with DeviceCommandError on FAILED, or with the close error.
   */
  updateFirmware(token: string, onProgress?: (percent: number) => void): Promise<string>;
  /**
   * Starts `PLINK <port> FW_UPDATE <token>` on a peripheral of this box and resolves with the installed version
   * once the host reports DONE (the host does not reboot). Rejects with DeviceCommandError on FAILED.
   */
  updatePeripheralFirmware(plink: number, token: string, onProgress?: (percent: number) => void): Promise<string>;
  /**
   * Follows a firmware update of this box that is already running (started by another session, or before the caller
   * restarted) without starting one: resolves with the installed version at DONE, rejects on FAILED or close.
   */
  followFirmwareUpdate(onProgress?: (percent: number) => void): Promise<string>;
  /** The running configuration (`CONFIG_SAVE`). */
  saveConfiguration(): Promise<Uint8Array>;
  /**
   * Loads a configuration saved before (`CONFIG_LOAD DATA:…`) and resolves once the box reports DONE; rejects with
   * DeviceCommandError on FAILED (for example `WRONG_MODEL`) or when the session closes.
   */
  loadConfiguration(project: Uint8Array): Promise<void>;
  /** The own project of the peripheral on P-Link port `plink` of this box (`PLINK <n> CONFIG_SAVE`). */
  savePeripheralConfiguration(plink: number): Promise<Uint8Array>;
  /**
   * Loads a peripheral project (`PLINK <n> CONFIG_LOAD DATA:…`) and resolves once the host reports DONE; rejects with
   * DeviceCommandError on FAILED (`WRONG_MODEL`, `INVALID`) or when the session closes.
   */
  loadPeripheralConfiguration(plink: number, project: Uint8Array): Promise<void>;
  /** Subscribes this session to unsolicited status lines (box status and UA registration). */
  subscribe(): Promise<void>;
  /** Called with the full state each time a device line changes it, once a first `readState()` set the baseline. */
  onStateChange(listener: (state: DeviceState) => void): () => void;
  /** Every unsolicited line (payload without `=> `). */
  onLine(listener: (payload: string) => void): () => void;
  onClose(listener: (error?: Error) => void): () => void;
  close(): Promise<void>;
}

interface PendingCommand {
  line: string;
  prefix: string;
  resolve: (payload: string) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

const errorLine = /^=>\s*Error/i;

/**
 * Opens a telnet session to a CONVERGE box and logs in (DEVICE-PROTOCOL §1.3, §6.1).
 * Refuses non-loopback addresses before any socket exists.
 */
export function connectDevice(options: ConnectDeviceOptions): Promise<DeviceSession> {
  if (!isLoopbackIpv4(options.address)) {
    return Promise.reject(appError('ADDRESS_NOT_LOOPBACK', { address: options.address }));
  }
  if (options.signal?.aborted) return Promise.reject(options.signal.reason as Error);
  return new DeviceSessionImpl(options).connect();
}

class DeviceSessionImpl implements DeviceSession {
  readonly address: string;
  readonly port: number;
  private readonly options: ConnectDeviceOptions;
  private readonly timeoutMs: number;
  private readonly decoder: LineDecoder;
  private socket: Socket | undefined;
  private phase: 'username' | 'password' | 'result' | 'ready' | 'closed' = 'username';
  private readonly queue: PendingCommand[] = [];
  private readonly state = emptyDeviceState();
  private baseline = false;
  private knownBoxName: string | undefined;
  private knownBoxNumber: number | undefined;
  private knownModel: DeviceModel | undefined;
  private uaEpns: string[] | undefined;
  private readonly stateListeners = new Set<(state: DeviceState) => void>();
  private readonly lineListeners = new Set<(payload: string) => void>();
  private readonly closeListeners = new Set<(error?: Error) => void>();
  private closeError: Error | undefined;
  private closedPromise: Promise<void> | undefined;
  private loginSettled: ((error?: Error) => void) | undefined;
  private closedByUser = false;

  constructor(options: ConnectDeviceOptions) {
    this.options = options;
    this.address = options.address;
    this.port = options.port;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_DEVICE_TIMEOUT_MS;
    this.knownBoxName = options.boxName;
    this.decoder = createLineDecoder();
  }

  get closed(): boolean {
    return this.phase === 'closed';
  }

  connect(): Promise<DeviceSession> {
    return new Promise<DeviceSession>((resolve, reject) => {
      const socket = createConnection({ host: this.address, port: this.port });
      this.socket = socket;
      socket.setNoDelay(true);
      const timer = setTimeout(
        () => this.fail(new DeviceTimeoutError(`No login at ${this.address}:${this.port} within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      // Before login an abort fails the attempt; after it, it just closes the session.
      const onAbort = (): void => {
        if (this.phase === 'ready') void this.close();
        else this.fail(this.options.signal?.reason as Error);
      };
      this.options.signal?.addEventListener('abort', onAbort, { once: true });
      this.loginSettled = (error) => {
        clearTimeout(timer);
        this.loginSettled = undefined;
        if (error) reject(error);
        else resolve(this);
      };
      this.closedPromise = new Promise<void>((resolveClosed) => {
        socket.on('close', () => {
          this.options.signal?.removeEventListener('abort', onAbort);
          this.handleClose();
          resolveClosed();
        });
      });
      socket.on('error', (error: NodeJS.ErrnoException) => {
        this.closeError ??= new DeviceUnreachableError(`${this.address}:${this.port}: ${error.code ?? error.message}`);
      });
      socket.on('data', (chunk: Buffer) => this.receive(chunk));
    });
  }

  /** Ends the session with an error: rejects the login or the pending commands. */
  private fail(error: Error): void {
    this.closeError ??= error;
    this.socket?.destroy();
  }

  private handleClose(): void {
    const wasReady = this.phase === 'ready';
    this.phase = 'closed';
    const error = this.closeError ?? new DeviceUnreachableError(`${this.address}:${this.port} closed the connection`);
    this.loginSettled?.(error);
    for (const pending of this.queue.splice(0)) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    if (wasReady) {
      // An explicit close() is not an error for listeners.
      const reported = this.closedByUser ? undefined : error;
      for (const listener of this.closeListeners) listener(reported);
    }
  }

  private write(text: string): void {
    if (this.socket?.writable) this.socket.write(`${text}\r\n`);
  }

  private receive(chunk: Buffer): void {
    for (const line of this.decoder.push(chunk)) this.handleLine(line);
    if (this.phase === 'username' || this.phase === 'password') this.answerPrompt(this.decoder.pending());
  }

  /** Prompts end without a newline, so they are looked for in the unterminated text too. */
  private answerPrompt(text: string): boolean {
    const prompt = this.phase === 'username' ? loginTexts.usernamePrompt : loginTexts.passwordPrompt;
    if (!text.toLowerCase().includes(prompt.trim().toLowerCase())) return false;
    this.decoder.takePending();
    if (this.phase === 'username') {
      this.write(this.options.username);
      this.phase = 'password';
    } else {
      this.write(this.options.password);
      this.phase = 'result';
    }
    return true;
  }

  private handleLine(line: string): void {
    switch (this.phase) {
      case 'username':
      case 'password':
        this.answerPrompt(line);
        return;
      case 'result':
        // Success is detected by `=>` [DRV]; any `=> Error` here is the login failure.
        if (!line.includes('=>')) return;
        if (errorLine.test(line.trim())) {
          this.fail(new DeviceLoginError(`Login refused by ${this.address}:${this.port}`));
          return;
        }
        this.phase = 'ready';
        this.loginSettled?.();
        return;
      case 'ready':
        this.handleReadyLine(line.trim());
        return;
      case 'closed':
        return;
    }
  }

  private handleReadyLine(line: string): void {
    const payload = line.replace(/^=>\s?/, '');
    const head = this.queue[0];
    if (head && line.startsWith('=>')) {
      if (errorLine.test(line)) {
        this.settleHead(() => head.reject(new DeviceCommandError(head.line, payload)));
        return;
      }
      if (payload === head.prefix || payload.startsWith(`${head.prefix} `)) {
        this.applyToState(payload, false);
        this.settleHead(() => head.resolve(payload));
        return;
      }
    }
    // Not the pending command's answer: an unsolicited line (fan-out, status or UA notification).
    this.applyToState(payload, true);
    for (const listener of this.lineListeners) listener(payload);
  }

  private applyToState(payload: string, unsolicited: boolean): void {
    const changed = applyLine(this.state, payload, {
      boxName: this.knownBoxName,
      boxNumber: this.knownBoxNumber,
      unsolicited,
    });
    if (!changed || !this.baseline) return;
    for (const listener of this.stateListeners) listener(copyDeviceState(this.state));
  }

  private settleHead(settle: () => void): void {
    const head = this.queue.shift();
    clearTimeout(head?.timer);
    settle();
    this.sendNext();
  }

  private sendNext(): void {
    const next = this.queue[0];
    if (!next || next.timer !== undefined) return;
    // One command at a time: a reply can then only belong to the oldest pending command.
    next.timer = setTimeout(() => {
      // A late reply could be taken for the next command's, so the session cannot go on.
      this.fail(new DeviceTimeoutError(`No reply to "${next.line}" from ${this.address} within ${this.timeoutMs} ms`));
    }, this.timeoutMs);
    this.write(next.line);
  }

  command(line: string): Promise<string> {
    if (this.phase !== 'ready') {
      return Promise.reject(this.closeError ?? new DeviceUnreachableError(`Session to ${this.address} is closed`));
    }
    if (/[\r\n]/.test(line)) return Promise.reject(new DeviceProtocolError('A command is a single line'));
    const tokens = parseCommand(line);
    const prefix = tokens.slice(0, addressLength(tokens)).join(' ');
    return new Promise<string>((resolve, reject) => {
      this.queue.push({ line, prefix, resolve, reject, timer: undefined });
      this.sendNext();
    });
  }

  async commandValue(line: string): Promise<string> {
    const tokens = parseCommand(line);
    const prefix = tokens.slice(0, addressLength(tokens)).join(' ');
    const payload = await this.command(line);
    return payload.slice(prefix.length).trim();
  }

  async boxName(): Promise<string> {
    if (this.knownBoxName !== undefined) return this.knownBoxName;
    const answer = await probeHost(this.address, {
      port: this.options.discoveryPort ?? discovery.port,
      timeoutMs: Math.min(this.timeoutMs, 2_000),
    });
    if (!answer) throw new DeviceProtocolError(`${this.address} did not tell its box name (no discovery answer)`);
    this.knownBoxName = answer.boxName;
    return answer.boxName;
  }

  private async system(command: SystemCommand): Promise<string> {
    return this.commandValue(systemCommandLine(await this.boxName(), command));
  }

  private async boxNumber(): Promise<number> {
    if (this.knownBoxNumber !== undefined) return this.knownBoxNumber;
    const value = Number(await this.system('boxNumber'));
    if (!Number.isInteger(value) || value < 1 || value > 9) throw new DeviceProtocolError(`Bad box number ${value}`);
    this.knownBoxNumber = value;
    return value;
  }

  private async model(): Promise<DeviceModel> {
    if (this.knownModel !== undefined) return this.knownModel;
    const model = deviceModelSchema.safeParse(await this.system('model'));
    if (!model.success) throw new DeviceProtocolError(`${this.address} reported an unknown model`);
    this.knownModel = model.data;
    this.state.model = model.data;
    return model.data;
  }

  private async isCodec(): Promise<boolean> {
    return modelInfo(await this.model()).family === 'collaborate_live';
  }

  async readIdentity(): Promise<DeviceIdentity> {
    const boxName = await this.boxName();
    const model = await this.model();
    const serial = await this.system('serial');
    const mac = await this.system('mac');
    const firmware = await this.system('firmware');
    if (await this.isCodec()) {
      // A codec is never part of a DSP stack and hosts no P-Link chain.
      return {
        boxName,
        model,
        serial,
        mac,
        firmware,
        boxNumber: 1,
        stackName: '',
        stackMembers: [],
        stackStatus: { state: 'OK', missing: [], mismatched: [] },
        peripherals: [],
      };
    }
    const boxNumber = await this.boxNumber();
    const stackName = await this.system('stackName');
    const stackMembers = parseStackMembers(await this.system('stackBoxes'));
    const stackStatus = parseStackStatus(await this.system('stackStatus'));
    if (!stackStatus) throw new DeviceProtocolError(`${this.address} reported an unknown stack status`);
    const peripherals = parsePeripherals(await this.system('plinkDevices'));
    return {
      boxName,
      model,
      serial,
      mac,
      firmware,
      boxNumber,
      stackName,
      stackMembers,
      stackStatus,
      peripherals,
    };
  }

  /** EPNs of the box's VoIP lines, found by asking until the device says there is no such endpoint. */
  private async voipLines(): Promise<string[]> {
    if (this.uaEpns) return this.uaEpns;
    const boxNumber = await this.boxNumber();
    const epns: string[] = [];
    for (let line = 1; line <= MAX_UA_LINES; line += 1) {
      const epn = `${boxNumber}${String(line).padStart(2, '0')}`;
      try {
        await this.command(`EP UA ${epn} ${REG_STATUS_BLOCK} ${REG_STATUS_PARAM}`);
        epns.push(epn);
      } catch (error) {
        if (error instanceof DeviceCommandError) break;
        throw error;
      }
    }
    this.uaEpns = epns;
    return epns;
  }

  async readState(): Promise<DeviceState> {
    const boxName = await this.boxName();
    if (await this.isCodec()) {
      this.state.codec ??= { callStatus: 'IDLE', standby: false, serviceStatus: 'OK' };
      for (const param of [codecParams.serviceStatus, codecParams.callStatus, codecParams.standby]) {
        await this.command(`${CODEC_VERB} ${param}`);
      }
      this.baseline = true;
      return copyDeviceState(this.state);
    }
    await this.boxNumber();
    await this.optional(systemCommandLine(boxName, 'unitState'), () => (this.state.unitState = null));
    // Replies update the state through applyToState, like unsolicited lines do.
    await this.command(systemCommandLine(boxName, 'locate'));
    await this.command(systemCommandLine(boxName, 'safetyMute'));
    await this.command(systemCommandLine(boxName, 'stackStatus'));
    // What the unit itself says about its FTP server; units that do not answer it report none.
    await this.optional(systemCommandLine(boxName, 'ftpEnable'), () => (this.state.ftpEnabled = null));
    try {
      await this.command(systemCommandLine(boxName, 'temperature'));
    } catch (error) {
      // Units without the (invented) temperature reading are simply not monitored for heat.
      if (!(error instanceof DeviceCommandError)) throw error;
      this.state.temperatureC = null;
    }
    const known = this.uaEpns !== undefined;
    const epns = await this.voipLines();
    for (const epn of epns) {
      if (known) await this.command(`EP UA ${epn} ${REG_STATUS_BLOCK} ${REG_STATUS_PARAM}`);
      await this.readUaDetails(epn);
    }
    if (epns.length > 0) {
      await this.optional(
        systemCommandLine(boxName, 'voipRestartPending'),
        () => (this.state.voipRestartPending = false),
      );
    }
    await this.readPeripherals(boxName);
    this.baseline = true;
    return copyDeviceState(this.state);
  }

  /** A line's SIP account and failure reason; units that do not report them keep none. */
  private async readUaDetails(epn: string): Promise<void> {
    for (const param of [SIP_ACCOUNT_PARAM, REG_REASON_PARAM]) {
      await this.optional(`EP UA ${epn} ${REG_STATUS_BLOCK} ${param}`, () => undefined);
    }
  }

  /** A reading some units lack: a device error resets the field instead of failing the whole read. */
  private async optional(line: string, reset: () => unknown): Promise<void> {
    try {
      await this.command(line);
    } catch (error) {
      if (!(error instanceof DeviceCommandError)) throw error;
      reset();
    }
  }

  /** P-Link list, then each peripheral's link, locate, transfer and wireless channels (replies fill the state). */
  private async readPeripherals(boxName: string): Promise<void> {
    const listed = parsePeripherals(await this.system('plinkDevices'));
    const previous = this.state.peripherals;
    this.state.peripherals = {};
    for (const info of listed) {
      const known = previous[info.serial];
      this.state.peripherals[info.serial] = {
        plink: info.plink,
        model: info.model,
        link: known?.link ?? 'UP',
        locate: known?.locate ?? false,
        firmwareUpdate: known?.firmwareUpdate ?? null,
        channels: known?.channels ?? [],
      };
      const base = `BOX ${boxName} ${PLINK_BLOCK} ${info.plink}`;
      await this.command(`${base} ${plinkParams.link}`);
      const peripheral = this.state.peripherals[info.serial];
      if (!peripheral || peripheral.link === 'DOWN') {
        if (peripheral) Object.assign(peripheral, { locate: false, firmwareUpdate: null });
        continue;
      }
      await this.command(`${base} ${plinkParams.locate}`);
      await this.command(`${base} ${plinkParams.firmwareUpdate}`);
      const count = Number(await this.commandValue(`${base} ${plinkParams.channels}`));
      if (!Number.isInteger(count) || count < 0 || count > 16)
        throw new DeviceProtocolError(`Bad channel count ${count}`);
      peripheral.channels = Array.from(
        { length: count },
        (_, index) => peripheral.channels[index] ?? { batteryPercent: null, rfDbm: null },
      );
      for (let channel = 1; channel <= count; channel += 1) {
        for (const param of [plinkChannelParams.battery, plinkChannelParams.rf]) {
          await this.command(`${base} ${PLINK_CHANNEL} ${channel} ${param}`);
        }
      }
    }
  }

  async updateFirmware(token: string, onProgress?: (percent: number) => void): Promise<string> {
    const path = systemCommandLine(await this.boxName(), 'firmwareUpdate');
    return this.runTransfer(path, token, onProgress);
  }

  async updatePeripheralFirmware(
    plink: number,
    token: string,
    onProgress?: (percent: number) => void,
  ): Promise<string> {
    return this.runTransfer(await this.plinkPath(plink, plinkParams.firmwareUpdate), token, onProgress);
  }

  async followFirmwareUpdate(onProgress?: (percent: number) => void): Promise<string> {
    const path = systemCommandLine(await this.boxName(), 'firmwareUpdate');
    const { outcome, stop } = this.transferOutcome(path, path, onProgress);
    try {
      return await outcome;
    } finally {
      stop();
    }
  }

  async saveConfiguration(): Promise<Uint8Array> {
    const value = await this.commandValue(systemCommandLine(await this.boxName(), 'configSave'));
    return Buffer.from(value, 'base64');
  }

  async loadConfiguration(project: Uint8Array): Promise<void> {
    await this.runConfigLoad(systemCommandLine(await this.boxName(), 'configLoad'), project);
  }

  async savePeripheralConfiguration(plink: number): Promise<Uint8Array> {
    const value = await this.commandValue(await this.plinkPath(plink, plinkParams.configSave));
    return Buffer.from(value, 'base64');
  }

  async loadPeripheralConfiguration(plink: number, project: Uint8Array): Promise<void> {
    await this.runConfigLoad(await this.plinkPath(plink, plinkParams.configLoad), project);
  }

  private async plinkPath(plink: number, param: string): Promise<string> {
    if (!Number.isInteger(plink) || plink < 1) throw new DeviceProtocolError(`Bad P-Link port ${plink}`);
    return `BOX ${await this.boxName()} ${PLINK_BLOCK} ${plink} ${param}`;
  }

  /** `<path> DATA:<base64>` → STARTED, then DONE or FAILED <reason> as an unsolicited line of `path`. */
  private async runConfigLoad(path: string, project: Uint8Array): Promise<void> {
    const line = `${path} ${CONFIG_DATA_PREFIX}${Buffer.from(project).toString('base64')}`;
    let stopLines = (): void => undefined;
    let stopClose = (): void => undefined;
    const outcome = new Promise<void>((resolve, reject) => {
      stopLines = this.onLine((payload) => {
        if (!payload.startsWith(`${path} `)) return;
        const word = payload.slice(path.length + 1).split(' ')[0];
        if (word === configLoadWords.done) resolve();
        else if (word === configLoadWords.failed) reject(new DeviceCommandError(`${path} DATA`, payload));
      });
      stopClose = this.onClose((error) =>
        reject(error ?? new DeviceUnreachableError(`Session to ${this.address} closed during the load`)),
      );
    });
    outcome.catch(() => undefined);
    try {
      const started = await this.commandValue(line);
      if (started !== configLoadWords.started)
        throw new DeviceProtocolError(`Unexpected CONFIG_LOAD answer ${started}`);
      await outcome;
    } finally {
      stopLines();
      stopClose();
    }
  }

  /** `<path> <token>` → STARTED, then PROGRESS lines until DONE <version> or FAILED <reason>. */
  private async runTransfer(path: string, token: string, onProgress?: (percent: number) => void): Promise<string> {
    const line = `${path} ${token}`;
    // Listen before sending: progress may follow the reply in the same chunk.
    const { outcome, stop } = this.transferOutcome(path, line, onProgress);
    try {
      const started = await this.commandValue(line);
      if (started !== firmwareUpdateWords.started)
        throw new DeviceProtocolError(`Unexpected FW_UPDATE answer ${started}`);
      return await outcome;
    } finally {
      stop();
    }
  }

  /** Settles with the version of the first DONE line of `path`, or fails on FAILED or when the session closes. */
  private transferOutcome(
    path: string,
    line: string,
    onProgress?: (percent: number) => void,
  ): { outcome: Promise<string>; stop: () => void } {
    let stopLines = (): void => undefined;
    let stopClose = (): void => undefined;
    const outcome = new Promise<string>((resolve, reject) => {
      stopLines = this.onLine((payload) => {
        if (!payload.startsWith(`${path} `)) return;
        const [word, detail = ''] = payload.slice(path.length + 1).split(' ');
        if (word === firmwareUpdateWords.progress) onProgress?.(Number(detail));
        else if (word === firmwareUpdateWords.done) resolve(detail);
        else if (word === firmwareUpdateWords.failed) reject(new DeviceCommandError(line, payload));
      });
      stopClose = this.onClose((error) =>
        reject(error ?? new DeviceUnreachableError(`Session to ${this.address} closed during the update`)),
      );
    });
    // The outcome may settle while the command is still pending; the caller awaits (or drops) it.
    outcome.catch(() => undefined);
    return {
      outcome,
      stop: () => {
        stopLines();
        stopClose();
      },
    };
  }

  async subscribe(): Promise<void> {
    const boxName = await this.boxName();
    await this.command(systemCommandLine(boxName, 'statusNotification', '1'));
    for (const epn of await this.voipLines()) {
      for (const type of ['REG_SUCCEED', 'REG_FAILED', 'UNREG_SUCCEED'] as const) {
        await this.command(`EP UA ${epn} NOTIFICATION ${type}`);
      }
    }
  }

  onStateChange(listener: (state: DeviceState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onLine(listener: (payload: string) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.phase !== 'closed') {
      this.closedByUser = true;
      this.socket?.end();
      // A peer that never acknowledges the end must not keep the socket.
      setTimeout(() => this.socket?.destroy(), 1_000).unref();
    }
    await this.closedPromise;
  }
}

function parsePeripherals(value: string): PeripheralInfo[] {
  const entries = parsePlinkDevices(value);
  if (!entries) throw new DeviceProtocolError(`Unreadable P-Link list "${value}"`);
  return entries;
}

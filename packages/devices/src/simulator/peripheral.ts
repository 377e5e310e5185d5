import { appError } from '@tutti/protocol';
import {
  CONFIG_DATA_PREFIX,
  configLoadWords,
  errorPayloads,
  firmwareUpdateWords,
  PERIPHERAL_GAIN_RANGE,
  PLINK_CHANNEL,
  PLINK_VALUE_NONE,
  plinkChannelParams,
  plinkParams,
  peripheralSettingNames,
  type ErrorPayload,
} from '../system-commands.ts';
import type { SimulatedPeripheral, SimulatedPeripheralSpec } from './types.ts';
import { hashString } from './random.ts';

/** What a peripheral needs from its host box. */
export interface PeripheralHost {
  readonly serial: string;
  readonly boxName: string;
  readonly firmwareUpdateMs: number;
  readonly locateTimeoutMs: number;
  readonly configLoadMs: number;
  /**
   * Sends a `BOX <host> PLINK …` line to every session of the host and to sessions on other stack members
   * subscribed to the host's status; records a change when `change` is given.
   */
  announce(payload: string, change?: { value: string; target: string }): void;
}

interface WirelessChannel {
  battery: number | null;
  rf: number | null;
}

/** DIALOG 20 receives two wireless mics [INF: a two-channel receiver]. */
const DIALOG_20_CHANNELS = 2;

/** What a peripheral project sets ([INV]): `<Settings Gain="…" Mute="0|1" Aec="0|1"/>`. */
type PeripheralSettings = Record<(typeof peripheralSettingNames)[number], number>;

const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The `Name="value"` attributes of the first `<tag …>` in `xml`, or undefined when there is none. */
function attributesOf(xml: string, tag: string): Map<string, string> | undefined {
  const element = new RegExp(`<${tag}((?:\\s+\\w+="[^"]*")*)\\s*/?>`).exec(xml);
  if (!element) return undefined;
  return new Map([...(element[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]));
}

/** Reads the settings of a project, or undefined when one is missing or out of range. */
function settingsOf(xml: string): PeripheralSettings | undefined {
  const attributes = attributesOf(xml, 'Settings');
  if (!attributes) return undefined;
  const settings = {} as PeripheralSettings;
  for (const name of peripheralSettingNames) {
    const text = attributes.get(name);
    if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
    const value = Number(text);
    const inRange =
      name === 'Gain'
        ? value >= PERIPHERAL_GAIN_RANGE.min && value <= PERIPHERAL_GAIN_RANGE.max
        : value === 0 || value === 1;
    if (!inRange) return undefined;
    settings[name] = value;
  }
  return settings;
}

/** One P-Link peripheral: state of its own, reachable only through its host's telnet session. */
export class Peripheral implements SimulatedPeripheral {
  readonly spec: SimulatedPeripheralSpec;
  private readonly host: PeripheralHost;
  private link: 'UP' | 'DOWN' = 'UP';
  private locateOn = false;
  private version: string;
  private progress: number | undefined;
  private readonly wireless: WirelessChannel[];
  private locateTimer: NodeJS.Timeout | undefined;
  private updateTimer: NodeJS.Timeout | undefined;
  private updateWaiters: Array<() => void> = [];
  private settings: PeripheralSettings = { Gain: 0, Mute: 0, Aec: 1 };
  private configTimer: NodeJS.Timeout | undefined;

  constructor(spec: SimulatedPeripheralSpec, host: PeripheralHost) {
    this.spec = spec;
    this.host = host;
    this.version = spec.firmware;
    const seed = hashString(spec.serial);
    this.wireless = Array.from({ length: spec.model === 'DIALOG_20' ? DIALOG_20_CHANNELS : 0 }, (_, index) => ({
      battery: 40 + ((seed >>> (index * 8)) % 60),
      rf: -45 - ((seed >>> (index * 4)) % 30),
    }));
  }

  get hostSerial(): string {
    return this.host.serial;
  }
  get linkUp(): boolean {
    return this.link === 'UP';
  }
  get locate(): boolean {
    return this.locateOn;
  }
  get firmware(): string {
    return this.version;
  }
  get channels(): number {
    return this.wireless.length;
  }
  get updating(): boolean {
    return this.progress !== undefined;
  }
  get configuring(): boolean {
    return this.configTimer !== undefined;
  }

  /** The peripheral's own project, as CONFIG_SAVE returns it (decoded). */
  get project(): string {
    const { model, serial, name } = this.spec;
    const settings = peripheralSettingNames.map((setting) => `${setting}="${this.settings[setting]}"`).join(' ');
    return (
      `<?xml version="1.0" encoding="UTF-8"?><Root Version="9"><Peripheral Model="${model}" ` +
      `Serial="${escapeAttribute(serial)}" Name="${escapeAttribute(name)}"><Settings ${settings}/></Peripheral></Root>`
    );
  }

  private path(param: string): string {
    return `BOX ${this.host.boxName} PLINK ${this.spec.plink} ${param}`;
  }

  private announce(param: string, value: string): void {
    this.host.announce(`${this.path(param)} ${value}`, { value, target: `PLINK ${this.spec.plink} ${param}` });
  }

  setLink(up: boolean): void {
    const next = up ? 'UP' : 'DOWN';
    if (next === this.link) return;
    this.link = next;
    if (!up) {
      // Losing the chain drops the LED and aborts a transfer, as losing power would.
      this.abortUpdate();
      this.abortConfigLoad();
      this.setLocate(false);
    }
    this.announce(plinkParams.link, next);
  }

  setLocate(on: boolean): void {
    clearTimeout(this.locateTimer);
    this.locateTimer = undefined;
    if (on) this.locateTimer = setTimeout(() => this.setLocate(false), this.host.locateTimeoutMs).unref();
    if (on === this.locateOn) return;
    this.locateOn = on;
    this.announce(plinkParams.locate, on ? '1' : '0');
  }

  setBattery(channel: number, percent: number | null): void {
    const entry = this.channel(channel);
    if (percent !== null && (!Number.isInteger(percent) || percent < 0 || percent > 100)) {
      throw appError('CONFIG_INVALID', { percent }, 'Battery is a whole percentage 0–100');
    }
    if (entry.battery === percent) return;
    entry.battery = percent;
    this.announce(
      `${PLINK_CHANNEL} ${channel} ${plinkChannelParams.battery}`,
      percent === null ? PLINK_VALUE_NONE : String(percent),
    );
  }

  setRf(channel: number, dbm: number | null): void {
    const entry = this.channel(channel);
    if (dbm !== null && !Number.isInteger(dbm)) throw appError('CONFIG_INVALID', { dbm }, 'RF level is whole dBm');
    if (entry.rf === dbm) return;
    entry.rf = dbm;
    this.announce(
      `${PLINK_CHANNEL} ${channel} ${plinkChannelParams.rf}`,
      dbm === null ? PLINK_VALUE_NONE : String(dbm),
    );
  }

  private channel(channel: number): WirelessChannel {
    const entry = this.wireless[channel - 1];
    if (!entry) throw appError('CONFIG_INVALID', { channel }, `${this.spec.model} has no wireless channel ${channel}`);
    return entry;
  }

  updateFirmware(version?: string): Promise<void> {
    const done = new Promise<void>((resolve) => this.updateWaiters.push(resolve));
    const outcome = this.startUpdate(version ?? this.nextVersion());
    if (outcome !== undefined) this.flushUpdateWaiters();
    return done;
  }

  private nextVersion(): string {
    return this.version.replace(/\d+$/, (last) => String(Number(last) + 1));
  }

  /** Starts a transfer in four steps over the host's `firmwareUpdateMs`; `fail` in the token fails it. */
  private startUpdate(token: string): ErrorPayload | undefined {
    if (this.progress !== undefined || this.configTimer !== undefined || this.link === 'DOWN') {
      return errorPayloads.invalidParameters;
    }
    const version = /\d+(?:\.\d+){1,3}(?=\.bin$|$)/.exec(token)?.[0] ?? this.nextVersion();
    this.progress = 0;
    this.announce(plinkParams.firmwareUpdate, `${firmwareUpdateWords.progress} 0`);
    const path = this.path(plinkParams.firmwareUpdate);
    const step = (): void => {
      const progress = (this.progress ?? 0) + 25;
      this.progress = progress < 100 ? progress : undefined;
      this.host.announce(`${path} ${firmwareUpdateWords.progress} ${progress}`);
      if (progress < 100) {
        this.updateTimer = setTimeout(step, this.host.firmwareUpdateMs / 4).unref();
        return;
      }
      if (/fail/i.test(token)) this.announce(plinkParams.firmwareUpdate, `${firmwareUpdateWords.failed} BAD_IMAGE`);
      else {
        this.version = version;
        this.announce(plinkParams.firmwareUpdate, `${firmwareUpdateWords.done} ${version}`);
      }
      this.flushUpdateWaiters();
    };
    this.updateTimer = setTimeout(step, this.host.firmwareUpdateMs / 4).unref();
    return undefined;
  }

  private abortUpdate(): void {
    if (this.progress === undefined) return;
    clearTimeout(this.updateTimer);
    this.progress = undefined;
    this.announce(plinkParams.firmwareUpdate, `${firmwareUpdateWords.failed} LINK_LOST`);
    this.flushUpdateWaiters();
  }

  /** What loading `project` ends in: the settings it carries, or why it fails. */
  private outcomeOf(project: string): PeripheralSettings | 'WRONG_MODEL' | 'INVALID' {
    if (!project.includes('<Root Version="9">')) return 'INVALID';
    const model = attributesOf(project, 'Peripheral')?.get('Model');
    if (model === undefined) return 'INVALID';
    if (model !== this.spec.model) return 'WRONG_MODEL';
    return settingsOf(project) ?? 'INVALID';
  }

  /** CONFIG_LOAD DATA: — busy for the host's `configLoadMs`, then DONE with the settings applied, or FAILED. */
  private startConfigLoad(token: string): ErrorPayload | undefined {
    if (!token.startsWith(CONFIG_DATA_PREFIX)) return errorPayloads.invalidParameters;
    if (this.configTimer !== undefined || this.progress !== undefined) return errorPayloads.invalidParameters;
    const project = Buffer.from(token.slice(CONFIG_DATA_PREFIX.length), 'base64').toString('utf8');
    this.configTimer = setTimeout(() => {
      this.configTimer = undefined;
      const outcome = this.outcomeOf(project);
      if (typeof outcome === 'string') {
        this.announce(plinkParams.configLoad, `${configLoadWords.failed} ${outcome}`);
        return;
      }
      this.settings = outcome;
      this.announce(plinkParams.configLoad, configLoadWords.done);
    }, this.host.configLoadMs).unref();
    return undefined;
  }

  private abortConfigLoad(): void {
    if (this.configTimer === undefined) return;
    clearTimeout(this.configTimer);
    this.configTimer = undefined;
    this.announce(plinkParams.configLoad, `${configLoadWords.failed} LINK_LOST`);
  }

  private flushUpdateWaiters(): void {
    const waiters = this.updateWaiters;
    this.updateWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** The host went away (power, reboot, shutdown): timers stop, transfers abort. */
  hostDown(): void {
    clearTimeout(this.locateTimer);
    this.locateOn = false;
    clearTimeout(this.updateTimer);
    this.progress = undefined;
    clearTimeout(this.configTimer);
    this.configTimer = undefined;
    this.flushUpdateWaiters();
  }

  /**
   * `BOX <host> PLINK <port> …` after the port: `[PARAM, ...values]` or `[CHANNEL, n, PARAM, ...values]`.
   * Returns the reply payload or an error payload.
   */
  execute(tokens: string[]): { payload: string; echo: boolean } | ErrorPayload {
    const [param, ...values] = tokens;
    if (param === PLINK_CHANNEL) return this.executeChannel(values);
    const path = param === undefined ? undefined : this.path(param);
    if (param === undefined || path === undefined) return errorPayloads.invalidCommand;
    const read = (value: string): { payload: string; echo: boolean } | ErrorPayload =>
      values.length === 0 ? { payload: `${path} ${value}`, echo: false } : errorPayloads.invalidParameters;
    const value = values[0];
    // A unit off the chain answers nothing but the host's record of it (model, serial, name, link).
    const offline = this.link === 'DOWN';
    switch (param) {
      case plinkParams.model:
        return read(this.spec.model);
      case plinkParams.serial:
        return read(this.spec.serial);
      case plinkParams.name:
        return read(this.spec.name.replace(/[:;\s]/g, '_'));
      case plinkParams.link:
        return read(this.link);
      case plinkParams.firmware:
        return offline ? errorPayloads.endpointNotPresent : read(this.version);
      case plinkParams.channels:
        return offline ? errorPayloads.endpointNotPresent : read(String(this.wireless.length));
      case plinkParams.locate:
        if (offline) return errorPayloads.endpointNotPresent;
        if (value === undefined) return read(this.locateOn ? '1' : '0');
        if (values.length > 1) return errorPayloads.invalidParameters;
        if (value !== '0' && value !== '1') return errorPayloads.outOfRange;
        this.setLocate(value === '1');
        return { payload: `${path} ${value}`, echo: false };
      case plinkParams.firmwareUpdate: {
        if (offline) return errorPayloads.endpointNotPresent;
        if (value === undefined) {
          return read(
            this.progress === undefined ? firmwareUpdateWords.idle : `${firmwareUpdateWords.progress} ${this.progress}`,
          );
        }
        if (values.length > 1) return errorPayloads.invalidParameters;
        const refused = this.startUpdate(value);
        return refused ?? { payload: `${path} ${firmwareUpdateWords.started}`, echo: false };
      }
      case plinkParams.configSave:
        return offline ? errorPayloads.endpointNotPresent : read(Buffer.from(this.project).toString('base64'));
      case plinkParams.configLoad: {
        if (offline) return errorPayloads.endpointNotPresent;
        if (value === undefined || values.length > 1) return errorPayloads.invalidParameters;
        const refused = this.startConfigLoad(value);
        return refused ?? { payload: `${path} ${configLoadWords.started}`, echo: false };
      }
      default:
        return errorPayloads.invalidParameters;
    }
  }

  private executeChannel(tokens: string[]): { payload: string; echo: boolean } | ErrorPayload {
    const [channelText, param, ...values] = tokens;
    if (channelText === undefined || param === undefined) return errorPayloads.invalidCommand;
    if (values.length > 0) return errorPayloads.invalidParameters;
    if (this.link === 'DOWN') return errorPayloads.endpointNotPresent;
    const entry = /^\d+$/.test(channelText) ? this.wireless[Number(channelText) - 1] : undefined;
    if (!entry) return errorPayloads.endpointNotPresent;
    const path = this.path(`${PLINK_CHANNEL} ${channelText} ${param}`);
    const show = (value: number | null): string => (value === null ? PLINK_VALUE_NONE : String(value));
    if (param === plinkChannelParams.battery) return { payload: `${path} ${show(entry.battery)}`, echo: false };
    if (param === plinkChannelParams.rf) return { payload: `${path} ${show(entry.rf)}`, echo: false };
    return errorPayloads.invalidParameters;
  }
}

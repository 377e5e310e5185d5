import type { DeviceModel } from '@tutti/protocol';
import { parseStackStatus, type StackMember, type StackStatus } from '../stack-status.ts';
import {
  CODEC_VERB,
  codecCallStates,
  codecParams,
  codecServiceStates,
  firmwareUpdateWords,
  PLINK_BLOCK,
  PLINK_CHANNEL,
  PLINK_VALUE_NONE,
  plinkChannelParams,
  plinkLinkStates,
  plinkParams,
  REG_STATUS_BLOCK,
  REG_STATUS_PARAM,
  registrationStates,
  systemCommandFor,
  unitStates,
  type CodecCallState,
  type CodecServiceState,
  type PlinkLinkState,
  type RegistrationState,
  type UnitState,
} from '../system-commands.ts';
import {
  parseSipAccount,
  REG_REASON_PARAM,
  SIP_ACCOUNT_PARAM,
  SIP_VALUE_NONE,
  type SipAccount,
} from '../sip-account.ts';

export interface PeripheralInfo {
  /** 1-based position on the host's P-Link chain. */
  plink: number;
  model: DeviceModel;
  serial: string;
  firmware: string;
  name: string;
}

export type { StackMember } from '../stack-status.ts';

export interface DeviceIdentity {
  boxName: string;
  model: DeviceModel;
  serial: string;
  mac: string;
  firmware: string;
  boxNumber: number;
  stackName: string;
  /** Reachable members as the box sees them. */
  stackMembers: StackMember[];
  stackStatus: StackStatus;
  peripherals: PeripheralInfo[];
}

/** One DIALOG 20 wireless channel; null values mean no mic paired or heard. */
export interface WirelessChannelState {
  batteryPercent: number | null;
  rfDbm: number | null;
}

/** State of one P-Link peripheral, read through its host's session. */
export interface PeripheralState {
  plink: number;
  model: DeviceModel;
  /** DOWN: the unit dropped off the chain; its status is Down while the host is fine. */
  link: PlinkLinkState;
  locate: boolean;
  /** Transfer progress 0–100 while a firmware update runs, else null. */
  firmwareUpdate: number | null;
  /** DIALOG 20 channels, in channel order; empty for other peripherals. */
  channels: WirelessChannelState[];
}

/** State of a COLLABORATE Live codec. */
export interface CodecState {
  callStatus: CodecCallState;
  standby: boolean;
  serviceStatus: CodecServiceState;
}

/** The part of a box's state that decides its status. */
export interface DeviceState {
  /** Model as the unit reports it; null until read. */
  model: DeviceModel | null;
  /** What the unit is busy with (restarting, updating, configuring, unconfigured); null if not reported. */
  unitState: UnitState | null;
  /** SIP settings wait for a VoIP restart. */
  voipRestartPending: boolean;
  /** P-Link peripherals keyed by serial. */
  peripherals: Record<string, PeripheralState>;
  /** COLLABORATE Live codecs only, else null. */
  codec: CodecState | null;
  locate: boolean;
  safetyMute: boolean;
  /** Null when the unit does not report a temperature. */
  temperatureC: number | null;
  /** Per VoIP line, keyed by EPN (`101`). Empty for models without VoIP. */
  uaRegistration: Record<string, RegistrationState>;
  /** Per VoIP line, keyed by EPN: its SIP account (no password) once read, and why registration last failed. */
  uaDetails: Record<string, { account: SipAccount | null; reason: string | null }>;
  /** Overall: FAILED if any line failed, else UNREGISTERED, REGISTERED, DISABLED; null without VoIP lines. */
  registration: RegistrationState | null;
  stackStatus: StackStatus | null;
  /** `NETWORK FTP_ENABLE` as the unit reports it (its pending value, if a write waits for a reboot); null if unread. */
  ftpEnabled: boolean | null;
}

export function emptyDeviceState(): DeviceState {
  return {
    model: null,
    unitState: null,
    voipRestartPending: false,
    peripherals: {},
    codec: null,
    locate: false,
    safetyMute: false,
    temperatureC: null,
    uaRegistration: {},
    uaDetails: {},
    registration: null,
    stackStatus: null,
    ftpEnabled: null,
  };
}

const registrationRank: Record<RegistrationState, number> = { FAILED: 3, UNREGISTERED: 2, REGISTERED: 1, DISABLED: 0 };

export function overallRegistration(lines: Record<string, RegistrationState>): RegistrationState | null {
  let worst: RegistrationState | null = null;
  for (const state of Object.values(lines)) {
    if (worst === null || registrationRank[state] > registrationRank[worst]) worst = state;
  }
  return worst;
}

function isRegistrationState(value: string): value is RegistrationState {
  return (registrationStates as readonly string[]).includes(value);
}

const notificationStates: Record<string, RegistrationState> = {
  REG_SUCCEED: 'REGISTERED',
  REG_FAILED: 'FAILED',
  UNREG_SUCCEED: 'UNREGISTERED',
};

export interface ApplyContext {
  boxName: string | undefined;
  boxNumber: number | undefined;
  /** UA `NOTIFICATION <TYPE>` lines are events only when unsolicited; as replies they confirm a subscription. */
  unsolicited: boolean;
}

/**
 * Applies one device line (payload without `=> `) to a state, in place. Returns whether anything changed.
 * Lines about other boxes of the stack are ignored: each session tracks its own box.
 */
export function applyLine(state: DeviceState, payload: string, ctx: ApplyContext): boolean {
  const tokens = payload.trim().split(/\s+/);
  const [verb, second, third, fourth, fifth, sixth] = tokens;
  if (verb === CODEC_VERB && second !== undefined && third !== undefined) return applyCodecLine(state, second, third);
  if (verb === 'BOX' && second !== undefined && third !== undefined && fourth !== undefined && fifth !== undefined) {
    if (second !== ctx.boxName) return false;
    if (third === PLINK_BLOCK && /^\d+$/.test(fourth)) return applyPlinkLine(state, Number(fourth), tokens.slice(4));
    const value = tokens.slice(4).join(' ');
    const command = systemCommandFor(third, fourth);
    if (command === 'unitState') {
      return isOneOf(unitStates, value) && value !== state.unitState ? assign(() => (state.unitState = value)) : false;
    }
    if (command === 'voipRestartPending') return setField(state, 'voipRestartPending', value === '1');
    if (command === 'locate') return setField(state, 'locate', value === '1');
    if (command === 'safetyMute') return setField(state, 'safetyMute', value === '1');
    if (command === 'ftpEnable') {
      return value === '0' || value === '1' ? setField(state, 'ftpEnabled', value === '1') : false;
    }
    if (command === 'temperature') {
      const celsius = Number(value);
      return Number.isFinite(celsius) ? setField(state, 'temperatureC', celsius) : false;
    }
    if (command === 'stackStatus') {
      const status = parseStackStatus(value);
      if (!status || JSON.stringify(status) === JSON.stringify(state.stackStatus)) return false;
      state.stackStatus = status;
      return true;
    }
    return false;
  }
  if (verb === 'EP' && second === 'UA' && third !== undefined && fourth !== undefined && fifth !== undefined) {
    if (ctx.boxNumber !== undefined && third[0] !== String(ctx.boxNumber)) return false;
    if (
      fourth === REG_STATUS_BLOCK &&
      fifth === REG_STATUS_PARAM &&
      sixth !== undefined &&
      isRegistrationState(sixth)
    ) {
      return setRegistration(state, third, sixth);
    }
    if (fourth === REG_STATUS_BLOCK && fifth === REG_REASON_PARAM && sixth !== undefined) {
      const reason = tokens.slice(5).join(' ');
      return setUaDetail(state, third, { reason: reason === SIP_VALUE_NONE ? null : reason });
    }
    if (fourth === REG_STATUS_BLOCK && fifth === SIP_ACCOUNT_PARAM && sixth !== undefined) {
      const account = parseSipAccount(sixth);
      return account ? setUaDetail(state, third, { account }) : false;
    }
    const notified = notificationStates[fifth];
    if (fourth === 'NOTIFICATION' && ctx.unsolicited && notified !== undefined && state.registration !== null) {
      return setRegistration(state, third, notified);
    }
  }
  return false;
}

function isOneOf<T extends string>(values: readonly T[], value: string | undefined): value is T {
  return value !== undefined && (values as readonly string[]).includes(value);
}

function assign(change: () => unknown): true {
  change();
  return true;
}

function applyCodecLine(state: DeviceState, param: string, value: string): boolean {
  if (!state.codec) return false;
  const codec = state.codec;
  if (param === codecParams.serviceStatus && isOneOf(codecServiceStates, value) && value !== codec.serviceStatus) {
    return assign(() => (codec.serviceStatus = value));
  }
  if (param === codecParams.callStatus && isOneOf(codecCallStates, value) && value !== codec.callStatus) {
    return assign(() => (codec.callStatus = value));
  }
  if (param === codecParams.standby && (value === '0' || value === '1') && (value === '1') !== codec.standby) {
    return assign(() => (codec.standby = value === '1'));
  }
  return false;
}

/** `PLINK <port>` lines: `[PARAM, value…]` or `[CHANNEL, n, PARAM, value]`. */
function applyPlinkLine(state: DeviceState, port: number, rest: string[]): boolean {
  const peripheral = Object.values(state.peripherals).find((candidate) => candidate.plink === port);
  if (!peripheral) return false;
  const [param, value, detail] = rest;
  if (value === undefined) return false;
  if (param === PLINK_CHANNEL) {
    const channel = peripheral.channels[Number(value) - 1];
    const [, , channelParam, channelValue] = rest;
    if (!channel || channelValue === undefined) return false;
    const number = channelValue === PLINK_VALUE_NONE ? null : Number(channelValue);
    if (number !== null && !Number.isFinite(number)) return false;
    if (channelParam === plinkChannelParams.battery && number !== channel.batteryPercent) {
      return assign(() => (channel.batteryPercent = number));
    }
    if (channelParam === plinkChannelParams.rf && number !== channel.rfDbm)
      return assign(() => (channel.rfDbm = number));
    return false;
  }
  if (param === plinkParams.link && isOneOf(plinkLinkStates, value) && value !== peripheral.link) {
    return assign(() => (peripheral.link = value));
  }
  if (param === plinkParams.locate && (value === '0' || value === '1') && (value === '1') !== peripheral.locate) {
    return assign(() => (peripheral.locate = value === '1'));
  }
  if (param === plinkParams.firmwareUpdate) {
    const progress = firmwareProgress(value, detail);
    return progress === undefined || progress === peripheral.firmwareUpdate
      ? false
      : assign(() => (peripheral.firmwareUpdate = progress));
  }
  return false;
}

/** FW_UPDATE words → progress while running, null once idle/done/failed, undefined when unreadable. */
export function firmwareProgress(word: string, detail: string | undefined): number | null | undefined {
  if (word === firmwareUpdateWords.started) return 0;
  if (word === firmwareUpdateWords.progress) {
    const percent = Number(detail);
    if (!Number.isFinite(percent) || percent < 0 || percent > 100) return undefined;
    // 100 is the last step before DONE/FAILED; the transfer still runs until one of them.
    return percent;
  }
  if (word === firmwareUpdateWords.idle || word === firmwareUpdateWords.done || word === firmwareUpdateWords.failed) {
    return null;
  }
  return undefined;
}

function setField<K extends 'locate' | 'safetyMute' | 'temperatureC' | 'voipRestartPending' | 'ftpEnabled'>(
  state: DeviceState,
  key: K,
  value: DeviceState[K],
): boolean {
  if (state[key] === value) return false;
  state[key] = value;
  return true;
}

function setRegistration(state: DeviceState, epn: string, value: RegistrationState): boolean {
  if (state.uaRegistration[epn] === value) return false;
  state.uaRegistration[epn] = value;
  state.registration = overallRegistration(state.uaRegistration);
  return true;
}

function setUaDetail(
  state: DeviceState,
  epn: string,
  change: { account?: SipAccount; reason?: string | null },
): boolean {
  const current = state.uaDetails[epn] ?? { account: null, reason: null };
  const next = { ...current, ...change };
  if (JSON.stringify(next) === JSON.stringify(current)) return false;
  state.uaDetails[epn] = next;
  return true;
}

export function copyDeviceState(state: DeviceState): DeviceState {
  const peripherals: Record<string, PeripheralState> = {};
  for (const [serial, peripheral] of Object.entries(state.peripherals)) {
    peripherals[serial] = { ...peripheral, channels: peripheral.channels.map((channel) => ({ ...channel })) };
  }
  return {
    ...state,
    peripherals,
    codec: state.codec ? { ...state.codec } : null,
    uaRegistration: { ...state.uaRegistration },
    uaDetails: Object.fromEntries(
      Object.entries(state.uaDetails).map(([epn, detail]) => [
        epn,
        { account: detail.account ? { ...detail.account } : null, reason: detail.reason },
      ]),
    ),
    stackStatus: state.stackStatus
      ? { ...state.stackStatus, missing: [...state.stackStatus.missing], mismatched: [...state.stackStatus.mismatched] }
      : null,
  };
}

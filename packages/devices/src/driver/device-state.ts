import type { DeviceModel } from '@tutti/protocol';
import { parseStackStatus, type StackStatus } from '../stack-status.ts';
import {
  REG_STATUS_BLOCK,
  REG_STATUS_PARAM,
  registrationStates,
  systemCommandFor,
  type RegistrationState,
} from '../system-commands.ts';

export interface PeripheralInfo {
  /** 1-based position on the host's P-Link chain. */
  plink: number;
  model: DeviceModel;
  serial: string;
  firmware: string;
  name: string;
}

export interface StackMember {
  boxNumber: number;
  boxName: string;
}

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

/** The part of a box's state that decides its status. */
export interface DeviceState {
  locate: boolean;
  safetyMute: boolean;
  /** Null when the unit does not report a temperature. */
  temperatureC: number | null;
  /** Per VoIP line, keyed by EPN (`101`). Empty for models without VoIP. */
  uaRegistration: Record<string, RegistrationState>;
  /** Overall: FAILED if any line failed, else UNREGISTERED, REGISTERED, DISABLED; null without VoIP lines. */
  registration: RegistrationState | null;
  stackStatus: StackStatus | null;
}

export function emptyDeviceState(): DeviceState {
  return {
    locate: false,
    safetyMute: false,
    temperatureC: null,
    uaRegistration: {},
    registration: null,
    stackStatus: null,
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
  if (verb === 'BOX' && second !== undefined && third !== undefined && fourth !== undefined && fifth !== undefined) {
    if (second !== ctx.boxName) return false;
    const value = tokens.slice(4).join(' ');
    const command = systemCommandFor(third, fourth);
    if (command === 'locate') return setField(state, 'locate', value === '1');
    if (command === 'safetyMute') return setField(state, 'safetyMute', value === '1');
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
    const notified = notificationStates[fifth];
    if (fourth === 'NOTIFICATION' && ctx.unsolicited && notified !== undefined && state.registration !== null) {
      return setRegistration(state, third, notified);
    }
  }
  return false;
}

function setField<K extends 'locate' | 'safetyMute' | 'temperatureC'>(
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

export function copyDeviceState(state: DeviceState): DeviceState {
  return {
    ...state,
    uaRegistration: { ...state.uaRegistration },
    stackStatus: state.stackStatus
      ? { ...state.stackStatus, missing: [...state.stackStatus.missing], mismatched: [...state.stackStatus.mismatched] }
      : null,
  };
}

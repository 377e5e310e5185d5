import type { DeviceStatus } from '@tutti/protocol';
import type { DeviceState } from './device-state.ts';

/** A unit at or above this temperature (°C) is OVERHEATING!. [INV] threshold; real units publish none we could read. */
export const OVERHEAT_THRESHOLD_C = 70;

export interface DeriveStatusInput {
  reachable: boolean;
  loginFailed: boolean;
  restarting?: boolean;
  updatingFirmware?: boolean;
  state?: DeviceState;
}

/**
 * Maps what the agent knows about a Pro Audio DSP to one status code. When several apply, the first in
 * this order wins, most severe and most actionable first:
 * down > login_failed > restarting > updating_firmware > overheating > mismatched_stack >
 * incomplete_stack > voip_registration_failed > safety_mute_on > locate_light_on > healthy.
 */
export function deriveStatus(input: DeriveStatusInput): DeviceStatus {
  if (!input.reachable) return 'down';
  if (input.loginFailed) return 'login_failed';
  if (input.restarting) return 'restarting';
  if (input.updatingFirmware) return 'updating_firmware';
  const state = input.state;
  if (!state) return 'healthy';
  if (state.temperatureC !== null && state.temperatureC >= OVERHEAT_THRESHOLD_C) return 'overheating';
  if (state.stackStatus?.state === 'MISMATCHED') return 'mismatched_stack';
  if (state.stackStatus?.state === 'INCOMPLETE') return 'incomplete_stack';
  if (state.registration === 'FAILED') return 'voip_registration_failed';
  if (state.safetyMute) return 'safety_mute_on';
  if (state.locate) return 'locate_light_on';
  return 'healthy';
}

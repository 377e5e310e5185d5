import { modelInfo, type DeviceModel, type DeviceStatus } from '@tutti/protocol';
import type { DeviceState } from './device-state.ts';
import { voipLineReports } from './voip-lines.ts';

/** A unit at or above this temperature (°C) is OVERHEATING!. [INV] threshold; real units publish none we could read. */
export const OVERHEAT_THRESHOLD_C = 70;

export interface DeriveStatusInput {
  reachable: boolean;
  loginFailed: boolean;
  restarting?: boolean;
  updatingFirmware?: boolean;
  /** The unit's model when known; video models get the video statuses. Defaults to `state.model`. */
  model?: DeviceModel;
  state?: DeviceState;
}

function isVideo(model: DeviceModel | null | undefined): boolean {
  return model !== undefined && model !== null && modelInfo(model).category === 'video';
}

/**
 * Maps what the agent knows about a unit to one status code. When several apply, the first in this
 * order wins, most severe and most actionable first:
 * down > login_failed > restarting > updating_firmware > configuring > unconfigured > overheating >
 * mismatched_stack > incomplete_stack > voip_registration_failed > voip_restart_pending > safety_mute_on >
 * locate_light_on > healthy.
 * Video units (COLLABORATE Live) only know down > communication_service_failed > healthy; a refused
 * login there means the management service cannot use the codec, so it counts as a service failure.
 * Overflowed is never derived here: the hub assigns it from the service plan.
 */
export function deriveStatus(input: DeriveStatusInput): DeviceStatus {
  if (!input.reachable) return 'down';
  const state = input.state;
  if (isVideo(input.model ?? state?.model)) {
    if (input.loginFailed || state?.codec?.serviceStatus === 'FAILED') return 'communication_service_failed';
    return 'healthy';
  }
  if (input.loginFailed) return 'login_failed';
  if (input.restarting || state?.unitState === 'RESTARTING') return 'restarting';
  if (input.updatingFirmware || state?.unitState === 'UPDATING_FIRMWARE') return 'updating_firmware';
  if (!state) return 'healthy';
  if (state.unitState === 'CONFIGURING') return 'configuring';
  if (state.unitState === 'UNCONFIGURED') return 'unconfigured';
  if (state.temperatureC !== null && state.temperatureC >= OVERHEAT_THRESHOLD_C) return 'overheating';
  if (state.stackStatus?.state === 'MISMATCHED') return 'mismatched_stack';
  if (state.stackStatus?.state === 'INCOMPLETE') return 'incomplete_stack';
  // The same per-line states the fleet shows: a failed line whose new settings wait for a restart is pending.
  const lines = voipLineReports(state);
  const failed = lines.length > 0 ? lines.some((line) => line.state === 'failed') : state.registration === 'FAILED';
  if (failed) return 'voip_registration_failed';
  if (state.voipRestartPending || lines.some((line) => line.state === 'restart_pending')) return 'voip_restart_pending';
  if (state.safetyMute) return 'safety_mute_on';
  if (state.locate) return 'locate_light_on';
  return 'healthy';
}

/**
 * Status of a P-Link peripheral, given what is known about its host and the host's state. The host being
 * down, refusing the login or restarting decides first (the peripheral is only reachable through it); then
 * the peripheral's own link, transfer and locate LED. An unknown serial (not in the host's list) is Down.
 */
export function derivePeripheralStatus(host: DeriveStatusInput, serial: string): DeviceStatus {
  if (!host.reachable) return 'down';
  if (host.loginFailed) return 'login_failed';
  if (host.restarting || host.state?.unitState === 'RESTARTING') return 'restarting';
  if (!host.state) return 'healthy';
  const peripheral = host.state.peripherals[serial];
  if (!peripheral || peripheral.link === 'DOWN') return 'down';
  if (peripheral.firmwareUpdate !== null) return 'updating_firmware';
  if (peripheral.locate) return 'locate_light_on';
  return 'healthy';
}

import { deviceStatusCatalog } from '@tutti/protocol';
import { describe, expect, it } from 'vitest';
import { emptyDeviceState, type DeviceState } from './device-state.ts';
import { deriveStatus, OVERHEAT_THRESHOLD_C, type DeriveStatusInput } from './status.ts';

const state = (overrides: Partial<DeviceState> = {}): DeviceState => ({
  ...emptyDeviceState(),
  temperatureC: 40,
  stackStatus: { state: 'OK', missing: [], mismatched: [] },
  ...overrides,
});
const up = (overrides: Partial<DeriveStatusInput> = {}): DeriveStatusInput => ({
  reachable: true,
  loginFailed: false,
  state: state(),
  ...overrides,
});
const everything = state({
  locate: true,
  safetyMute: true,
  temperatureC: OVERHEAT_THRESHOLD_C + 5,
  registration: 'FAILED',
  uaRegistration: { '101': 'FAILED' },
  stackStatus: { state: 'MISMATCHED', missing: [2], mismatched: [3] },
});

describe('deriveStatus', () => {
  it.each<[string, DeriveStatusInput, string]>([
    [
      'unreachable beats everything',
      up({ reachable: false, loginFailed: true, restarting: true, state: everything }),
      'down',
    ],
    ['login failure beats restarting', up({ loginFailed: true, restarting: true, state: everything }), 'login_failed'],
    [
      'restarting beats firmware update',
      up({ restarting: true, updatingFirmware: true, state: everything }),
      'restarting',
    ],
    ['firmware update beats device state', up({ updatingFirmware: true, state: everything }), 'updating_firmware'],
    ['heat beats stack problems', up({ state: everything }), 'overheating'],
    [
      'exactly the threshold is overheating',
      up({ state: state({ temperatureC: OVERHEAT_THRESHOLD_C }) }),
      'overheating',
    ],
    ['just below the threshold is fine', up({ state: state({ temperatureC: OVERHEAT_THRESHOLD_C - 0.1 }) }), 'healthy'],
    ['mismatched beats incomplete', up({ state: { ...everything, temperatureC: 40 } }), 'mismatched_stack'],
    [
      'incomplete beats VoIP',
      up({
        state: { ...everything, temperatureC: 40, stackStatus: { state: 'INCOMPLETE', missing: [2], mismatched: [] } },
      }),
      'incomplete_stack',
    ],
    [
      'VoIP failure beats safety mute',
      up({ state: { ...everything, temperatureC: 40, stackStatus: null } }),
      'voip_registration_failed',
    ],
    ['unregistered is not a failure', up({ state: state({ registration: 'UNREGISTERED' }) }), 'healthy'],
    ['safety mute beats locate', up({ state: state({ safetyMute: true, locate: true }) }), 'safety_mute_on'],
    ['locate light', up({ state: state({ locate: true }) }), 'locate_light_on'],
    ['no temperature reading is not overheating', up({ state: state({ temperatureC: null }) }), 'healthy'],
    ['nothing known yet', { reachable: true, loginFailed: false }, 'healthy'],
    ['all clear', up(), 'healthy'],
  ])('%s', (_name, input, expected) => {
    const status = deriveStatus(input);
    expect(status).toBe(expected);
    expect(Object.keys(deviceStatusCatalog)).toContain(status);
  });
});

import type { VoipLineReport, VoipLineState } from '@tutti/protocol';
import type { RegistrationState } from '../system-commands.ts';
import type { DeviceState } from './device-state.ts';

const lineStates: Record<RegistrationState, VoipLineState> = {
  REGISTERED: 'registered',
  FAILED: 'failed',
  UNREGISTERED: 'unregistered',
  DISABLED: 'disabled',
};

/**
 * Each VoIP line of a box as the fleet reports it: Restart Pending while written settings wait for a VoIP restart
 * (a disabled line stays Disabled), else its registration; the reason only for a failed line. The same state decides
 * the device status (voip_registration_failed before voip_restart_pending, status.ts).
 */
export function voipLineReports(state: DeviceState): VoipLineReport[] {
  return Object.keys(state.uaRegistration)
    .sort()
    .map((epn) => {
      const registration = state.uaRegistration[epn]!;
      const detail = state.uaDetails[epn];
      const account = detail?.account ?? null;
      const pending = account?.pending === true && registration !== 'DISABLED';
      return {
        line: Number(epn.slice(1)),
        state: pending ? 'restart_pending' : lineStates[registration],
        reason: registration === 'FAILED' && !pending ? (detail?.reason ?? null) : null,
        server: account?.server ?? '',
        port: account?.port ?? 0,
        transport: account?.transport ?? 'UDP',
        user: account?.user ?? '',
        extension: account?.extension ?? '',
        displayName: account?.displayName ?? '',
      };
    });
}

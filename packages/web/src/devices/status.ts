import type { DeviceStatus, Severity } from '@tutti/protocol';
import type en from '../i18n/locales/en.json';
import { tintTextColors } from '../shell/tint-text.ts';

type StatusKey = keyof typeof en.deviceStatus;

/** Status code → glossary id; the UI never shows the catalog's English label. */
const statusKeys: Record<DeviceStatus, StatusKey> = {
  healthy: 'healthy',
  configuring: 'configuring',
  down: 'down',
  incomplete_stack: 'incompleteStack',
  locate_light_on: 'locateLightOn',
  login_failed: 'loginFailed',
  mismatched_stack: 'mismatchedStack',
  overheating: 'overheating',
  restarting: 'restarting',
  safety_mute_on: 'safetyMuteOn',
  unconfigured: 'unconfigured',
  updating_firmware: 'updatingFirmware',
  voip_registration_failed: 'voipRegistrationFailed',
  voip_restart_pending: 'voipRestartPending',
  overflowed: 'overflowed',
  communication_service_failed: 'communicationServiceFailed',
};

export function statusLabelKey(status: DeviceStatus): `deviceStatus.${StatusKey}` {
  return `deviceStatus.${statusKeys[status]}`;
}

export const severityColor: Record<Severity, string> = {
  healthy: 'teal',
  issue: 'orange',
  down: 'red',
};

/**
 * Severity as text colour on white, each at least 4.5:1 (WCAG AA); orange's darkest shade is not, so Issue is the
 * darker orange that light badges of the Issue colour use too.
 */
export const severityTextColor: Record<Severity, string> = {
  healthy: 'teal.9',
  issue: tintTextColors.orange,
  down: 'red.9',
};

export function severityLabelKey(
  severity: Severity,
): 'deviceStatus.healthy' | 'dashboard.issues' | 'deviceStatus.down' {
  switch (severity) {
    case 'healthy':
      return 'deviceStatus.healthy';
    case 'issue':
      return 'dashboard.issues';
    case 'down':
      return 'deviceStatus.down';
  }
}

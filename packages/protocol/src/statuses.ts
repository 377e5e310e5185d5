import { z } from 'zod';

export const severities = ['healthy', 'issue', 'down'] as const;
export const severitySchema = z.enum(severities);
export type Severity = z.infer<typeof severitySchema>;

/**
 * Device statuses with their severity. The code is what travels and is stored; the label is
 * the English name users know (the UI translates by code).
 */
export const deviceStatusCatalog = {
  healthy: { label: 'Healthy', severity: 'healthy', audio: true, video: true },
  configuring: { label: 'Configuring', severity: 'issue', audio: true, video: false },
  down: { label: 'Down', severity: 'down', audio: true, video: true },
  incomplete_stack: { label: 'Incomplete Stack', severity: 'issue', audio: true, video: false },
  locate_light_on: { label: 'Locate Light On', severity: 'issue', audio: true, video: false },
  login_failed: { label: 'Login Failed', severity: 'issue', audio: true, video: false },
  mismatched_stack: { label: 'Mismatched Stack', severity: 'issue', audio: true, video: false },
  overheating: { label: 'OVERHEATING!', severity: 'issue', audio: true, video: false },
  restarting: { label: 'Restarting...', severity: 'issue', audio: true, video: false },
  safety_mute_on: { label: 'Safety Mute On', severity: 'issue', audio: true, video: false },
  unconfigured: { label: 'Unconfigured', severity: 'issue', audio: true, video: false },
  updating_firmware: { label: 'Updating Firmware', severity: 'issue', audio: true, video: false },
  voip_registration_failed: { label: 'VoIP Registration Failed', severity: 'issue', audio: true, video: false },
  voip_restart_pending: { label: 'VoIP Restart Pending', severity: 'issue', audio: true, video: false },
  overflowed: { label: 'Overflowed', severity: 'issue', audio: true, video: false },
  communication_service_failed: {
    label: 'Communication Service Failed',
    severity: 'issue',
    audio: false,
    video: true,
  },
} as const satisfies Record<string, { label: string; severity: Severity; audio: boolean; video: boolean }>;

export type DeviceStatus = keyof typeof deviceStatusCatalog;
export const deviceStatuses = Object.keys(deviceStatusCatalog) as [DeviceStatus, ...DeviceStatus[]];
export const deviceStatusSchema = z.enum(deviceStatuses);

export function severityOf(status: DeviceStatus): Severity {
  return deviceStatusCatalog[status].severity;
}

/** Statuses that a given severity covers, for filtering by severity in SQL. */
export function statusesWithSeverity(severity: Severity): DeviceStatus[] {
  return deviceStatuses.filter((status) => deviceStatusCatalog[status].severity === severity);
}

export const monitoringStatusCatalog = {
  active: { label: 'Monitoring System Active', severity: 'healthy' },
  issue: { label: 'Monitoring System Issue', severity: 'issue' },
  off: { label: 'Monitoring System Off', severity: 'down' },
} as const satisfies Record<string, { label: string; severity: Severity }>;

export type MonitoringStatus = keyof typeof monitoringStatusCatalog;
export const monitoringStatusSchema = z.enum(['active', 'issue', 'off']);

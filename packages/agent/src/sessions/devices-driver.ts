import {
  DeviceCommandError,
  DeviceLoginError,
  connectDevice,
  derivePeripheralStatus,
  deriveStatus,
  firmwareUpdateWords,
  probeSubnet,
  systemCommandLine,
  voipLineReports,
  type DeviceState,
} from '@tutti/devices';
import type { DeviceActivity, DeviceDriver } from './device-driver.ts';

function activityOf(payload: string, boxName: string): DeviceActivity | null {
  const line = payload.trim();
  if (line === systemCommandLine(boxName, 'reboot')) return { kind: 'rebooting' };
  const prefix = `${systemCommandLine(boxName, 'firmwareUpdate')} `;
  if (!line.startsWith(prefix)) return null;
  const [word, detail] = line.slice(prefix.length).split(/\s+/);
  if (word === firmwareUpdateWords.progress) {
    const percent = Number(detail);
    return Number.isFinite(percent) ? { kind: 'firmware_progress', percent } : null;
  }
  if (word === firmwareUpdateWords.done) return { kind: 'firmware_done' };
  if (word === firmwareUpdateWords.failed) return { kind: 'firmware_failed' };
  return null;
}

/** The real thing: UDP discovery and telnet sessions from `@tutti/devices`. */
export const devicesDriver: DeviceDriver<DeviceState> = {
  probeSubnet,
  connectDevice,
  deriveStatus,
  derivePeripheralStatus,
  isLoginError: (error) => error instanceof DeviceLoginError,
  isCommandError: (error) => error instanceof DeviceCommandError,
  async readFirmwareUpdate(session, boxName) {
    const reply = await session.command(systemCommandLine(boxName, 'firmwareUpdate'));
    const activity = typeof reply === 'string' ? activityOf(reply, boxName) : null;
    return activity?.kind === 'firmware_progress' ? activity.percent : null;
  },
  activityOf,
  voipLinesOf: voipLineReports,
  ftpEnabledOf: (state) => state.ftpEnabled,
};

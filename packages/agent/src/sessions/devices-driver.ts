import {
  DeviceCommandError,
  DeviceLoginError,
  connectDevice,
  derivePeripheralStatus,
  deriveStatus,
  probeSubnet,
  systemCommandLine,
  type DeviceState,
} from '@tutti/devices';
import type { DeviceActivity, DeviceDriver } from './device-driver.ts';

/**
 * Values of `FW_UPDATE` lines ([INV], DEVICE-PROTOCOL §6.5). `@tutti/devices` keeps them as `firmwareUpdateWords`
 * in its system-command table but does not export that table from its index (and the agent may not import its
 * `src/…`): this copy goes once the package exports it.
 */
const firmwareWords = { progress: 'PROGRESS', done: 'DONE', failed: 'FAILED' } as const;

function activityOf(payload: string, boxName: string): DeviceActivity | null {
  const line = payload.trim();
  if (line === systemCommandLine(boxName, 'reboot')) return { kind: 'rebooting' };
  const prefix = `${systemCommandLine(boxName, 'firmwareUpdate')} `;
  if (!line.startsWith(prefix)) return null;
  const [word, detail] = line.slice(prefix.length).split(/\s+/);
  if (word === firmwareWords.progress) {
    const percent = Number(detail);
    return Number.isFinite(percent) ? { kind: 'firmware_progress', percent } : null;
  }
  if (word === firmwareWords.done) return { kind: 'firmware_done' };
  if (word === firmwareWords.failed) return { kind: 'firmware_failed' };
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
};

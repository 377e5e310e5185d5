import {
  DeviceCommandError,
  DeviceLoginError,
  connectDevice,
  deriveStatus,
  probeSubnet,
  type DeviceState,
} from '@tutti/devices';
import type { DeviceDriver } from './device-driver.ts';

/** The real thing: UDP discovery and telnet sessions from `@tutti/devices`. */
export const devicesDriver: DeviceDriver<DeviceState> = {
  probeSubnet,
  connectDevice,
  deriveStatus,
  isLoginError: (error) => error instanceof DeviceLoginError,
  isCommandError: (error) => error instanceof DeviceCommandError,
};

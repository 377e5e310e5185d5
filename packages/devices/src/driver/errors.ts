/**
 * Errors of the device driver. They are not AppErrors: they describe a device's behaviour, not an API
 * answer, and the agent maps them to device statuses (down, login failed) rather than HTTP codes.
 */
export type DeviceErrorCode =
  'DEVICE_LOGIN_FAILED' | 'DEVICE_TIMEOUT' | 'DEVICE_UNREACHABLE' | 'DEVICE_COMMAND_FAILED' | 'DEVICE_PROTOCOL';

export abstract class DeviceError extends Error {
  abstract readonly code: DeviceErrorCode;
}

/** The device answered `Error Invalid Login`: wrong username or password. */
export class DeviceLoginError extends DeviceError {
  readonly code = 'DEVICE_LOGIN_FAILED';
  override readonly name = 'DeviceLoginError';
}

/** No answer in time (connect, login or a command). */
export class DeviceTimeoutError extends DeviceError {
  readonly code = 'DEVICE_TIMEOUT';
  override readonly name = 'DeviceTimeoutError';
}

/** Connection refused, reset or closed. */
export class DeviceUnreachableError extends DeviceError {
  readonly code = 'DEVICE_UNREACHABLE';
  override readonly name = 'DeviceUnreachableError';
}

/** The device answered a command with `=> Error …`; `payload` is that answer without `=> `. */
export class DeviceCommandError extends DeviceError {
  readonly code = 'DEVICE_COMMAND_FAILED';
  override readonly name = 'DeviceCommandError';
  readonly command: string;
  readonly payload: string;

  constructor(command: string, payload: string) {
    super(`${command}: ${payload}`);
    this.command = command;
    this.payload = payload;
  }
}

/** The device answered something the driver cannot interpret. */
export class DeviceProtocolError extends DeviceError {
  readonly code = 'DEVICE_PROTOCOL';
  override readonly name = 'DeviceProtocolError';
}

export function isDeviceError(value: unknown): value is DeviceError {
  return value instanceof DeviceError;
}

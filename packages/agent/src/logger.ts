import pino, { type Logger } from 'pino';

/** Paths pino blanks out wherever they appear in a log line. */
export const redactPaths = [
  'password',
  '*.password',
  '*.*.password',
  'hub.password',
  'config.hub.password',
  'config.deviceCredentials.password',
  'deviceCredentials.password',
  'credentials.password',
  'newPassword',
  '*.newPassword',
  '*.*.newPassword',
  'credentialsKey',
  'config.credentialsKey',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
];

export function createAgentLogger(level: string): Logger {
  return pino({ level, base: { service: 'agent' }, redact: { paths: redactPaths, censor: '[redacted]' } });
}

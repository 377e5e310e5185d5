import { pino, type Logger } from 'pino';

export function createCliLogger(level: string, pretty: boolean): Logger {
  return pino({
    level,
    redact: {
      paths: ['*.password', 'password', 'req.headers.cookie', 'req.headers.authorization'],
      censor: '[redacted]',
    },
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } } }
      : {}),
  });
}

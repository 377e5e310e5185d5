import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { appError } from '@tutti/protocol';
import type { HubConfig } from '../config/hub-config.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** Sends mail through the configured SMTP server; without one, records that a message was not sent. */
export function createMailer(config: HubConfig['smtp'], log: Logger): Mailer {
  const mailLog = log.child({ module: 'mail' });
  if (!config.host) {
    return {
      async send(message) {
        mailLog.warn({ to: message.to, subject: message.subject }, 'no SMTP server configured; mail not sent');
        await Promise.resolve();
      },
      close: () => undefined,
    };
  }
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    ignoreTLS: config.ignoreTLS,
    ...(config.user ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
  });
  return {
    async send(message) {
      try {
        await transport.sendMail({ from: config.from, ...message });
      } catch (error) {
        mailLog.error({ err: error, to: message.to }, 'mail delivery failed');
        throw appError('MAIL_FAILED');
      }
    },
    close: () => transport.close(),
  };
}

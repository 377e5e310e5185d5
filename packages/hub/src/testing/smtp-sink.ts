import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SunkMail {
  to: string[];
  /** The message with its headers and body decoded (quoted-printable, base64, encoded words), as text. */
  text: string;
  /** The message exactly as received, for tests that decode headers and bodies themselves. */
  raw: string;
}

export interface SmtpSink {
  port: number;
  messages: SunkMail[];
  /** Waits for the next message to `to` that arrived after `since` messages. */
  next(to: string, since?: number): Promise<SunkMail>;
  close(): Promise<void>;
}

function decodeQuotedPrintable(raw: string): string {
  const bytes = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_match, hex: string) => `%${hex}`);
  // Escapes become bytes and the bytes UTF-8 text, so accented and non-Latin text reads as sent.
  return Buffer.from(
    bytes.replace(/%([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
}

/** `=?UTF-8?Q?…?=` and `=?UTF-8?B?…?=` words of a header (a non-ASCII subject), decoded. */
function decodeEncodedWords(header: string): string {
  return header
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_match, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

/** Headers with encoded words decoded, and the body as text whether it travelled quoted-printable or base64. */
function decodeMessage(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  if (split < 0) return decodeQuotedPrintable(raw);
  const headers = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const base64 = /^content-transfer-encoding:\s*base64/im.test(headers);
  const text = base64 ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : decodeQuotedPrintable(body);
  return `${decodeEncodedWords(headers)}\n\n${text}`;
}

/** An SMTP server on 127.0.0.1 that keeps every message in memory, for tests of mail flows. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SunkMail[] = [];
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
          text: decodeMessage(raw),
          raw,
        });
        for (const wake of waiters.splice(0)) wake();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    messages,
    async next(to, since = 0) {
      const wanted = to.toLowerCase();
      for (;;) {
        const found = messages.slice(since).find((message) => message.to.includes(wanted));
        if (found) return found;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The token of the first `path?token=…` link in a message. */
export function linkToken(mail: SunkMail, path: string): string {
  const match = new RegExp(`${path}\\?token=([A-Za-z0-9_%-]+)`).exec(mail.text);
  if (!match) throw new Error(`no ${path} link in mail`);
  return decodeURIComponent(match[1]!);
}

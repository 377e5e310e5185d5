import type { Logger } from 'pino';
import { isLoopbackWebhookUrl, type DeliveryChannel, type Language } from '@tutti/protocol';
import type { Mailer } from '../auth/index.ts';
import type { HubConfig } from '../config/hub-config.ts';
import { closingLines } from './compose.ts';
import { DeliveryFailure } from './delivery-failure.ts';
import { createSmsProvider, type SmsProvider } from './sms-provider.ts';

/** A queued message as a channel sends it. */
export interface OutgoingMessage {
  channel: DeliveryChannel;
  target: string;
  language: Language;
  subject: string;
  body: string;
  acknowledgeUrl: string | null;
  alertsUrl: string;
}

export interface Channels {
  /** Resolves when the channel accepted the message; throws a DeliveryFailure otherwise. */
  send(message: OutgoingMessage): Promise<void>;
}

export interface CreateChannelsOptions {
  config: HubConfig;
  mailer: Mailer;
  log: Logger;
  sms?: SmsProvider;
}

const WEBHOOK_TIMEOUT_MS = 10_000;
/** Slack cuts a section's text at 3000 characters and a header at 150. */
const SLACK_SECTION_LIMIT = 3000;
const SLACK_HEADER_LIMIT = 150;

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** Microsoft Teams incoming webhook (Power Automate workflow or connector): an Adaptive Card. */
export function teamsPayload(message: OutgoingMessage) {
  const closing = closingLines(message.language, message);
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: message.subject, weight: 'Bolder', size: 'Medium', wrap: true },
            ...message.body.split('\n\n').map((block) => ({ type: 'TextBlock', text: block, wrap: true })),
            ...closing.map((line) => ({ type: 'TextBlock', text: line, wrap: true, isSubtle: true })),
          ],
        },
      },
    ],
  };
}

function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack incoming webhook: Block Kit, with `text` as the notification fallback. */
export function slackPayload(message: OutgoingMessage) {
  const closing = closingLines(message.language, message);
  return {
    text: message.subject,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(message.subject, SLACK_HEADER_LIMIT) } },
      { type: 'section', text: { type: 'mrkdwn', text: truncate(slackEscape(message.body), SLACK_SECTION_LIMIT) } },
      { type: 'context', elements: closing.map((line) => ({ type: 'mrkdwn', text: slackEscape(line) })) },
    ],
  };
}

/** Email, SMS, Teams and Slack: how each queued message leaves the hub. */
export function createChannels(options: CreateChannelsOptions): Channels {
  const { config, mailer } = options;
  const sms = options.sms ?? createSmsProvider(config.sms, options.log);

  async function postWebhook(url: string, payload: unknown): Promise<void> {
    if (isLoopbackWebhookUrl(url) && !config.alerts.allowLoopbackWebhooks) {
      throw new DeliveryFailure('Webhooks to loopback addresses are not allowed on this hub.', true);
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (error) {
      throw new DeliveryFailure(`The webhook could not be reached: ${(error as Error).message}`, false);
    }
    if (!response.ok) {
      const permanent = [400, 403, 404, 410].includes(response.status);
      throw new DeliveryFailure(`The webhook answered HTTP ${response.status}.`, permanent);
    }
  }

  return {
    async send(message) {
      switch (message.channel) {
        case 'email': {
          if (!config.smtp.host) throw new DeliveryFailure('No SMTP server is configured on this hub.', true);
          const text = [message.body, '', ...closingLines(message.language, message)].join('\n');
          try {
            await mailer.send({ to: message.target, subject: message.subject, text });
          } catch (error) {
            throw new DeliveryFailure(`The SMTP server did not accept the message: ${(error as Error).message}`, false);
          }
          return;
        }
        case 'sms': {
          const text = [message.subject, ...(message.acknowledgeUrl ? [message.acknowledgeUrl] : [])].join('\n');
          await sms.send(message.target, text);
          return;
        }
        case 'teams':
          return postWebhook(message.target, teamsPayload(message));
        case 'slack':
          return postWebhook(message.target, slackPayload(message));
      }
    },
  };
}

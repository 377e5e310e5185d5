import type { Logger } from 'pino';
import type { HubConfig } from '../config/hub-config.ts';
import { DeliveryFailure } from './delivery-failure.ts';

/** Sends one text message; throws a DeliveryFailure with the reason when it could not. */
export interface SmsProvider {
  send(to: string, text: string): Promise<void>;
}

const SMS_TIMEOUT_MS = 10_000;

/** The SMS provider the hub settings name: an HTTP API, the log (demo), or none. */
export function createSmsProvider(config: HubConfig['sms'], log: Logger): SmsProvider {
  const smsLog = log.child({ module: 'sms' });
  switch (config.provider) {
    case 'none':
      return {
        send: () => Promise.reject(new DeliveryFailure('No SMS provider is configured on this hub.', true)),
      };
    case 'console':
      return {
        async send(to, text) {
          smsLog.info({ to, text }, 'text message (console SMS provider)');
          await Promise.resolve();
        },
      };
    case 'http':
      return {
        async send(to, text) {
          let response: Response;
          try {
            response = await fetch(config.url!, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                ...(config.token ? { authorization: `Bearer ${config.token}` } : {}),
              },
              body: JSON.stringify({ to, text, ...(config.from ? { from: config.from } : {}) }),
              signal: AbortSignal.timeout(SMS_TIMEOUT_MS),
            });
          } catch (error) {
            throw new DeliveryFailure(`The SMS provider could not be reached: ${(error as Error).message}`, false);
          }
          if (!response.ok) {
            // 4xx other than 408/429 will not get better by retrying (a bad number, a bad token).
            const permanent = response.status >= 400 && response.status < 500 && ![408, 429].includes(response.status);
            throw new DeliveryFailure(`The SMS provider answered HTTP ${response.status}.`, permanent);
          }
        },
      };
  }
}

import type { WebhookDeliveryEventType, WebhookSubscriptionDto } from '@tutti/protocol';

/** Translation key of each event type a delivery can carry (event names contain dots, which i18next splits on). */
export const eventTypeLabelKey = {
  'device.status': 'webhooks.events.deviceStatus',
  'job.finished': 'webhooks.events.jobFinished',
  'alert.raised': 'webhooks.events.alertRaised',
  'alert.resolved': 'webhooks.events.alertResolved',
  'webhook.test': 'webhooks.events.test',
} as const satisfies Record<WebhookDeliveryEventType, string>;

export const deliveryStatusColor = { pending: 'yellow', succeeded: 'teal', failed: 'red' } as const;

/** On, turned off by someone, or turned off by the hub after failed attempts in a row. */
export function subscriptionState(subscription: WebhookSubscriptionDto): 'enabled' | 'manual' | 'failures' {
  if (subscription.enabled) return 'enabled';
  return subscription.disabledReason ?? 'manual';
}

export const stateColor = { enabled: 'teal', manual: 'gray', failures: 'red' } as const;

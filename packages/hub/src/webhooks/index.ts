export { registerWebhookRoutes } from './webhooks.routes.ts';
export {
  deliverDueWebhooks,
  emitDeviceStatusWebhooks,
  emitWebhookEvent,
  emitWebhookEvents,
  scheduleWebhookTasks,
  type WebhookEvent,
} from './webhooks.service.ts';
export { webhookSignature } from './webhook-sender.ts';

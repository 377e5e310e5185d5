export {
  deliverPending,
  enqueueMessages,
  listAlertDeliveries,
  readAcknowledgeLink,
  useAcknowledgeLink,
  type AcknowledgeLink,
  type AcknowledgeLinkUse,
  type DeliveryRun,
  type QueuedMessage,
} from './notifications.service.ts';
export { composeMessage, type Notice } from './compose.ts';

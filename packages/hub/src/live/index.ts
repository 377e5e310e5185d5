export { createLocalLiveBus } from './live-bus.ts';
export type { LiveBus, DeviceChange } from './live-bus.ts';
export { createNatsLiveBus, type NatsLiveBus, type NatsLiveBusOptions } from './nats-live-bus.ts';
export { registerLiveRoutes } from './live.routes.ts';
export { createRelayedChatBus } from './chat-relay.ts';

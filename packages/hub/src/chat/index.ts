export { createLocalChatBus, isAddressedTo, type ChatBus, type ChatEvent } from './chat-bus.ts';
export { registerChatRoutes } from './chat.routes.ts';
export { registerChatSocket } from './chat-socket.ts';
export { chatCallerOf, listChatPeople, type ChatCaller } from './chat.service.ts';

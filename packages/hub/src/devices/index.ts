export { registerDeviceRoutes } from './devices.routes.ts';
export { applyAgentEvents, deviceDtosByIds, toDeviceDto } from './devices.service.ts';
export { countDeviceEvents } from './devices.queries.ts';

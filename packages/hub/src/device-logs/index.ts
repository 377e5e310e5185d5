export { registerDeviceLogRoutes } from './device-logs.routes.ts';

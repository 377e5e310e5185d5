export { registerDeviceLogRoutes } from './device-logs.routes.ts';
export { scheduleDeviceLogTasks } from './device-logs.service.ts';

export { registerDeviceRoutes } from './devices.routes.ts';
export {
  applyAgentEvents,
  countDevices,
  deviceDtosByIds,
  recentStatusChanges,
  toDeviceDto,
  type DeviceCount,
  type PlanOverride,
  type RecentStatusChange,
} from './devices.service.ts';
export { countDeviceEvents } from './devices.queries.ts';
export { proAudioDeviceLimit } from './plan-limit.ts';

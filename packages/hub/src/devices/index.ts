export { registerDeviceRoutes } from './devices.routes.ts';
export {
  applyAgentEvents,
  countDevices,
  countDevicesByLocation,
  deviceDtosByIds,
  recentStatusChanges,
  toDeviceDto,
  type DeviceCount,
  type LocationDeviceCount,
  type PlanOverride,
  type RecentStatusChange,
} from './devices.service.ts';
export { countDeviceEvents } from './devices.queries.ts';
export { proAudioDeviceLimit } from './plan-limit.ts';

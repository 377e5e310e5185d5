export { registerVoipRoutes } from './voip.routes.ts';
export { storeVoipReports, type VoipReport } from './voip.service.ts';
export { openVoipInput } from './voip-input.ts';

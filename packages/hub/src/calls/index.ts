export { registerCallRoutes } from './calls.routes.ts';
export { signalEvent } from './calls.service.ts';

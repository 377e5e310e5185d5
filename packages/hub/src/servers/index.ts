export { registerServerRoutes } from './servers.routes.ts';

export { registerTokenRoutes } from './tokens.routes.ts';

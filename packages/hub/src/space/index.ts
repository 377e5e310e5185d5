export { registerSpaceRoutes } from './space.routes.ts';

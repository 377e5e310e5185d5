export { registerLocationRoutes } from './locations.routes.ts';
export { listLocations } from './locations.service.ts';

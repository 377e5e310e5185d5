export { registerDashboardRoutes } from './dashboard.routes.ts';
export { getDashboard } from './dashboard.service.ts';

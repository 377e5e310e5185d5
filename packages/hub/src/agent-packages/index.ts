export { registerAgentPackageRoutes } from './agent-packages.routes.ts';
export { listAgentPackages } from './agent-packages.service.ts';

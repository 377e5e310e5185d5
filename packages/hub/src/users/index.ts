export { registerUserRoutes } from './users.routes.ts';
export { addMember } from './users.service.ts';

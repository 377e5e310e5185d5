export { ensureOrganization, ensureMember, organizationName } from './orgs.service.ts';
export type { OrganizationKind } from './orgs.service.ts';
export { registerOrganizationRoutes } from './orgs.routes.ts';

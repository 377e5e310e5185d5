export { ensureOrganization, ensureMember, listOrganizations, organizationName } from './orgs.service.ts';
export type { OrganizationKind } from './orgs.service.ts';
export { registerOrganizationRoutes } from './orgs.routes.ts';

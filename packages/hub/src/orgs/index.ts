export { ensureOrganization, ensureMember } from './orgs.service.ts';
export type { OrganizationKind } from './orgs.service.ts';

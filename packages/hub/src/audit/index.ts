export { recordAudit, verifyAuditChain } from './audit.service.ts';
export type { AuditEntry, AuditChainReport } from './audit.service.ts';
export { registerAuditRoutes } from './audit.routes.ts';

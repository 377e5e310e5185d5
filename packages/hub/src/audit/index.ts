export { recordAudit } from './audit.service.ts';
export type { AuditEntry } from './audit.service.ts';

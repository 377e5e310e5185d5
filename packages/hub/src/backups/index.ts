export { registerBackupRoutes } from './backups.routes.ts';
export { getBackup, newestBackupsOf } from './backups.service.ts';

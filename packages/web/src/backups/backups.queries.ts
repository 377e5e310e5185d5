import { queryOptions } from '@tanstack/react-query';
import { api } from '../api.ts';

export const backupsQueryKey = ['backups'] as const;

/** Every stored backup of the organization, newest version first per device. */
export function backupsQueryOptions() {
  return queryOptions({ queryKey: [...backupsQueryKey, 'list'], queryFn: () => api.listBackups() });
}

export function backupVerificationQueryOptions(deviceId: string) {
  return queryOptions({
    queryKey: [...backupsQueryKey, 'verification', deviceId],
    queryFn: () => api.verifyBackups(deviceId),
  });
}

export function backupDiffQueryOptions(from: string, to: string) {
  return queryOptions({
    queryKey: [...backupsQueryKey, 'diff', from, to],
    queryFn: () => api.diffBackups({ from, to }),
  });
}

export const configurationsQueryKey = ['configurations'] as const;

export function configurationsQueryOptions() {
  return queryOptions({ queryKey: configurationsQueryKey, queryFn: () => api.listConfigurations() });
}

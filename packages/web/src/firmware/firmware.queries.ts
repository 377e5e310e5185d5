import { queryOptions } from '@tanstack/react-query';
import { api } from '../api.ts';

export const firmwareQueryKey = ['firmware'] as const;

export function firmwareQueryOptions() {
  return queryOptions({ queryKey: firmwareQueryKey, queryFn: () => api.listFirmware() });
}

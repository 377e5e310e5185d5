import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { DeviceStatus, Severity } from '@tutti/protocol';
import { api } from '../api.ts';

export interface DeviceListParams {
  q: string;
  severity: Severity | null;
  status: DeviceStatus[];
  sort: string;
  page: number;
  limit: number;
}

export const devicesQueryKey = ['devices', 'list'] as const;

export function devicesQueryOptions(params: DeviceListParams) {
  return queryOptions({
    queryKey: [...devicesQueryKey, params],
    queryFn: () =>
      api.listDevices({
        q: params.q || undefined,
        severity: params.severity ?? undefined,
        status: params.status.length > 0 ? params.status : undefined,
        sort: params.sort,
        page: params.page,
        limit: params.limit,
      }),
    // Keep the old page on screen while the next one loads, instead of flashing an empty table.
    placeholderData: keepPreviousData,
  });
}

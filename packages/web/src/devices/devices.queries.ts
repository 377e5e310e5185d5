import { infiniteQueryOptions, keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { DeviceModel, DeviceStatus, Severity } from '@tutti/protocol';
import { api } from '../api.ts';

export interface DeviceListParams {
  q: string;
  severity: Severity | null;
  status: DeviceStatus[];
  model: DeviceModel[];
  location: string | null;
  updateAvailable: boolean;
  sort: string;
  page: number;
  limit: number;
}

/** Every device query lives under this key, so one live refresh covers lists, details and histories. */
export const devicesRootKey = ['devices'] as const;
export const devicesQueryKey = ['devices', 'list'] as const;
export const deviceDetailKey = ['devices', 'detail'] as const;

export function devicesQueryOptions(params: DeviceListParams) {
  return queryOptions({
    queryKey: [...devicesQueryKey, params],
    queryFn: () =>
      api.listDevices({
        q: params.q || undefined,
        severity: params.severity ?? undefined,
        status: params.status.length > 0 ? params.status : undefined,
        model: params.model.length > 0 ? params.model : undefined,
        location: params.location ?? undefined,
        updateAvailable: params.updateAvailable ? 'true' : undefined,
        sort: params.sort,
        page: params.page,
        limit: params.limit,
      }),
    // Keep the old page on screen while the next one loads, instead of flashing an empty table.
    placeholderData: keepPreviousData,
  });
}

export function deviceQueryOptions(id: string) {
  return queryOptions({ queryKey: [...deviceDetailKey, id], queryFn: () => api.getDevice(id) });
}

export const HISTORY_PAGE_SIZE = 25;

export function deviceHistoryQueryOptions(id: string) {
  return infiniteQueryOptions({
    queryKey: ['devices', 'history', id],
    queryFn: ({ pageParam }) => api.deviceHistory(id, { cursor: pageParam, limit: HISTORY_PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

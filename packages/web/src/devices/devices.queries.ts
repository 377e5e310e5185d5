import { infiniteQueryOptions, keepPreviousData, queryOptions, type QueryClient } from '@tanstack/react-query';
import type { DeviceList, DeviceModel, DeviceStatus, Severity } from '@tutti/protocol';
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
/**
 * The total and the counts by severity of one set of filters. Counting reads every matching device, so a page turn
 * or a new sort of counted filters asks for the page alone; new filters, or a live refresh (which invalidates
 * everything under `devices`), count again.
 */
const deviceCountsKey = ['devices', 'counts'] as const;
type ListCounts = Pick<DeviceList, 'total' | 'counts'>;

export function devicesQueryOptions(params: DeviceListParams, queryClient: QueryClient) {
  const { sort: _sort, page: _page, limit: _limit, ...filters } = params;
  const countsKey = [...deviceCountsKey, filters];
  return queryOptions({
    queryKey: [...devicesQueryKey, params],
    queryFn: async (): Promise<DeviceList> => {
      const query = {
        q: params.q || undefined,
        severity: params.severity ?? undefined,
        status: params.status.length > 0 ? params.status : undefined,
        model: params.model.length > 0 ? params.model : undefined,
        location: params.location ?? undefined,
        updateAvailable: params.updateAvailable ? ('true' as const) : undefined,
        sort: params.sort,
        page: params.page,
        limit: params.limit,
      };
      const known = queryClient.getQueryState<ListCounts>(countsKey);
      if (known?.data && !known.isInvalidated) return { ...(await api.listDevicePage(query)), ...known.data };
      const list = await api.listDevices(query);
      queryClient.setQueryData<ListCounts>(countsKey, { total: list.total, counts: list.counts });
      return list;
    },
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

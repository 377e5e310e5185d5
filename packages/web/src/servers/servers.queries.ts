import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { ServerListQuery } from '@tutti/protocol';
import { api } from '../api.ts';

export const serversQueryKey = ['servers'] as const;

/** What narrows the servers list, as the API takes it (the CSV export uses the same). */
export type ServerFilters = Pick<ServerListQuery, 'q' | 'status' | 'monitoringSystem'>;

export function serversQueryOptions(params: { filters: ServerFilters; page: number; limit: number; sort: string }) {
  return queryOptions({
    queryKey: [...serversQueryKey, params],
    queryFn: () =>
      api.listServers({
        ...params.filters,
        page: params.page,
        limit: params.limit,
        sort: params.sort as ServerListQuery['sort'],
      }),
    placeholderData: keepPreviousData,
  });
}

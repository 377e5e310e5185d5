import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { ServerListQuery } from '@tutti/protocol';
import { api } from '../api.ts';

export const serversQueryKey = ['servers'] as const;

export function serversQueryOptions(params: { q: string; page: number; limit: number; sort: string }) {
  return queryOptions({
    queryKey: [...serversQueryKey, params],
    queryFn: () =>
      api.listServers({
        q: params.q || undefined,
        page: params.page,
        limit: params.limit,
        sort: params.sort as ServerListQuery['sort'],
      }),
    placeholderData: keepPreviousData,
  });
}

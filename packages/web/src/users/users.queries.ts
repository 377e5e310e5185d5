import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { UserListQuery } from '@tutti/protocol';
import { api } from '../api.ts';

export const usersQueryKey = ['users'] as const;

export function usersQueryOptions(params: { q: string; page: number; limit: number; sort: string }) {
  return queryOptions({
    queryKey: [...usersQueryKey, params],
    queryFn: () =>
      api.listUsers({
        q: params.q || undefined,
        page: params.page,
        limit: params.limit,
        sort: params.sort as UserListQuery['sort'],
      }),
    placeholderData: keepPreviousData,
  });
}

import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { OrgUserDto, Role, UserListQuery } from '@tutti/protocol';
import { api } from '../api.ts';

export const usersQueryKey = ['users'] as const;

export function usersQueryOptions(params: {
  q: string;
  status: OrgUserDto['status'] | null;
  role: Role | null;
  page: number;
  limit: number;
  sort: string;
}) {
  return queryOptions({
    queryKey: [...usersQueryKey, params],
    queryFn: () =>
      api.listUsers({
        q: params.q || undefined,
        status: params.status ?? undefined,
        role: params.role ?? undefined,
        page: params.page,
        limit: params.limit,
        sort: params.sort as UserListQuery['sort'],
      }),
    placeholderData: keepPreviousData,
  });
}

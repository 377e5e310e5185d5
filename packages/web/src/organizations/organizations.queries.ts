import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { OrganizationListQuery, OrganizationStatus } from '@tutti/protocol';
import { api } from '../api.ts';

export const organizationsQueryKey = ['organizations'] as const;

export function organizationsQueryOptions(params: {
  q: string;
  status: OrganizationStatus | null;
  page: number;
  limit: number;
  sort: string;
}) {
  return queryOptions({
    queryKey: [...organizationsQueryKey, params],
    queryFn: () =>
      api.listOrganizations({
        q: params.q || undefined,
        status: params.status ?? undefined,
        page: params.page,
        limit: params.limit,
        sort: params.sort as OrganizationListQuery['sort'],
      }),
    placeholderData: keepPreviousData,
  });
}

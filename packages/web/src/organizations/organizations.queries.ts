import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { OrganizationListQuery } from '@tutti/protocol';
import { api } from '../api.ts';

export const organizationsQueryKey = ['organizations'] as const;

/** What narrows the organizations list, as the API takes it (the CSV export uses the same). */
export type OrganizationFilters = Pick<
  OrganizationListQuery,
  'q' | 'status' | 'startFrom' | 'startTo' | 'endFrom' | 'endTo' | 'hasServers'
>;

export function organizationsQueryOptions(params: {
  filters: OrganizationFilters;
  page: number;
  limit: number;
  sort: string;
}) {
  return queryOptions({
    queryKey: [...organizationsQueryKey, params],
    queryFn: () =>
      api.listOrganizations({
        ...params.filters,
        page: params.page,
        limit: params.limit,
        sort: params.sort as OrganizationListQuery['sort'],
      }),
    placeholderData: keepPreviousData,
  });
}

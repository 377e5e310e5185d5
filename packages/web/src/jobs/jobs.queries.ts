import { keepPreviousData, queryOptions, type QueryClient } from '@tanstack/react-query';
import {
  JOBS_LIVE_PATH,
  jobLiveMessageSchema,
  type JobDetail,
  type JobDto,
  type JobList,
  type JobListQuery,
  type JobTargetDto,
} from '@tutti/protocol';
import { api } from '../api.ts';
import { openReconnectingSocket } from '../shared/reconnecting-socket.ts';

export const jobsQueryKey = ['jobs'] as const;

/** What narrows the jobs list, as the API takes it (the CSV export uses the same). */
export type JobFilters = Pick<JobListQuery, 'q' | 'state' | 'kind' | 'createdBy' | 'from' | 'to'>;

export function jobsQueryOptions(params: { filters: JobFilters; page: number; limit: number; sort: string }) {
  return queryOptions({
    queryKey: [...jobsQueryKey, 'list', params],
    queryFn: () =>
      api.listJobs({
        ...params.filters,
        sort: params.sort as JobListQuery['sort'],
        page: params.page,
        limit: params.limit,
      }),
    placeholderData: keepPreviousData,
  });
}

export function jobQueryOptions(id: string) {
  return queryOptions({ queryKey: [...jobsQueryKey, 'detail', id], queryFn: () => api.getJob(id) });
}

function mergeTargets(current: JobTargetDto[], changed: JobTargetDto[]): JobTargetDto[] {
  const byId = new Map(changed.map((target) => [target.id, target]));
  return current.map((target) => byId.get(target.id) ?? target);
}

/** Applies a live job change to the cached list pages and to the cached detail of that job. */
export function applyJobChange(queryClient: QueryClient, job: JobDto, targets: JobTargetDto[]): void {
  queryClient.setQueriesData<JobList>({ queryKey: [...jobsQueryKey, 'list'] }, (list) =>
    list ? { ...list, items: list.items.map((item) => (item.id === job.id ? job : item)) } : list,
  );
  queryClient.setQueryData<JobDetail>([...jobsQueryKey, 'detail', job.id], (detail) =>
    detail ? { ...job, targets: mergeTargets(detail.targets, targets) } : detail,
  );
}

/**
 * Opens `/live/jobs` while a jobs screen is shown and keeps it open; every change lands in the query cache, so
 * progress bars move without polling. Each `ready` (first connect and every reconnect) refetches the cached jobs:
 * a job that finished between the page's first fetch and the subscription would otherwise look running forever.
 */
export function connectJobsLive(queryClient: QueryClient): () => void {
  const socket = openReconnectingSocket({
    path: JOBS_LIVE_PATH,
    schema: jobLiveMessageSchema,
    onMessage: (message) => {
      if (message.type === 'ready') void queryClient.invalidateQueries({ queryKey: jobsQueryKey });
      else applyJobChange(queryClient, message.job, message.targets);
    },
  });
  return () => socket.close();
}

import { keepPreviousData, queryOptions, type QueryClient } from '@tanstack/react-query';
import {
  JOBS_LIVE_PATH,
  jobLiveMessageSchema,
  type JobDetail,
  type JobDto,
  type JobList,
  type JobListQuery,
  type JobState,
  type JobTargetDto,
} from '@tutti/protocol';
import { api } from '../api.ts';

export const jobsQueryKey = ['jobs'] as const;

export function jobsQueryOptions(params: { state: JobState | null; page: number; limit: number; sort: string }) {
  return queryOptions({
    queryKey: [...jobsQueryKey, 'list', params],
    queryFn: () =>
      api.listJobs({
        state: params.state ?? undefined,
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
 * Opens `/live/jobs` while a jobs screen is shown and keeps it open (jittered backoff); every change lands in the
 * query cache, so progress bars move without polling. A reconnect refetches what may have been missed.
 */
export function connectJobsLive(queryClient: QueryClient): () => void {
  let socket: WebSocket | null = null;
  let attempt = 0;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const open = () => {
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const current = new WebSocket(`${scheme}//${window.location.host}${JOBS_LIVE_PATH}`);
    socket = current;
    current.onopen = () => {
      if (attempt > 0) void queryClient.invalidateQueries({ queryKey: jobsQueryKey });
      attempt = 0;
    };
    current.onmessage = (event: MessageEvent) => {
      if (typeof event.data !== 'string') return;
      let json: unknown;
      try {
        json = JSON.parse(event.data);
      } catch {
        return;
      }
      const parsed = jobLiveMessageSchema.safeParse(json);
      if (parsed.success && parsed.data.type === 'job.changed') {
        applyJobChange(queryClient, parsed.data.job, parsed.data.targets);
      }
    };
    current.onclose = () => {
      if (socket === current) socket = null;
      if (closed) return;
      const delay = Math.min(30_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
      attempt += 1;
      timer = setTimeout(open, delay);
    };
  };
  open();
  return () => {
    closed = true;
    clearTimeout(timer);
    socket?.close();
  };
}

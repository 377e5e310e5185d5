import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  API_PREFIX,
  createJobRequestSchema,
  deviceFtpStateSchema,
  errorBodySchema,
  idParamsSchema,
  jobDetailSchema,
  jobDtoSchema,
  jobListQuerySchema,
  jobListSchema,
  JOBS_LIVE_PATH,
  jobTargetDtoSchema,
  type JobLiveMessage,
} from '@tutti/protocol';
import { z } from 'zod';
import { clientInfo, requireAuth, requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { JOBS_TOPIC } from './job-dispatcher.ts';
import { cancelJob, createJob, deviceFtpState, getJob, listJobs, retryJob } from './jobs.service.ts';

const jobChangeSchema = z.object({ orgId: z.string(), job: jobDtoSchema, targets: z.array(jobTargetDtoSchema) });
/** Above this many unsent bytes a slow browser gets no new frame; its pending changes keep coalescing instead. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export function registerJobRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

  routes.get(
    `${API_PREFIX}/jobs`,
    {
      schema: {
        tags: ['jobs'],
        summary:
          'Jobs of the current organization, newest first, with per-state counts and progress; search, filter by state, operation, creator and dates',
        querystring: jobListQuerySchema,
        response: { 200: jobListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      return withTenant(context.db, auth.orgIds, (tx) => listJobs(tx, auth.orgId, request.query));
    },
  );

  routes.get(
    `${API_PREFIX}/jobs/:id`,
    {
      schema: {
        tags: ['jobs'],
        summary: 'One job with every target: state, progress, reason of a failure, outcome',
        params: idParamsSchema,
        response: { 200: jobDetailSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      return withTenant(context.db, auth.orgIds, (tx) => getJob(tx, auth.orgId, request.params.id));
    },
  );

  routes.post(
    `${API_PREFIX}/jobs`,
    {
      schema: {
        tags: ['jobs'],
        summary:
          'Start an operation on many devices (locate, safety mute, reboot, firmware update), in waves with a concurrency limit and a failure threshold',
        body: createJobRequestSchema,
        response: { 201: jobDetailSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'devices.view');
      const job = await withTenant(context.db, auth.orgIds, (tx) =>
        createJob(tx, auth, request.body, clientInfo(request), context.clock.now(), context.secrets),
      );
      await context.jobs.pump(job.id);
      return reply.status(201).send(job);
    },
  );

  routes.get(
    `${API_PREFIX}/devices/:id/ftp`,
    {
      schema: {
        tags: ['jobs'],
        summary:
          "A device's FTP as Tutti's newest succeeded FTP job set it and as the device last reported it (null when unknown)",
        params: idParamsSchema,
        response: { 200: deviceFtpStateSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      return withTenant(context.db, auth.orgIds, (tx) => deviceFtpState(tx, auth.orgId, request.params.id));
    },
  );

  routes.post(
    `${API_PREFIX}/jobs/:id/cancel`,
    {
      schema: {
        tags: ['jobs'],
        summary: 'Cancel the targets that have not started; started ones finish',
        params: idParamsSchema,
        response: { 200: jobDetailSchema, ...denied, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.control');
      const job = await withTenant(context.db, auth.orgIds, (tx) =>
        cancelJob(tx, auth, request.params.id, clientInfo(request), context.clock.now()),
      );
      await context.jobs.cancelOnAgents(job.id);
      await context.jobs.pump(job.id);
      return job;
    },
  );

  routes.post(
    `${API_PREFIX}/jobs/:id/retry`,
    {
      schema: {
        tags: ['jobs'],
        summary: 'Run the failed targets again as a new attempt',
        params: idParamsSchema,
        response: { 200: jobDetailSchema, ...denied, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'devices.view');
      const job = await withTenant(context.db, auth.orgIds, (tx) =>
        retryJob(tx, auth, request.params.id, clientInfo(request), context.clock.now()),
      );
      await context.jobs.pump(job.id);
      return job;
    },
  );

  app.get(
    JOBS_LIVE_PATH,
    {
      websocket: true,
      preValidation: async (request) => {
        requirePermission(request, 'devices.view');
      },
    },
    (socket, request) => {
      const auth = requireAuth(request);
      const pending = new Map<string, Extract<JobLiveMessage, { type: 'job.changed' }>>();
      const send = (message: JobLiveMessage) => socket.send(JSON.stringify(message));
      const flush = () => {
        if (pending.size === 0 || socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) return;
        for (const message of pending.values()) send(message);
        pending.clear();
      };
      const timer = setInterval(flush, context.config.liveFlushMs);
      const unsubscribe = context.bus.onBroadcast(JOBS_TOPIC, (data) => {
        const parsed = jobChangeSchema.safeParse(data);
        if (!parsed.success || parsed.data.orgId !== auth.orgId) return;
        const { job, targets } = parsed.data;
        // Coalesced per job: the newest counts, and the newest state of every target that changed meanwhile.
        const merged = new Map((pending.get(job.id)?.targets ?? []).map((target) => [target.id, target]));
        for (const target of targets) merged.set(target.id, target);
        pending.set(job.id, { type: 'job.changed', job, targets: [...merged.values()] });
      });
      socket.on('close', () => {
        clearInterval(timer);
        unsubscribe();
      });
      socket.on('message', () => undefined);
      send({ type: 'ready' });
    },
  );
}

import { randomUUID } from 'node:crypto';
import { eq, isNull } from 'drizzle-orm';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  jobOperationSchema,
  type AgentJob,
  type AgentJobTarget,
  type HubMessage,
  type JobDto,
  type JobOperation,
} from '@tutti/protocol';
import type { AgentLinks } from '../agents/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Clock } from '../clock/index.ts';
import type { Db, Tx } from '../db/index.ts';
import { jobs } from '../db/schema.ts';
import { getFirmware } from '../firmware/index.ts';
import type { LiveBus } from '../live/index.ts';
import type { SecretBox } from '../secrets/index.ts';
import { openVoipInput } from '../voip/voip-input.ts';
import { issueJobToken, JOB_TOKEN_TTL_MS } from './job-tokens.ts';
import {
  cancelUndispatched,
  countTargets,
  agentsOfJob,
  dispatchedOpenTargets,
  failedSerials,
  highestWave,
  inFlightCount,
  jobsAwaitingAgent,
  lockJob,
  markDispatched,
  openTargetsInWave,
  releasableTargets,
  targetDevices,
  updateJob,
  type JobRow,
} from './jobs.queries.ts';
import { DEVICE_PASSWORD_PURPOSE, jobChange } from './jobs.service.ts';

/**
 * Jobs are woken by what changes them (created, retried, cancelled, a target finished, an agent connected, a wave
 * pause ended), on every node through the bus. This slow sweep only catches what a dead node or a lost message left.
 */
const SWEEP_MS = 30_000;
export const FIRMWARE_FILE_PATH = '/agent/v1/files/firmware';
/** Bus topic of job changes; every hub node forwards them to its browsers of the job's organization. */
export const JOBS_TOPIC = 'jobs.changed';
/** Bus topic that asks every hub node to look at a job again (its agents may be connected to any node). */
export const JOBS_WAKE_TOPIC = 'jobs.wake';
const wakeSchema = z.object({ jobId: z.uuid(), from: z.string(), cancel: z.boolean().optional() });

/** What `job.finished` webhooks carry: the job as the API shows it, and which devices failed. */
export interface FinishedJob {
  orgId: string;
  job: JobDto;
  failedSerials: string[];
}

const backupInputSchema = z.object({ backupId: z.uuid() });

function backupInputOf(input: unknown): { backupId?: string } {
  const parsed = backupInputSchema.safeParse(input);
  return parsed.success ? { backupId: parsed.data.backupId } : {};
}

const passwordInputSchema = z.object({ sealedPassword: z.string() });

export interface JobDispatcherOptions {
  db: Db;
  links: AgentLinks;
  bus: LiveBus;
  secrets: SecretBox;
  clock: Clock;
  log: Logger;
  /** Called after the commit that finished a job (completed, halted or cancelled): the job.finished webhook. */
  onJobFinished?: (finished: FinishedJob) => Promise<void>;
}

/**
 * Releases job targets to the agents connected to this hub node: respecting each job's concurrency, waves and
 * pauses, halting a job whose failures pass its threshold, and finishing jobs once every target has an outcome.
 * Everything it decides is stored first (under the job's row lock) and sent after commit; an agent that reconnects
 * is sent its unfinished targets again and ignores those it already holds.
 */
export interface JobDispatcher {
  start(): void;
  close(): void;
  /** Re-evaluates one job now (after it was created, retried or cancelled), and wakes it on the other nodes. */
  pump(jobId: string): Promise<void>;
  /** Targets of these jobs changed (agent reports): publish them, then re-evaluate the jobs. */
  targetsChanged(orgId: string, changed: Map<string, string[]>): Promise<void>;
  /** An agent (re)connected to this node: hand it its unfinished targets again, and wake the jobs waiting for it. */
  agentConnected(agentId: string): Promise<void>;
  /** Tells the agents of a job to drop its targets that have not started. */
  cancelOnAgents(jobId: string): Promise<void>;
}

interface Decision {
  orgId: string;
  release: string[];
  cancelOnAgents: boolean;
  changed: boolean;
  finished: boolean;
  /** When the pause before the next wave ends. */
  nextWaveAt: Date | null;
}

export function createJobDispatcher(options: JobDispatcherOptions): JobDispatcher {
  const { db, links, bus, secrets, clock, log } = options;
  const node = randomUUID();
  let sweepTimer: NodeJS.Timeout | null = null;
  let sweeping = false;
  let closed = false;
  let unsubscribe: (() => void) | null = null;
  /** Jobs being looked at by this node, and whether something asked for another look meanwhile. */
  const pumping = new Map<string, { again: boolean }>();
  const waveTimers = new Map<string, NodeJS.Timeout>();
  const connectedAgentIds = () => [...links.sockets.keys()];

  function send(agentId: string, message: HubMessage): boolean {
    const socket = links.sockets.get(agentId);
    if (!socket || socket.readyState !== socket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  async function publish(orgId: string, jobId: string, targetIds: readonly string[]): Promise<void> {
    const change = await jobChange(db, orgId, jobId, targetIds);
    if (change) bus.broadcast(JOBS_TOPIC, { orgId, ...change });
  }

  async function finish(tx: Tx, job: JobRow, now: Date): Promise<void> {
    const counts = new Map((await countTargets(tx, [job.id])).get(job.id)?.map((row) => [row.state, row.count]) ?? []);
    const state = job.state === 'running' ? 'completed' : job.state;
    await updateJob(tx, job.id, { state, finishedAt: now });
    await recordAudit(tx, {
      orgId: job.orgId,
      actorUserId: null,
      actorLabel: 'jobs',
      action: 'job.finish',
      target: `job:${job.id}`,
      after: {
        state,
        succeeded: counts.get('succeeded') ?? 0,
        failed: counts.get('failed') ?? 0,
        cancelled: counts.get('cancelled') ?? 0,
        failedSerials: await failedSerials(tx, job.id, 100),
      },
    });
  }

  /** One look at a job under its row lock: finish, halt, open the next wave, release targets into free slots. */
  async function decide(jobId: string): Promise<Decision | null> {
    return db.transaction(async (tx) => {
      const job = await lockJob(tx, jobId);
      if (!job || job.finishedAt !== null) return null;
      const now = clock.now();
      const decision: Decision = {
        orgId: job.orgId,
        release: [],
        cancelOnAgents: false,
        changed: false,
        finished: false,
        nextWaveAt: null,
      };
      const counts = new Map((await countTargets(tx, [jobId])).get(jobId)?.map((row) => [row.state, row.count]) ?? []);
      const open = (counts.get('queued') ?? 0) + (counts.get('running') ?? 0);
      if (open === 0) {
        await finish(tx, job, now);
        return { ...decision, changed: true, finished: true };
      }
      if (job.state !== 'running') return decision;

      const failed = counts.get('failed') ?? 0;
      const finished = failed + (counts.get('succeeded') ?? 0);
      if (job.failureThresholdPercent < 100 && failed > 0 && failed * 100 > job.failureThresholdPercent * finished) {
        await cancelUndispatched(
          tx,
          jobId,
          'halted',
          `Halted: ${failed} of ${finished} finished devices failed, above the ${job.failureThresholdPercent}% threshold.`,
          now,
        );
        await updateJob(tx, jobId, { state: 'halted' });
        await recordAudit(tx, {
          orgId: job.orgId,
          actorUserId: null,
          actorLabel: 'jobs',
          action: 'job.halt',
          target: `job:${jobId}`,
          after: { failed, finished, thresholdPercent: job.failureThresholdPercent },
        });
        return { ...decision, cancelOnAgents: true, changed: true };
      }

      let wave = job.currentWave;
      if (job.waveSize !== null && wave < (await highestWave(tx, jobId))) {
        if ((await openTargetsInWave(tx, jobId, wave)) === 0) {
          if (job.nextWaveAt === null && job.wavePauseSeconds > 0) {
            decision.nextWaveAt = new Date(now.getTime() + job.wavePauseSeconds * 1000);
            await updateJob(tx, jobId, { nextWaveAt: decision.nextWaveAt });
          } else if (job.nextWaveAt !== null && job.nextWaveAt > now) {
            decision.nextWaveAt = job.nextWaveAt;
          } else {
            wave += 1;
            await updateJob(tx, jobId, { currentWave: wave, nextWaveAt: null });
          }
        }
      }
      const slots = job.concurrency - (await inFlightCount(tx, jobId));
      const release = await releasableTargets(tx, jobId, wave, connectedAgentIds(), slots);
      await markDispatched(
        tx,
        release.map((target) => target.id),
        now,
      );
      decision.release = release.map((target) => target.id);
      return decision;
    });
  }

  /** Sends `job.run` for these targets, one command per agent. */
  async function dispatch(
    job: { id: string; orgId: string; operation: JobOperation; firmwarePackageId: string | null },
    targetIds: string[],
  ) {
    const rows = await targetDevices(db, targetIds);
    const byAgent = new Map<string, AgentJobTarget[]>();
    for (const row of rows) {
      if (!row.agentId) continue;
      const list = byAgent.get(row.agentId) ?? [];
      list.push({
        targetId: row.targetId,
        attempt: row.attempt,
        serial: row.serial,
        model: row.model as AgentJobTarget['model'],
        accessIp: row.accessIp,
        port: row.port,
        plink: row.plink,
        ...backupInputOf(row.input),
        ...openVoipInput(secrets, row.input),
      });
      byAgent.set(row.agentId, list);
    }
    const firmware = job.firmwarePackageId ? await getFirmware(db, job.orgId, job.firmwarePackageId) : null;
    for (const [agentId, targets] of byAgent) {
      const agentJob: AgentJob = { jobId: job.id, operation: job.operation, targets };
      if (job.operation.kind === 'backup' || job.operation.kind === 'restore' || job.operation.kind === 'config_load') {
        agentJob.fileToken = issueJobToken(secrets, {
          orgId: job.orgId,
          agentId,
          file: `job:${job.id}`,
          expiresAt: clock.now().getTime() + JOB_TOKEN_TTL_MS,
        });
      }
      if (job.operation.kind === 'collect_logs') {
        // Log uploads go over the same job grant as configuration files.
        agentJob.fileToken = issueJobToken(secrets, {
          orgId: job.orgId,
          agentId,
          file: `job:${job.id}`,
          expiresAt: clock.now().getTime() + JOB_TOKEN_TTL_MS,
        });
      }
      if (job.operation.kind === 'change_credentials') {
        const input = passwordInputSchema.safeParse(rows.find((row) => row.agentId === agentId)?.input);
        if (input.success) agentJob.newPassword = secrets.open(input.data.sealedPassword, DEVICE_PASSWORD_PURPOSE);
      }
      if (firmware) {
        agentJob.firmware = {
          path: `${FIRMWARE_FILE_PATH}/${firmware.id}`,
          token: issueJobToken(secrets, {
            orgId: job.orgId,
            agentId,
            file: `firmware:${firmware.id}`,
            expiresAt: clock.now().getTime() + JOB_TOKEN_TTL_MS,
          }),
          sha256: firmware.sha256,
          sizeBytes: firmware.sizeBytes,
          modelFamily: firmware.modelFamily,
          version: firmware.version,
        };
      }
      const sent = send(agentId, {
        type: 'command',
        commandId: randomUUID(),
        command: { name: 'job.run', job: agentJob },
      });
      // Not sent: the agent dropped off meanwhile; it is sent again when it reconnects.
      if (!sent) log.info({ job: job.id, agentId }, 'agent gone before its job targets were sent');
    }
  }

  async function loadJob(jobId: string) {
    const [row] = await db.select().from(jobs).where(eq(jobs.id, jobId));
    return row ? { ...row, operation: jobOperationSchema.parse(row.operation) } : null;
  }

  /** Looks at the job on this node now, and once more afterwards if asked again meanwhile; never in parallel. */
  function wakeHere(jobId: string): void {
    const pending = pumping.get(jobId);
    if (pending) {
      pending.again = true;
      return;
    }
    const entry = { again: true };
    pumping.set(jobId, entry);
    void (async () => {
      try {
        while (entry.again && !closed) {
          entry.again = false;
          await pumpHere(jobId);
        }
      } catch (error) {
        log.warn({ err: error, job: jobId }, 'could not advance a job');
      } finally {
        pumping.delete(jobId);
      }
    })();
  }

  /** Asks the other nodes to look at the job (the bus brings it back here too; that echo is ignored). */
  function wakeOthers(jobId: string, cancel = false): void {
    bus.broadcast(JOBS_WAKE_TOPIC, { jobId, from: node, ...(cancel ? { cancel } : {}) });
  }

  /** Wakes the job on this node when its wave pause ends (the stored nextWaveAt lets the sweep catch it otherwise). */
  function wakeAtNextWave(jobId: string, at: Date): void {
    if (waveTimers.has(jobId) || closed) return;
    const timer = setTimeout(
      () => {
        waveTimers.delete(jobId);
        dispatcher.pump(jobId).catch((error: unknown) => log.warn({ err: error, job: jobId }, 'wave start failed'));
      },
      Math.max(0, at.getTime() - clock.now().getTime()),
    );
    timer.unref();
    waveTimers.set(jobId, timer);
  }

  async function pumpHere(jobId: string): Promise<void> {
    const decision = await decide(jobId);
    if (!decision) return;
    if (decision.release.length > 0) {
      const job = await loadJob(jobId);
      if (job) await dispatch(job, decision.release);
    }
    if (decision.cancelOnAgents) await dispatcher.cancelOnAgents(jobId);
    if (decision.nextWaveAt) wakeAtNextWave(jobId, decision.nextWaveAt);
    if (decision.changed || decision.release.length > 0) await publish(decision.orgId, jobId, decision.release);
    if (decision.finished && options.onJobFinished) {
      const change = await jobChange(db, decision.orgId, jobId, []);
      if (change) {
        await options.onJobFinished({
          orgId: decision.orgId,
          job: change.job,
          failedSerials: await failedSerials(db, jobId, 100),
        });
      }
    }
  }

  async function sweep(): Promise<void> {
    if (sweeping) return;
    sweeping = true;
    try {
      const open = await db.select({ id: jobs.id }).from(jobs).where(isNull(jobs.finishedAt));
      for (const { id } of open) wakeHere(id);
    } catch (error) {
      log.warn({ err: error }, 'job sweep failed');
    } finally {
      sweeping = false;
    }
  }

  const dispatcher: JobDispatcher = {
    start() {
      if (sweepTimer) return;
      sweepTimer = setInterval(() => void sweep(), SWEEP_MS);
      sweepTimer.unref();
      unsubscribe = bus.onBroadcast(JOBS_WAKE_TOPIC, (data) => {
        const wake = wakeSchema.safeParse(data);
        if (!wake.success || wake.data.from === node) return;
        if (wake.data.cancel) {
          void cancelHere(wake.data.jobId).catch((error: unknown) =>
            log.warn({ err: error, job: wake.data.jobId }, 'could not cancel job targets on agents'),
          );
        }
        wakeHere(wake.data.jobId);
      });
      // Jobs left unfinished by a previous run of this node (or by a node that died) go on at once.
      void sweep();
    },

    close() {
      closed = true;
      if (sweepTimer) clearInterval(sweepTimer);
      sweepTimer = null;
      unsubscribe?.();
      unsubscribe = null;
      for (const timer of waveTimers.values()) clearTimeout(timer);
      waveTimers.clear();
    },

    async pump(jobId) {
      await pumpHere(jobId);
      wakeOthers(jobId);
    },

    async targetsChanged(orgId, changed) {
      for (const [jobId, targetIds] of changed) {
        await publish(orgId, jobId, targetIds);
        await dispatcher.pump(jobId);
      }
    },

    async agentConnected(agentId) {
      const open = await dispatchedOpenTargets(db, agentId);
      const byJob = new Map<string, string[]>();
      for (const { target } of open) byJob.set(target.jobId, [...(byJob.get(target.jobId) ?? []), target.id]);
      for (const [jobId, targetIds] of byJob) {
        const job = await loadJob(jobId);
        if (job) await dispatch(job, targetIds);
      }
      for (const jobId of await jobsAwaitingAgent(db, agentId)) wakeHere(jobId);
    },

    async cancelOnAgents(jobId) {
      await cancelHere(jobId);
      wakeOthers(jobId, true);
    },
  };

  /** Tells the job's agents connected to this node to drop its targets that have not started. */
  async function cancelHere(jobId: string): Promise<void> {
    for (const agentId of await agentsOfJob(db, jobId)) {
      send(agentId, { type: 'command', commandId: randomUUID(), command: { name: 'job.cancel', jobId } });
    }
  }
  return dispatcher;
}

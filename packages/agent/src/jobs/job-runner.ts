import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { AgentEventBody, AgentJob, AgentVoipLine, JobTargetEventBody, TargetResult } from '@tutti/protocol';
import type { DeviceCredentials } from '../credentials/credential-store.ts';
import { failureOf, runOperation, type OperationContext, type TargetFailure } from './device-operations.ts';
import { createFirmwareImages } from './firmware-images.ts';
import type { HubEndpoint } from './hub-files.ts';
import { createJobStore, type JobStore, type StoredTarget } from './job-store.ts';

export interface JobRunnerOptions {
  dataDir: string;
  /** Targets running at once on this agent, whatever the jobs ask. */
  concurrency: number;
  /** Writes an event to the outbox; it is durable when this returns. */
  report(body: AgentEventBody): void;
  credentialsFor(serial: string, subnet: string): DeviceCredentials;
  /** Keeps the new login of a device whose credentials a job changed (and of the rest of its stack). */
  saveCredentials(serial: string, credentials: DeviceCredentials): void;
  hub(): HubEndpoint | null;
  deviceTimeoutMs: number;
  discoveryPort: number;
  restartGraceMs: number;
  /** Whether the unit at an address is restarting, from the device monitor. */
  restarting(address: string): boolean;
  /** Tells the device monitor that a job is about to restart the unit at an address; the function returned undoes it. */
  expectRestart(address: string): () => void;
  log: Logger;
}

export interface JobRunnerStatus {
  queued: number;
  running: number;
}

export interface JobRunner {
  /** Reports outcomes a previous run could not, then resumes or settles every unfinished target. */
  start(): void;
  /** Keeps the job's new targets on disk; resolves once they are stored (the hub may then forget to resend). */
  accept(job: AgentJob): void;
  /** Cancels the job's targets that have not started. */
  cancel(jobId: string): void;
  status(): JobRunnerStatus;
  close(): Promise<void>;
}

const keyOf = (target: Pick<StoredTarget, 'targetId' | 'attempt'>) => `${target.targetId}:${target.attempt}`;
/** How long a voip_provision target resumed after a restart waits for the hub to resend its SIP accounts. */
const VOIP_LINES_WAIT_MS = 10_000;
/** How long a change_credentials target resumed after a restart waits for the hub to resend its password. */
const PASSWORD_WAIT_MS = 10_000;

/**
 * Runs job targets against devices with a concurrency limit. Every state change is stored in `jobs.sqlite` and every
 * outcome goes through the outbox (seq, acknowledged), so a hub outage loses nothing and a restarted agent neither
 * leaves a target running forever nor repeats a firmware update it already sent.
 */
export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { log } = options;
  const store: JobStore = createJobStore(options.dataDir);
  const active = new Map<string, Promise<void>>();
  /** New device passwords by job: in memory only, dropped once the job has no open target here. */
  const passwords = new Map<string, string>();
  /** SIP accounts (passwords included) by target attempt: in memory only, dropped when the target finishes. */
  const voipLines = new Map<string, AgentVoipLine[]>();
  let closed = false;
  let started = false;
  const closing = new AbortController();
  // Every running target's device session and hub transfer listens on this one signal (up to the concurrency).
  setMaxListeners(0, closing.signal);

  function event(target: StoredTarget, body: Partial<JobTargetEventBody>): JobTargetEventBody {
    return {
      kind: 'job.target',
      jobId: target.jobId,
      targetId: target.targetId,
      attempt: target.attempt,
      serial: target.serial,
      state: 'running',
      progress: 0,
      ...body,
    };
  }

  function progress(target: StoredTarget, percent: number): void {
    const current = store.get(target.targetId, target.attempt);
    if (!current || current.state !== 'running' || current.progress === percent) return;
    store.update(target, { progress: percent });
    options.report(event(target, { state: 'running', progress: percent }));
  }

  /** Stores the outcome, puts it in the outbox, then notes that it is there. */
  function finish(target: StoredTarget, outcome: { result: TargetResult } | { failure: TargetFailure }): void {
    if ('result' in outcome) {
      store.update(target, {
        state: 'succeeded',
        progress: 100,
        result: outcome.result,
        failureCode: null,
        reason: null,
      });
    } else {
      store.update(target, { state: 'failed', failureCode: outcome.failure.code, reason: outcome.failure.message });
    }
    reportOutcome(store.get(target.targetId, target.attempt)!);
    voipLines.delete(keyOf(target));
    if (passwords.has(target.jobId) && !store.open().some((open) => open.jobId === target.jobId)) {
      passwords.delete(target.jobId);
    }
  }

  function reportOutcome(target: StoredTarget): void {
    if (target.state === 'queued' || target.state === 'running') return;
    options.report(
      event(target, {
        state: target.state,
        progress: target.state === 'succeeded' ? 100 : target.progress,
        ...(target.failureCode ? { failureCode: target.failureCode } : {}),
        ...(target.reason ? { reason: target.reason.slice(0, 1000) } : {}),
        ...(target.result ? { result: target.result } : {}),
      }),
    );
    store.markReported(target);
  }

  const context: OperationContext = {
    credentialsFor: (serial, subnet) => options.credentialsFor(serial, subnet),
    deviceTimeoutMs: options.deviceTimeoutMs,
    discoveryPort: options.discoveryPort,
    restartGraceMs: options.restartGraceMs,
    restarting: (address) => options.restarting(address),
    expectRestart: (address) => options.expectRestart(address),
    images: createFirmwareImages(options.dataDir, () => options.hub()),
    hub: () => options.hub(),
    async newPassword(jobId) {
      const deadline = Date.now() + PASSWORD_WAIT_MS;
      while (!passwords.has(jobId) && Date.now() < deadline && !closing.signal.aborted) await delay(100);
      return passwords.get(jobId) ?? null;
    },
    saveCredentials: (target, credentials) => options.saveCredentials(target.serial, credentials),
    async voipLines(target) {
      const deadline = Date.now() + VOIP_LINES_WAIT_MS;
      const key = keyOf(target);
      while (!voipLines.has(key) && Date.now() < deadline && !closing.signal.aborted) await delay(100);
      return voipLines.get(key) ?? null;
    },
    signal: closing.signal,
    markSent(target) {
      const at = new Date().toISOString();
      store.update(target, { sentAt: at });
      target.sentAt = at;
    },
    progress,
  };

  async function execute(target: StoredTarget): Promise<void> {
    const resumed = target.state === 'running';
    if (!resumed) {
      store.update(target, { state: 'running', progress: 0 });
      options.report(event(target, { state: 'running', progress: 0 }));
    } else {
      log.info({ job: target.jobId, serial: target.serial, sentAt: target.sentAt }, 'resuming a job target');
    }
    try {
      const result = await runOperation(context, { ...target, state: 'running' }, resumed);
      if (closed) return;
      finish(target, { result });
    } catch (error) {
      // Closing the agent interrupts sessions; the target stays running on disk and is resumed at the next start.
      if (closed) return;
      const failure = failureOf(error);
      log.warn(
        { job: target.jobId, serial: target.serial, code: failure.code, reason: failure.message },
        'job target failed',
      );
      finish(target, { failure });
    }
  }

  function pump(): void {
    if (closed || !started) return;
    const free = options.concurrency - active.size;
    if (free <= 0) return;
    for (const target of store.open()) {
      if (active.size >= options.concurrency) return;
      const key = keyOf(target);
      if (active.has(key)) continue;
      const running = execute(target).finally(() => {
        active.delete(key);
        pump();
      });
      active.set(key, running);
    }
  }

  return {
    start() {
      started = true;
      for (const target of store.unreported()) reportOutcome(target);
      pump();
    },

    accept(job) {
      if (job.newPassword !== undefined) passwords.set(job.jobId, job.newPassword);
      for (const target of job.targets) if (target.voipLines) voipLines.set(keyOf(target), target.voipLines);
      const added = store.accept(job);
      store.refreshGrants(job);
      if (added.length > 0)
        log.info({ job: job.jobId, targets: added.length, kind: job.operation.kind }, 'job accepted');
      pump();
    },

    cancel(jobId) {
      for (const target of store.queuedOf(jobId)) {
        store.update(target, { state: 'cancelled', failureCode: 'cancelled', reason: 'Cancelled before it started.' });
        reportOutcome(store.get(target.targetId, target.attempt)!);
      }
    },

    status() {
      const open = store.open();
      return { queued: open.filter((target) => target.state === 'queued').length, running: active.size };
    },

    async close() {
      closed = true;
      closing.abort(new Error('agent closing'));
      await Promise.allSettled(active.values());
      store.close();
    },
  };
}

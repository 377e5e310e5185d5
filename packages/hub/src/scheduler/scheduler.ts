import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock/index.ts';
import type { Db } from '../db/index.ts';
import type { HubMetrics } from '../metrics/index.ts';
import { parseSchedule, type Schedule, type ScheduleSpec } from './schedule.ts';
import { claimTick, deleteRunsBefore, recordTickFinished } from './scheduler.queries.ts';

export interface ScheduledTick {
  task: string;
  /** The scheduled instant of this run (not the moment it started): the same on every node. */
  tickAt: Date;
  /** Aborted when the hub closes; long tasks should stop at the next safe point. */
  signal: AbortSignal;
}

export type ScheduledTask = (tick: ScheduledTick) => Promise<void>;

/**
 * Periodic background work that runs each tick on exactly one hub node. A node runs a tick only after its insert of
 * (task, tick) into `scheduled_runs` won, so any number of nodes on one database can register the same tasks.
 *
 * A tick that passed while no node was running, or whose node died mid-run, is not run later: tasks catch up on
 * their own work (for example "snapshot every day not yet snapshotted") instead of relying on every tick.
 */
export interface Scheduler {
  /** Name of this node in `scheduled_runs.node`. */
  readonly node: string;
  /** Registers a task; its first run is the first tick after registration. Names are unique per hub. */
  every(name: string, schedule: ScheduleSpec, task: ScheduledTask): void;
  /** Starts checking for due ticks every `pollMs` of real time (the hub does this on start). */
  start(): void;
  /**
   * Claims and runs every task whose tick has come by the clock and that this node wins; resolves when they
   * finished. The poll timer calls it; tests with a manual clock call it after moving the clock.
   */
  runDue(): Promise<void>;
  /** Stops polling, aborts running tasks and waits for them. */
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  /** How often to look for due ticks; a tick starts at most this late. */
  pollMs?: number;
  /** Counts the runs of this node by task and outcome (`tutti_scheduled_runs_total`). */
  metrics?: HubMetrics;
  /** How long rows of `scheduled_runs` are kept (a daily pruning task of the scheduler itself deletes older ones). */
  keepRunsMs?: number;
}

interface RegisteredTask {
  name: string;
  schedule: Schedule;
  run: ScheduledTask;
  /** The latest tick this node has already decided on (run, or lost to another node). */
  lastTick: number | null;
  running: Promise<void> | null;
}

const DEFAULT_POLL_MS = 1000;
const DEFAULT_KEEP_RUNS_MS = 30 * 86_400_000;

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { db, clock, log } = options;
  const node = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  const tasks = new Map<string, RegisteredTask>();
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  const runsCounter = options.metrics?.counter({
    name: 'tutti_scheduled_runs_total',
    help: 'Ticks of background tasks this hub node won and ran, by task and outcome.',
    labelNames: ['task', 'outcome'],
  });

  async function runTick(task: RegisteredTask, tickAt: Date): Promise<void> {
    let won: boolean;
    try {
      won = await claimTick(db, { task: task.name, tickAt, node, startedAt: clock.now() });
    } catch (error) {
      log.warn({ err: error, task: task.name, tickAt }, 'scheduler could not claim a tick; skipping it');
      return;
    }
    if (!won) return;
    let failure: string | null = null;
    try {
      await task.run({ task: task.name, tickAt, signal: stopping.signal });
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      log.error({ err: error, task: task.name, tickAt }, 'scheduled task failed');
    }
    runsCounter?.inc({ task: task.name, outcome: failure === null ? 'succeeded' : 'failed' });
    try {
      await recordTickFinished(db, { task: task.name, tickAt, finishedAt: clock.now(), error: failure });
    } catch (error) {
      log.warn({ err: error, task: task.name, tickAt }, 'scheduler could not record a finished tick');
    }
  }

  function startIfDue(task: RegisteredTask, now: Date): Promise<void> | null {
    // A task still running from an earlier tick is not started twice on this node; once it ends, the latest tick
    // is claimed if no other node has taken it.
    if (task.running) return null;
    const tick = task.schedule.latestTick(now);
    if (tick === null || (task.lastTick !== null && tick <= task.lastTick)) return null;
    task.lastTick = tick;
    const running = runTick(task, new Date(tick)).finally(() => {
      task.running = null;
    });
    task.running = running;
    return running;
  }

  const scheduler: Scheduler = {
    node,
    every(name, spec, run) {
      if (tasks.has(name)) throw new Error(`scheduled task "${name}" is already registered`);
      const schedule = parseSchedule(spec);
      tasks.set(name, { name, schedule, run, lastTick: schedule.latestTick(clock.now()), running: null });
    },
    start() {
      if (timer || stopping.signal.aborted) return;
      timer = setInterval(() => void scheduler.runDue(), options.pollMs ?? DEFAULT_POLL_MS);
      timer.unref();
    },
    async runDue() {
      if (stopping.signal.aborted) return;
      const now = clock.now();
      const started = [...tasks.values()].map((task) => startIfDue(task, now)).filter((run) => run !== null);
      await Promise.all(started);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      stopping.abort();
      await Promise.all([...tasks.values()].flatMap((task) => (task.running ? [task.running] : [])));
    },
  };

  const keepRunsMs = options.keepRunsMs ?? DEFAULT_KEEP_RUNS_MS;
  scheduler.every('scheduler.prune-runs', 86_400_000, async ({ tickAt }) => {
    const deleted = await deleteRunsBefore(db, new Date(tickAt.getTime() - keepRunsMs));
    if (deleted > 0) log.info({ deleted }, 'pruned old scheduled runs');
  });
  return scheduler;
}

import { Cron } from 'croner';

/** How often a task runs: every so many milliseconds, or a cron expression (five or six fields, UTC). */
export type ScheduleSpec = number | string;

/**
 * The ticks of a schedule as absolute instants, so every hub node computes the same tick times: intervals are
 * aligned to the Unix epoch and cron expressions are read in UTC.
 */
export interface Schedule {
  /** The latest tick at or before `now` (ms since the epoch), or null when the schedule has none yet. */
  latestTick(now: Date): number | null;
}

export function parseSchedule(spec: ScheduleSpec): Schedule {
  if (typeof spec === 'number') {
    if (!Number.isSafeInteger(spec) || spec < 1000) {
      throw new Error(`a task interval is a whole number of milliseconds, at least 1000 (got ${spec})`);
    }
    return { latestTick: (now) => Math.floor(now.getTime() / spec) * spec };
  }
  // Only the pattern is used: croner computes the ticks, the scheduler decides who runs them.
  const cron = new Cron(spec, { timezone: 'UTC', paused: true });
  return {
    latestTick(now) {
      // previousRuns looks strictly before its reference; a tick at `now` itself counts as reached.
      const [latest] = cron.previousRuns(1, new Date(now.getTime() + 1));
      return latest ? latest.getTime() : null;
    },
  };
}

/**
 * Time as the hub sees it. Everything that schedules, expires or bills reads the clock from the hub context, so a
 * test can walk an organization through a billing year in seconds with a manual clock.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that moves only when told to; for tests. */
export interface ManualClock extends Clock {
  set(at: Date): void;
  advance(milliseconds: number): Date;
}

export function createManualClock(start: Date): ManualClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set(at) {
      current = at.getTime();
    },
    advance(milliseconds) {
      current += milliseconds;
      return new Date(current);
    },
  };
}

import { describe, expect, it } from 'vitest';
import { parseSchedule } from './schedule.ts';

const at = (iso: string) => new Date(iso);

describe('parseSchedule', () => {
  it('aligns interval ticks to the epoch so every node agrees on them', () => {
    const everyFiveMinutes = parseSchedule(5 * 60_000);
    expect(everyFiveMinutes.latestTick(at('2026-01-01T10:04:59.999Z'))).toBe(at('2026-01-01T10:00:00Z').getTime());
    expect(everyFiveMinutes.latestTick(at('2026-01-01T10:05:00Z'))).toBe(at('2026-01-01T10:05:00Z').getTime());
  });

  it('reads cron expressions in UTC and counts a tick at the exact instant as reached', () => {
    const dailyAtTwo = parseSchedule('0 2 * * *');
    expect(dailyAtTwo.latestTick(at('2026-03-05T01:59:59Z'))).toBe(at('2026-03-04T02:00:00Z').getTime());
    expect(dailyAtTwo.latestTick(at('2026-03-05T02:00:00Z'))).toBe(at('2026-03-05T02:00:00Z').getTime());
  });

  it('refuses intervals below a second and malformed cron expressions', () => {
    expect(() => parseSchedule(10)).toThrow(/at least 1000/);
    expect(() => parseSchedule(1500.5)).toThrow(/whole number/);
    expect(() => parseSchedule('every day')).toThrow();
  });
});

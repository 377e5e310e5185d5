import { describe, expect, it } from 'vitest';
import { createManualClock } from './clock.ts';

describe('manual clock', () => {
  it('stands still until advanced or set', () => {
    const clock = createManualClock(new Date('2026-01-01T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(clock.advance(86_400_000).toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2026-01-02T00:00:00.000Z');
    clock.set(new Date('2027-03-01T12:00:00Z'));
    expect(clock.now().toISOString()).toBe('2027-03-01T12:00:00.000Z');
  });
});

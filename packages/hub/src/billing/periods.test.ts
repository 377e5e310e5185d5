import { describe, expect, it } from 'vitest';
import { periodAt, periodsStartedBy } from './periods.ts';

describe('billing periods', () => {
  it('counts months from the billing start, clamping to the end of shorter months', () => {
    expect(periodAt('2027-01-31', 'monthly', 0)).toEqual({ start: '2027-01-31', end: '2027-02-27' });
    expect(periodAt('2027-01-31', 'monthly', 1)).toEqual({ start: '2027-02-28', end: '2027-03-30' });
    expect(periodAt('2028-01-31', 'monthly', 1)).toEqual({ start: '2028-02-29', end: '2028-03-30' });
    expect(periodAt('2027-01-15', 'quarterly', 3)).toEqual({ start: '2027-10-15', end: '2028-01-14' });
    expect(periodAt('2027-03-01', 'yearly', 1)).toEqual({ start: '2028-03-01', end: '2029-02-28' });
  });

  it('lists the periods that have begun by a day', () => {
    expect(periodsStartedBy('2027-01-01', 'monthly', '2026-12-31')).toEqual([]);
    expect(periodsStartedBy('2027-01-01', 'monthly', '2027-03-01').map((period) => period.start)).toEqual([
      '2027-01-01',
      '2027-02-01',
      '2027-03-01',
    ]);
  });
});

import { billingPeriodMonths, type BillingPeriod } from '@tutti/protocol';

/** Calendar dates as ISO strings (YYYY-MM-DD) in UTC; billing counts whole days. */
const DAY_MS = 24 * 3600_000;

export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The anchor's day of month `months` later, clamped to the month's last day (31 Jan + 1 month → 28/29 Feb). */
function addMonths(anchor: string, months: number): string {
  const [year, month, day] = anchor.split('-').map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(year, month - 1 + months + 1, 0)).getUTCDate();
  return isoDay(new Date(Date.UTC(year, month - 1 + months, Math.min(day, lastDay))));
}

export interface BillingPeriodRange {
  start: string;
  /** Last day of the period, inclusive. */
  end: string;
}

/** The `index`-th billing period counted from the billing start. */
export function periodAt(billingStart: string, period: BillingPeriod, index: number): BillingPeriodRange {
  const months = billingPeriodMonths[period];
  return {
    start: addMonths(billingStart, index * months),
    end: addDays(addMonths(billingStart, (index + 1) * months), -1),
  };
}

/** Every billing period that has begun on or before `today`, oldest first. */
export function periodsStartedBy(billingStart: string, period: BillingPeriod, today: string): BillingPeriodRange[] {
  const periods: BillingPeriodRange[] = [];
  for (let index = 0; ; index += 1) {
    const range = periodAt(billingStart, period, index);
    if (range.start > today) return periods;
    periods.push(range);
  }
}

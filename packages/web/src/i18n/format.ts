import type { Language } from '@tutti/protocol';
import { intlLocale } from './i18n.ts';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type DurationUnit = 'second' | 'minute' | 'hour' | 'day';

function unitFormat(language: Language, unit: DurationUnit, value: number): string {
  return new Intl.NumberFormat(intlLocale(language), { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}

/**
 * "45 sec", "3 min", "3 hr 12 min", "2 days 4 hr" in the user's language: Intl formats the units and joins them,
 * so no translation ever contains a unit or a number order. Two units at most: enough precision for a status age.
 */
export function formatDuration(language: Language, totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const parts: string[] = [];
  if (seconds < MINUTE) {
    parts.push(unitFormat(language, 'second', seconds));
  } else if (seconds < HOUR) {
    parts.push(unitFormat(language, 'minute', Math.floor(seconds / MINUTE)));
  } else if (seconds < DAY) {
    parts.push(unitFormat(language, 'hour', Math.floor(seconds / HOUR)));
    const minutes = Math.floor((seconds % HOUR) / MINUTE);
    if (minutes > 0) parts.push(unitFormat(language, 'minute', minutes));
  } else {
    parts.push(unitFormat(language, 'day', Math.floor(seconds / DAY)));
    const hours = Math.floor((seconds % DAY) / HOUR);
    if (hours > 0) parts.push(unitFormat(language, 'hour', hours));
  }
  return new Intl.ListFormat(intlLocale(language), { type: 'unit', style: 'narrow' }).format(parts);
}

export function formatNumber(language: Language, value: number): string {
  return new Intl.NumberFormat(intlLocale(language)).format(value);
}

export function formatDateTime(language: Language, epochMs: number): string {
  return new Intl.DateTimeFormat(intlLocale(language), { dateStyle: 'medium', timeStyle: 'medium' }).format(epochMs);
}

export function formatDate(language: Language, epochMs: number): string {
  return new Intl.DateTimeFormat(intlLocale(language), { dateStyle: 'medium' }).format(epochMs);
}

/** An ISO timestamp as a date and time, or null when absent or unreadable. */
export function formatIsoDateTime(language: Language, iso: string | null): string | null {
  if (iso === null) return null;
  const epoch = Date.parse(iso);
  return Number.isNaN(epoch) ? null : formatDateTime(language, epoch);
}

/**
 * Wraps a left-to-right value (a name, an address) in Unicode isolate marks before it goes into a translated
 * sentence, so that Arabic text around it keeps its order (GLOSSARY.md §1).
 */
export function isolate(value: string): string {
  return `\u2068${value}\u2069`;
}

import type { Language } from '@tutti/protocol';
import { formatDate } from '../i18n/format.ts';

/** A plan date (YYYY-MM-DD) in the reader's format, read as a calendar day whatever the browser's time zone. */
export function formatPlanDate(language: Language, day: string | null): string {
  if (!day) return '—';
  const epoch = Date.parse(`${day}T12:00:00Z`);
  return Number.isNaN(epoch) ? '—' : formatDate(language, epoch);
}

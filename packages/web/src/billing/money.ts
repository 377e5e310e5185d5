import type { Language } from '@tutti/protocol';
import { intlLocale } from '../i18n/i18n.ts';

/** Digits after the decimal point of a currency's minor unit (2 for USD, 0 for JPY). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** An amount in minor units as the reader writes money ("US$1,234.50", "1 234,50 €"). */
export function formatMoney(language: Language, minor: number, currency: string): string {
  const amount = minor / 10 ** minorDigits(currency);
  try {
    return new Intl.NumberFormat(intlLocale(language), { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount.toFixed(minorDigits(currency))} ${currency}`;
  }
}

/** A typed amount ("1234.5") in minor units, or null when it is not a number. */
export function toMinor(amount: number | string, currency: string): number | null {
  const value = typeof amount === 'number' ? amount : Number(amount);
  if (!Number.isFinite(value) || value < 0) return null;
  return Math.round(value * 10 ** minorDigits(currency));
}

/** An ISO day (YYYY-MM-DD) in the reader's date format. */
export function formatDay(language: Language, day: string): string {
  return new Intl.DateTimeFormat(intlLocale(language), { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );
}

import type { Language } from '@tutti/protocol';
import { intlLocale } from '../i18n/i18n.ts';

/** The file as base64, read in the browser, for the JSON upload endpoints. */
export async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  }
  return btoa(binary);
}

/**
 * SHA-256 of the file as this browser read it, so the hub can tell a transfer that arrived truncated; null where
 * the page is not a secure context (Web Crypto is missing) and the user types the published checksum instead.
 */
export async function sha256Of(file: File): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A size in kilobytes, in the user's language. */
export function formatKilobytes(language: Language, bytes: number): string {
  return new Intl.NumberFormat(intlLocale(language), {
    style: 'unit',
    unit: 'kilobyte',
    unitDisplay: 'short',
  }).format(Math.ceil(bytes / 1024));
}

import { z } from 'zod';

/*
 * The hubs a person works with (e.g. one per region). Each hub has its own accounts and its own web app at its
 * own address, so switching hubs means opening the other hub's address, where its own sign-in applies. The list
 * lives in this browser and travels along in the address fragment when switching, so every hub's app shows it.
 */

const STORAGE_KEY = 'tutti.hubs';
const FRAGMENT_KEY = 'hubs';
const MAX_HUBS = 20;

/** A hub's address: its origin only (scheme, host, port), http or https. */
export const hubAddressSchema = z
  .string()
  .trim()
  .max(300)
  .transform((value, context) => {
    try {
      const url = new URL(value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    } catch {
      // reported below
    }
    context.addIssue({ code: 'custom', message: 'invalidUrl' });
    return z.NEVER;
  });

export const knownHubSchema = z.strictObject({
  name: z.string().trim().min(1).max(64),
  url: hubAddressSchema,
});
export type KnownHub = z.infer<typeof knownHubSchema>;

const hubListSchema = z.array(knownHubSchema).max(MAX_HUBS);

function parseList(value: unknown): KnownHub[] {
  const parsed = hubListSchema.safeParse(value);
  return parsed.success ? parsed.data : [];
}

export function loadHubs(storage: Pick<Storage, 'getItem'> = localStorage): KnownHub[] {
  try {
    return parseList(JSON.parse(storage.getItem(STORAGE_KEY) ?? '[]'));
  } catch {
    return [];
  }
}

export function saveHubs(hubs: readonly KnownHub[], storage: Pick<Storage, 'setItem'> = localStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(hubs.slice(0, MAX_HUBS)));
}

/** Adds a hub or renames the one at the same address; the list stays ordered by name. */
export function withHub(hubs: readonly KnownHub[], hub: KnownHub): KnownHub[] {
  const others = hubs.filter((known) => known.url !== hub.url);
  return [...others, hub].sort((a, b) => a.name.localeCompare(b.name)).slice(0, MAX_HUBS);
}

export function withoutHub(hubs: readonly KnownHub[], url: string): KnownHub[] {
  return hubs.filter((known) => known.url !== url);
}

function encode(hubs: readonly KnownHub[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(hubs));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

function decode(text: string): unknown {
  const base64 = text.replaceAll('-', '+').replaceAll('_', '/');
  const binary = atob(base64);
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0))));
}

/** The address that opens `target`, carrying the list (this hub included) along. */
export function switchAddress(target: KnownHub, hubs: readonly KnownHub[], current: KnownHub): string {
  return `${target.url}/#${FRAGMENT_KEY}=${encode(withHub(hubs, current))}`;
}

/**
 * Takes a list that came along in the address fragment into this browser's list (this hub left out). Returns the
 * merged list, or null when the address carried none; the caller then removes the fragment from the address.
 */
export function importHubsFromFragment(
  location: Pick<Location, 'hash' | 'origin'>,
  hubs: readonly KnownHub[],
): KnownHub[] | null {
  const match = new RegExp(`^#${FRAGMENT_KEY}=([A-Za-z0-9_-]+)$`).exec(location.hash);
  if (!match?.[1]) return null;
  let incoming: KnownHub[] = [];
  try {
    incoming = parseList(decode(match[1]));
  } catch {
    return null;
  }
  // Names given here win: only hubs this browser does not know yet are added.
  const known = new Set([location.origin, ...hubs.map((hub) => hub.url)]);
  return incoming.filter((hub) => !known.has(hub.url)).reduce(withHub, [...hubs]);
}

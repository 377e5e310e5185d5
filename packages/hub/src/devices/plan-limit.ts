import type { Queryable } from '../db/index.ts';

/**
 * Most Pro Audio devices an organization's service plan allows, or null for no limit. The plan lives with the
 * organizations (identity work); until it is stored this answers null for everyone. Devices beyond the limit
 * are kept and read as Overflowed (DESIGN.md §4).
 */
export function proAudioDeviceLimit(_db: Queryable, _orgId: string): Promise<number | null> {
  return Promise.resolve(null);
}

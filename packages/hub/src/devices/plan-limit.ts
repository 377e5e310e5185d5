import type { Queryable } from '../db/index.ts';
import { licensedProAudioLimit } from '../licenses/index.ts';

/**
 * Most Pro Audio devices an organization's service plan allows, or null for no limit. An installed enterprise
 * license in force sets it; without one there is no limit yet (cloud plans are stored with the organizations but do
 * not feed this). Devices beyond the limit are kept and read as Overflowed (DESIGN.md §4).
 */
export function proAudioDeviceLimit(db: Queryable, orgId: string): Promise<number | null> {
  return licensedProAudioLimit(db, orgId);
}

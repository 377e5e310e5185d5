import { cloudPlanLimit } from '../billing/index.ts';
import type { Queryable } from '../db/index.ts';
import { licensedProAudioLimit } from '../licenses/index.ts';

/**
 * Most Pro Audio devices an organization may have managed, or null for no limit: an enterprise license in force,
 * else a cloud service plan (none while the organization is Expired). Devices beyond the limit are kept and read
 * as Overflowed (DESIGN.md §4).
 */
export async function proAudioDeviceLimit(db: Queryable, orgId: string): Promise<number | null> {
  return (await licensedProAudioLimit(db, orgId)) ?? cloudPlanLimit(db, orgId);
}

import { sql } from 'drizzle-orm';
import type { Db, Tx } from './database.ts';

/**
 * Runs `work` in a transaction as the unprivileged role `tutti_app`, limited by row-level security to
 * the given organizations. Code checks permissions first; this is the second wall.
 */
export async function withTenant<T>(db: Db, orgIds: readonly string[], work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    // One round trip for both: `set_config('role', …, true)` is SET LOCAL ROLE.
    await tx.execute(
      sql`SELECT set_config('role', 'tutti_app', true), set_config('tutti.org_ids', ${orgIds.join(',')}, true)`,
    );
    return work(tx);
  });
}

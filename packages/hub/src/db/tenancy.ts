import { sql } from 'drizzle-orm';
import type { Db, Tx } from './database.ts';

/**
 * Runs `work` in a transaction as the unprivileged role `tutti_app`, limited by row-level security to
 * the given organizations. Code checks permissions first; this is the second wall.
 */
export async function withTenant<T>(db: Db, orgIds: readonly string[], work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL ROLE tutti_app`);
    await tx.execute(sql`SELECT set_config('tutti.org_ids', ${orgIds.join(',')}, true)`);
    return work(tx);
  });
}

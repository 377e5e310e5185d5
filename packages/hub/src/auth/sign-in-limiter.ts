import { sql } from 'drizzle-orm';
import type { Clock } from '../clock/index.ts';
import { rowsOf, type Db } from '../db/index.ts';

export interface SignInLimiterOptions {
  /** Failed attempts allowed per account within the window before a lockout. */
  perAccount: number;
  /** Failed attempts allowed per client address within the window before a lockout. */
  perAddress: number;
  windowMs: number;
  /** First lockout; each further lockout of the same key doubles it, up to `maxLockoutMs`. */
  lockoutMs: number;
  maxLockoutMs: number;
}

/**
 * Throttles password guessing per account and per address, with lockouts that grow on repeat offences. The counters
 * live in the database (`sign_in_throttle`), so every hub node sees the same ones: sending guesses through several
 * nodes gains nothing. Times come from the hub's clock, not the database's, so tests can move time.
 */
export function createSignInLimiter(db: Db, clock: Clock, options: SignInLimiterOptions) {
  function keys(account: string, address: string): Array<[string, number]> {
    return [
      [`account:${account.toLowerCase()}`, options.perAccount],
      [`address:${address}`, options.perAddress],
    ];
  }

  async function countFailure(key: string, limit: number, at: Date): Promise<void> {
    const now = at.toISOString();
    const windowStart = new Date(at.getTime() - options.windowMs).toISOString();
    // A failure after the window has passed starts a new window rather than adding to the old one.
    const [counted] = rowsOf<{ failures: number }>(
      await db.execute(sql`
        INSERT INTO sign_in_throttle AS t (key, failures, window_started_at)
        VALUES (${key}, 1, ${now}::timestamptz)
        ON CONFLICT (key) DO UPDATE SET
          failures = CASE WHEN t.window_started_at <= ${windowStart}::timestamptz THEN 1 ELSE t.failures + 1 END,
          window_started_at = CASE WHEN t.window_started_at <= ${windowStart}::timestamptz THEN ${now}::timestamptz ELSE t.window_started_at END
        RETURNING failures`),
    );
    if (!counted || counted.failures < limit) return;
    // Re-checked under the row lock, so two nodes reaching the limit at once lock the key out once.
    await db.execute(sql`
      UPDATE sign_in_throttle
      SET locked_until = ${now}::timestamptz
            + make_interval(secs => least(${options.lockoutMs}::float8 * power(2, lockouts), ${options.maxLockoutMs}) / 1000),
          lockouts = lockouts + 1,
          failures = 0,
          window_started_at = ${now}::timestamptz
      WHERE key = ${key} AND failures >= ${limit}`);
  }

  return {
    /** Seconds until another attempt is allowed, or 0 when the attempt may proceed. */
    async retryAfterSeconds(account: string, address: string): Promise<number> {
      const now = clock.now();
      const [row] = rowsOf<{ until: string | Date | null }>(
        await db.execute(sql`
          SELECT max(locked_until) AS until FROM sign_in_throttle
          WHERE key IN (${sql.join(
            keys(account, address).map(([key]) => sql`${key}`),
            sql`, `,
          )}) AND locked_until > ${now.toISOString()}::timestamptz`),
      );
      if (!row?.until) return 0;
      return Math.ceil((new Date(row.until).getTime() - now.getTime()) / 1000);
    },
    async recordFailure(account: string, address: string): Promise<void> {
      const now = clock.now();
      for (const [key, limit] of keys(account, address)) await countFailure(key, limit, now);
    },
    async recordSuccess(account: string): Promise<void> {
      await db.execute(sql`DELETE FROM sign_in_throttle WHERE key = ${`account:${account.toLowerCase()}`}`);
    },
    /** Drops counters that neither lock anyone out nor hold a failure within the window. */
    async sweep(): Promise<void> {
      const now = clock.now();
      await db.execute(sql`
        DELETE FROM sign_in_throttle
        WHERE (locked_until IS NULL OR locked_until < ${now.toISOString()}::timestamptz)
          AND window_started_at <= ${new Date(now.getTime() - options.windowMs).toISOString()}::timestamptz`);
    },
  };
}

export type SignInLimiter = ReturnType<typeof createSignInLimiter>;

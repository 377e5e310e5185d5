export interface SignInLimiterOptions {
  /** Failed attempts allowed per account within the window before a lockout. */
  perAccount: number;
  /** Failed attempts allowed per client address within the window before a lockout. */
  perAddress: number;
  windowMs: number;
  /** First lockout; each further lockout of the same key doubles it, up to `maxLockoutMs`. */
  lockoutMs: number;
  maxLockoutMs: number;
  now?: () => number;
}

interface Counter {
  failures: number[];
  lockedUntil: number;
  lockouts: number;
}

/**
 * Throttles password guessing per account and per address, with lockouts that grow on repeat offences.
 * Kept in memory per hub node: each node throttles on its own.
 */
export function createSignInLimiter(options: SignInLimiterOptions) {
  const now = options.now ?? Date.now;
  const counters = new Map<string, Counter>();

  function counter(key: string): Counter {
    let entry = counters.get(key);
    if (!entry) {
      entry = { failures: [], lockedUntil: 0, lockouts: 0 };
      counters.set(key, entry);
    }
    return entry;
  }

  function keys(account: string, address: string): Array<[string, number]> {
    return [
      [`account:${account.toLowerCase()}`, options.perAccount],
      [`address:${address}`, options.perAddress],
    ];
  }

  return {
    /** Seconds until another attempt is allowed, or 0 when the attempt may proceed. */
    retryAfterSeconds(account: string, address: string): number {
      const t = now();
      let wait = 0;
      for (const [key] of keys(account, address)) {
        const entry = counters.get(key);
        if (entry && entry.lockedUntil > t) wait = Math.max(wait, Math.ceil((entry.lockedUntil - t) / 1000));
      }
      return wait;
    },
    recordFailure(account: string, address: string): void {
      const t = now();
      for (const [key, limit] of keys(account, address)) {
        const entry = counter(key);
        entry.failures = entry.failures.filter((at) => at > t - options.windowMs);
        entry.failures.push(t);
        if (entry.failures.length >= limit) {
          entry.lockedUntil = t + Math.min(options.lockoutMs * 2 ** entry.lockouts, options.maxLockoutMs);
          entry.lockouts += 1;
          entry.failures = [];
        }
      }
    },
    recordSuccess(account: string): void {
      counters.delete(`account:${account.toLowerCase()}`);
    },
    /** Drops idle entries so the map does not grow with every address ever seen. */
    sweep(): void {
      const t = now();
      for (const [key, entry] of counters) {
        if (entry.lockedUntil < t && entry.failures.every((at) => at <= t - options.windowMs)) counters.delete(key);
      }
    },
  };
}

export type SignInLimiter = ReturnType<typeof createSignInLimiter>;

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface UntilOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal: AbortSignal;
  /** Named in the timeout error. */
  what: string;
}

/** Polls `check` until it returns true; fails after `timeoutMs` so no wait is unbounded. */
export async function until(check: () => boolean | Promise<boolean>, options: UntilOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
    await sleep(options.intervalMs ?? 100, options.signal);
  }
}

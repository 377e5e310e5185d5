export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
}

/** Exponential backoff with jitter: between half and all of min(max, initial · 2^attempt). */
export function backoffDelay(settings: BackoffSettings, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.maxMs, settings.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

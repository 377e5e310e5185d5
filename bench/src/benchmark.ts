/** What every benchmark is given: the command-line choices, already validated. */
export interface BenchOptions {
  /** CI-sized run that finishes in under a minute. */
  quick: boolean;
  devices: number | undefined;
  seconds: number | undefined;
  /** Target aggregate rate (benchmark-specific unit, e.g. status changes per second). */
  rate: number | undefined;
  /** Repetitions, for benchmarks that repeat a measurement (discovery). */
  runs: number | undefined;
  /** Use the embedded PGlite engine instead of PostgreSQL. */
  pglite: boolean;
}

/** Lets a benchmark hand over clean-up work and check whether it should stop. */
export interface BenchScope {
  /** Runs after the benchmark ends, whatever the outcome, in reverse order of registration. */
  defer(cleanup: () => Promise<void> | void): void;
  /** Aborted when the benchmark's hard timeout fires or the user presses Ctrl-C. */
  signal: AbortSignal;
  /** Progress line on stderr, so stdout stays the table and the final JSON. */
  progress(message: string): void;
}

export interface BenchReport {
  /** Human-readable table, printed before the JSON. */
  table: string;
  /** The one JSON object printed as the last line. */
  json: { bench: string } & Record<string, unknown>;
}

export interface Benchmark {
  name: string;
  description: string;
  /** Upper bound on the whole run, clean-up excluded; the runner aborts it after this. */
  timeoutMs(options: BenchOptions): number;
  run(options: BenchOptions, scope: BenchScope): Promise<BenchReport>;
}

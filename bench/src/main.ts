import { parseArgs } from 'node:util';
import type { BenchOptions, BenchReport, BenchScope, Benchmark } from './benchmark.ts';
import { benchmarks } from './registry.ts';

const usage = `Usage: npm run bench -- [name…] [--quick] [--devices N] [--seconds S] [--rate R] [--runs N] [--pglite]
Benchmarks: ${benchmarks.map((benchmark) => `${benchmark.name} (${benchmark.description})`).join('; ')}`;
/** Each clean-up step gets this long before the next one runs. */
const CLEANUP_STEP_MS = 30_000;

function positiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} takes a positive number, not "${value}"`);
  return number;
}

function parseCommandLine(argv: string[]): { selected: Benchmark[]; options: BenchOptions } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      pglite: { type: 'boolean', default: false },
      devices: { type: 'string' },
      seconds: { type: 'string' },
      rate: { type: 'string' },
      runs: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stderr.write(`${usage}\n`);
    process.exit(0);
  }
  const selected =
    positionals.length === 0
      ? [...benchmarks]
      : positionals.map((name) => {
          const found = benchmarks.find((benchmark) => benchmark.name === name);
          if (!found) throw new Error(`Unknown benchmark "${name}"`);
          return found;
        });
  const devices = positiveNumber('devices', values.devices);
  if (devices !== undefined && !Number.isInteger(devices)) throw new Error('--devices takes a whole number');
  const runs = positiveNumber('runs', values.runs);
  if (runs !== undefined && !Number.isInteger(runs)) throw new Error('--runs takes a whole number');
  return {
    selected,
    options: {
      quick: values.quick,
      pglite: values.pglite,
      devices,
      seconds: positiveNumber('seconds', values.seconds),
      rate: positiveNumber('rate', values.rate),
      runs,
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs one benchmark under its hard timeout, then its clean-ups whatever happened. A benchmark stuck past its timeout
 * is abandoned (its clean-ups still kill its children and drop its database); the process exits at the end anyway.
 */
async function runOne(benchmark: Benchmark, options: BenchOptions, interrupted: AbortSignal): Promise<BenchReport> {
  const controller = new AbortController();
  const onInterrupt = (): void => controller.abort(new Error('Interrupted'));
  interrupted.addEventListener('abort', onInterrupt, { once: true });
  const cleanups: Array<() => Promise<void> | void> = [];
  const scope: BenchScope = {
    defer: (cleanup) => cleanups.push(cleanup),
    signal: controller.signal,
    progress: (message) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`),
  };
  const timeoutMs = benchmark.timeoutMs(options);
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true });
  });
  try {
    return await withTimeout(Promise.race([benchmark.run(options, scope), aborted]), timeoutMs, () => {
      const error = new Error(`${benchmark.name}: hard timeout of ${Math.round(timeoutMs / 1000)} s reached`);
      controller.abort(error);
      return error;
    });
  } finally {
    interrupted.removeEventListener('abort', onInterrupt);
    for (const cleanup of cleanups.reverse()) {
      try {
        await withTimeout(Promise.resolve().then(cleanup), CLEANUP_STEP_MS, () => new Error('clean-up step timed out'));
      } catch (error) {
        scope.progress(`${benchmark.name}: clean-up failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
    return 2;
  }
  const interrupt = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => interrupt.abort());

  let failures = 0;
  for (const benchmark of parsed.selected) {
    if (interrupt.signal.aborted) break;
    try {
      const report = await runOne(benchmark, parsed.options, interrupt.signal);
      process.stdout.write(`${report.table}\n${JSON.stringify(report.json)}\n`);
    } catch (error) {
      failures += 1;
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${benchmark.name} failed: ${error instanceof Error ? error.stack : message}\n`);
      process.stdout.write(`${JSON.stringify({ bench: benchmark.name, error: message })}\n`);
    }
  }
  return interrupt.signal.aborted ? 130 : failures > 0 ? 1 : 0;
}

// Exit explicitly: an abandoned benchmark may leave handles open, and the run must end in bounded time.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);

import type { Benchmark } from './benchmark.ts';
import { ingestBenchmark } from './ingest/ingest.ts';

/** Every benchmark, in the order `npm run bench` runs them; later ones (discovery, live latency, API) go here. */
export const benchmarks: readonly Benchmark[] = [ingestBenchmark];

import type { Benchmark } from './benchmark.ts';
import { agentMemoryBenchmark } from './agent-memory/agent-memory.ts';
import { dashboardPaintBenchmark } from './device-list/dashboard-paint.ts';
import { deviceListBenchmark } from './device-list/device-list.ts';
import { discoveryBenchmark } from './discovery/discovery.ts';
import { ingestBenchmark } from './ingest/ingest.ts';
import { ingestNodesBenchmark } from './ingest-nodes/ingest-nodes.ts';
import { latencyBenchmark } from './latency/latency.ts';
import { rolloutBenchmark } from './rollout/rollout.ts';

/** Every benchmark, in the order `npm run bench` runs them; later ones (live latency to the browser, API) go here. */
export const benchmarks: readonly Benchmark[] = [
  discoveryBenchmark,
  agentMemoryBenchmark,
  latencyBenchmark,
  ingestBenchmark,
  ingestNodesBenchmark,
  deviceListBenchmark,
  dashboardPaintBenchmark,
  rolloutBenchmark,
];

import type { Benchmark } from './benchmark.ts';
import { agentMemoryBenchmark } from './agent-memory/agent-memory.ts';
import { dashboardPaintBenchmark } from './device-list/dashboard-paint.ts';
import { deviceListBenchmark } from './device-list/device-list.ts';
import { discoveryBenchmark } from './discovery/discovery.ts';
import { hubScaleBenchmark } from './hub-scale/hub-scale.ts';
import { liveLatencyBenchmark } from './hub-scale/live-latency.ts';
import { ingestBenchmark } from './ingest/ingest.ts';
import { ingestNodesBenchmark } from './ingest-nodes/ingest-nodes.ts';
import { latencyBenchmark } from './latency/latency.ts';
import { rolloutBenchmark } from './rollout/rollout.ts';

/** Every benchmark, in the order `npm run bench` runs them. */
export const benchmarks: readonly Benchmark[] = [
  discoveryBenchmark,
  agentMemoryBenchmark,
  latencyBenchmark,
  ingestBenchmark,
  ingestNodesBenchmark,
  deviceListBenchmark,
  dashboardPaintBenchmark,
  hubScaleBenchmark,
  liveLatencyBenchmark,
  rolloutBenchmark,
];

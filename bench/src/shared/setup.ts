import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions, BenchScope } from '../benchmark.ts';
import { round } from '../format.ts';
import { BUSY_WARNING_PERCENT } from './machine.ts';
import { agentConfig, startAgentWorker, type AgentWorker, type HubSite } from './site.ts';

/** A benchmark's own loopback block and ports: distinct per benchmark so they never meet (RESULTS.md). */
export interface BenchNetwork {
  subnetPrefix: string;
  telnetPort: number;
  discoveryPort: number;
}

/** Loopback blocks reserved for the benchmarks (the demo uses 127.20.x, tests 127.4x.x). */
export const benchNetworks = {
  ingest: { subnetPrefix: '127.60', telnetPort: 2424, discoveryPort: 50_124 },
  discovery: { subnetPrefix: '127.61', telnetPort: 2425, discoveryPort: 50_125 },
  agentMemory: { subnetPrefix: '127.62', telnetPort: 2426, discoveryPort: 50_126 },
  latency: { subnetPrefix: '127.63', telnetPort: 2427, discoveryPort: 50_127 },
} as const satisfies Record<string, BenchNetwork>;

/** Devices per simulated /24 in the multi-subnet benchmarks. */
export const MAX_DEVICES_PER_SUBNET = 200;

export type BenchDatabase = 'postgres' | 'pglite';

export function databaseOf(options: BenchOptions): BenchDatabase {
  return options.pglite ? 'pglite' : 'postgres';
}

/** Settings of a benchmark that flips device statuses at a rate and waits for the events to arrive. */
export interface FlipSettings {
  devices: number;
  seconds: number;
  rate: number;
  database: BenchDatabase;
  discoveryTimeoutMs: number;
  drainTimeoutMs: number;
}

/** Defaults as `[quick, full]` pairs where `--quick` changes them. */
export interface FlipDefaults {
  devices: readonly [number, number];
  seconds: readonly [number, number];
  rate: number;
  discoveryMsPerDevice: number;
  drainTimeoutMs: readonly [number, number];
}

export function flipSettingsOf(options: BenchOptions, defaults: FlipDefaults): FlipSettings {
  const pick = ([quick, full]: readonly [number, number]): number => (options.quick ? quick : full);
  const devices = options.devices ?? pick(defaults.devices);
  return {
    devices,
    seconds: options.seconds ?? pick(defaults.seconds),
    rate: options.rate ?? defaults.rate,
    database: databaseOf(options),
    discoveryTimeoutMs: 30_000 + devices * defaults.discoveryMsPerDevice,
    drainTimeoutMs: pick(defaults.drainTimeoutMs),
  };
}

/** A fresh temp directory for the run, removed when the scope ends. */
export function benchDataDir(scope: BenchScope, bench: string): string {
  const dataDir = mkdtempSync(join(tmpdir(), `tutti-bench-${bench}-`));
  scope.defer(() => rmSync(dataDir, { recursive: true, force: true }));
  return dataDir;
}

/** The window between two snapshots (ms) and the share of one core (percent, one decimal) a CPU-ms delta is of it. */
export function cpuWindow(before: { at: number }, after: { at: number }) {
  const window = after.at - before.at;
  const share = (from: number, to: number): number => round(((to - from) / window) * 100, 1);
  const pgShare = (delta: number | null): number | null => (delta === null ? null : share(0, delta));
  return { window, share, pgShare };
}

/** The table row that says the figures were taken on a busy machine, if they were. */
export function busyWarningRows(elsewhere: number) {
  return elsewhere > BUSY_WARNING_PERCENT
    ? [['warning', 'other work shared the machine; figures understate Tutti'] as const]
    : [];
}

/** Starts the Local Agent process linked to the hub, monitoring every subnet of the layout. */
export async function startSiteAgent(
  scope: BenchScope,
  options: { dataDir: string; site: HubSite; layout: Array<{ subnet: string }>; network: BenchNetwork },
): Promise<AgentWorker> {
  const agent = startAgentWorker(scope);
  await agent.request(
    {
      type: 'start',
      config: agentConfig({
        dataDir: join(options.dataDir, 'agent'),
        site: options.site,
        subnets: options.layout.map(({ subnet }) => subnet),
        telnetPort: options.network.telnetPort,
        discoveryPort: options.network.discoveryPort,
      }),
    },
    'started',
    30_000,
  );
  return agent;
}

import type { AgentConfigInput } from '@tutti/agent';

/** Lets a worker kill itself if the bench process vanished without closing the IPC channel. */
export const WORKER_LIFETIME_MS = 15 * 60_000;

export interface SubnetLayout {
  subnet: string;
  devices: number;
}

/** How long the simulated boxes take to install firmware and to restart (simulator defaults: 10 s and 45 s). */
export interface SimulatorTimings {
  firmwareUpdateMs?: number;
  rebootMs?: number;
}

/** `round-robin` flips device 0, 1, 2, … in turn; `shuffled` walks a seeded random permutation of the devices. */
export type FlipOrder = 'round-robin' | 'shuffled';

export type SimRequest =
  | { type: 'start'; layout: SubnetLayout[]; port: number; discoveryPort: number; timings?: SimulatorTimings }
  | {
      type: 'flip';
      rate: number;
      seconds: number;
      hotCelsius: number;
      coolCelsius: number;
      order?: FlipOrder;
      seed?: number;
    }
  | { type: 'cpu' }
  | { type: 'stop' };

export type SimReply =
  | { type: 'started'; serials: string[]; startMs: number }
  | {
      type: 'flipped';
      /** Index into `serials` of each flip, in flip order. */
      device: Int32Array;
      /** Wall-clock time of each flip (epoch ms, sub-millisecond), taken just before `setTemperature`. */
      at: Float64Array;
      /** Most the driver ever ran behind its schedule, in ms: large means the simulator process was saturated. */
      maxLagMs: number;
    }
  | { type: 'cpu'; cpuMs: number }
  | { type: 'stopped' };

export interface AgentProgress {
  outboxDepth: number;
  lastSeq: number;
  lastAckedSeq: number;
  link: string;
  connectedSessions: number;
  devices: number;
  /** Devices with a connected session, an identity (firmware read) and a status. */
  identified: number;
  /** Subnet sweeps finished since the agent started, all subnets together. */
  scans: number;
}

/** `process.memoryUsage()` of the agent's process, in bytes. */
export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export type AgentRequest =
  | { type: 'start'; config: AgentConfigInput }
  | { type: 'status' }
  | { type: 'cpu' }
  /** Enables (or adds) subnets on the running agent, as the UI does. */
  | { type: 'subnets'; subnets: string[] }
  /**
   * Memory, after full garbage collections when `gc` is set (the worker needs `--expose-gc`); with `settleMs`, GC
   * again after that long, so V8 has returned freed heap pages to the OS and RSS is comparable between samples.
   */
  | { type: 'memory'; gc: boolean; settleMs?: number }
  /** Polls `agent.status()` every few ms until `count` devices are identified; times from the start request. */
  | { type: 'identified'; count: number; timeoutMs: number }
  /** One UDP discovery sweep with `probeSubnet`, timed. */
  | { type: 'probe'; subnet: string; port: number; timeoutMs: number; concurrency: number }
  | { type: 'stop' };

export type AgentReply =
  | { type: 'started'; startMs: number }
  | ({ type: 'status' } & AgentProgress)
  | { type: 'cpu'; cpuMs: number }
  | { type: 'subnets' }
  | ({ type: 'memory' } & MemorySample)
  /** `ms` since the start request began; `firstMs` when the first device was identified. */
  | { type: 'identified'; ms: number; firstMs: number; identified: number; devices: number }
  | { type: 'probe'; ms: number; answers: number }
  | { type: 'stopped' };

import type { AgentConfigInput } from '@tutti/agent';

/** Lets a worker kill itself if the bench process vanished without closing the IPC channel. */
export const WORKER_LIFETIME_MS = 15 * 60_000;

export interface SubnetLayout {
  subnet: string;
  devices: number;
}

export type SimRequest =
  | { type: 'start'; layout: SubnetLayout[]; port: number; discoveryPort: number }
  | { type: 'flip'; rate: number; seconds: number; hotCelsius: number; coolCelsius: number }
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
}

export type AgentRequest =
  { type: 'start'; config: AgentConfigInput } | { type: 'status' } | { type: 'cpu' } | { type: 'stop' };

export type AgentReply =
  { type: 'started' } | ({ type: 'status' } & AgentProgress) | { type: 'cpu'; cpuMs: number } | { type: 'stopped' };

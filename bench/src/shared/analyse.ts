import { percentile } from '../format.ts';

/** One stored `device.status` event, in seq order. */
export interface StoredStatusEvent {
  serial: string;
  status: string;
  /** Agent's outbox append time (`occurred_at`), epoch ms. */
  occurredMs: number;
  /** Hub's storing transaction start (`received_at`), epoch ms. */
  receivedMs: number;
}

export interface IngestAnalysis {
  flips: number;
  eventsStored: number;
  /** Flips with no matching event. */
  lost: number;
  /** Events beyond a device's flip count. */
  duplicates: number;
  /** Matched events whose status is not the one the flip produced (hot → overheating, cool → anything else). */
  wrongStatus: number;
  /** `down` events: the agent lost a device session (e.g. a liveness probe starved of CPU); flips meanwhile go unseen. */
  downEvents: number;
  firstFlipMs: number;
  lastFlipMs: number;
  lastReceivedMs: number;
  /** Sorted ascending: flip → hub commit (received_at). */
  latencyMs: Float64Array;
  /** Sorted ascending: flip → agent outbox append (occurred_at). */
  agentLatencyMs: Float64Array;
}

/**
 * Matches the k-th flip of each device to its k-th stored status event. Odd flips heat the device (82 °C), so the
 * first, third, … event must say `overheating`; even flips cool it and the event must say something else.
 */
export function analyseIngest(
  serials: readonly string[],
  flipDevice: Int32Array,
  flipAt: Float64Array,
  events: readonly StoredStatusEvent[],
): IngestAnalysis {
  const flipsOf: number[][] = serials.map(() => []);
  for (let index = 0; index < flipDevice.length; index += 1) flipsOf[flipDevice[index]!]!.push(flipAt[index]!);
  const indexOf = new Map(serials.map((serial, index) => [serial, index]));
  const seenOf = new Int32Array(serials.length);
  const latency: number[] = [];
  const agentLatency: number[] = [];
  let duplicates = 0;
  let wrongStatus = 0;
  let downEvents = 0;
  let lastReceivedMs = Number.NaN;

  for (const event of events) {
    lastReceivedMs = Number.isNaN(lastReceivedMs) ? event.receivedMs : Math.max(lastReceivedMs, event.receivedMs);
    if (event.status === 'down') downEvents += 1;
    const device = indexOf.get(event.serial);
    if (device === undefined) {
      duplicates += 1;
      continue;
    }
    const k = seenOf[device]!;
    seenOf[device] = k + 1;
    const flippedAt = flipsOf[device]![k];
    if (flippedAt === undefined) {
      duplicates += 1;
      continue;
    }
    if ((event.status === 'overheating') !== (k % 2 === 0)) wrongStatus += 1;
    latency.push(event.receivedMs - flippedAt);
    agentLatency.push(event.occurredMs - flippedAt);
  }

  let lost = 0;
  for (let device = 0; device < serials.length; device += 1) {
    lost += Math.max(0, flipsOf[device]!.length - seenOf[device]!);
  }
  return {
    flips: flipDevice.length,
    eventsStored: events.length,
    lost,
    duplicates,
    wrongStatus,
    downEvents,
    firstFlipMs: flipAt.length > 0 ? flipAt[0]! : Number.NaN,
    lastFlipMs: flipAt.length > 0 ? flipAt[flipAt.length - 1]! : Number.NaN,
    lastReceivedMs,
    latencyMs: Float64Array.from(latency).sort(),
    agentLatencyMs: Float64Array.from(agentLatency).sort(),
  };
}

export function latencySummary(sorted: Float64Array): { p50: number; p95: number; p99: number; max: number } {
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

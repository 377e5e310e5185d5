import {
  createSimulator,
  createSiteSpec,
  type SimulatedDevice,
  type SimulatedDeviceSpec,
  type Simulator,
} from '@tutti/devices';
import { cpuMs, serveWorker } from '../worker.ts';
import { WORKER_LIFETIME_MS, type FlipOrder, type SimReply, type SimRequest, type SubnetLayout } from './messages.ts';

/** The simulated site and the flip driver share a process, so flip times are taken where the change happens. */
let simulator: Simulator | null = null;
let devices: SimulatedDevice[] = [];

const now = (): number => performance.timeOrigin + performance.now();

/**
 * Exactly `devices` DSP boxes per subnet, without P-Link peripherals: only boxes have a temperature, so one flip is
 * one status change. A stack cut short is told its new size, or it would report Incomplete Stack.
 */
function boxSpecs(layout: SubnetLayout[]): SimulatedDeviceSpec[] {
  return layout.flatMap(({ subnet, devices: count }, index) => {
    const boxes = createSiteSpec({ subnets: [subnet], devicesPerSubnet: 10_000, seed: index + 1 }).slice(0, count);
    const kept = new Map<string, number>();
    for (const box of boxes) kept.set(box.stackName, (kept.get(box.stackName) ?? 0) + 1);
    return boxes.map((box) => ({ ...box, peripherals: [], expectedStackSize: kept.get(box.stackName)! }));
  });
}

/** Device indices in flip order: `0, 1, 2, …`, or a seeded random permutation (mulberry32), repeated as needed. */
function flipOrder(order: FlipOrder, seed: number): Int32Array {
  const indices = Int32Array.from(devices, (_, index) => index);
  if (order === 'round-robin') return indices;
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  for (let index = indices.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [indices[index], indices[other]] = [indices[other]!, indices[index]!];
  }
  return indices;
}

/**
 * Flips devices between hot and cool at `rate` flips per second for `seconds`, in `order`. A 1 ms timer loop
 * catches up on every flip that is due, so a slow tick delays flips (reported as lag) instead of dropping them.
 */
function flip(
  rate: number,
  seconds: number,
  hot: number,
  cool: number,
  order: FlipOrder,
  seed: number,
): Promise<SimReply> {
  const sequence = flipOrder(order, seed);
  const total = Math.round(rate * seconds);
  const device = new Int32Array(total);
  const at = new Float64Array(total);
  const isHot = new Uint8Array(devices.length);
  const start = performance.now();
  let done = 0;
  let maxLagMs = 0;
  return new Promise((resolve) => {
    const tick = (): void => {
      const elapsed = performance.now() - start;
      const due = Math.min(total, Math.floor((elapsed * rate) / 1000));
      if (due > done) maxLagMs = Math.max(maxLagMs, elapsed - ((done + 1) * 1000) / rate);
      while (done < due) {
        const index = sequence[done % sequence.length]!;
        const heat = !isHot[index];
        isHot[index] = heat ? 1 : 0;
        device[done] = index;
        at[done] = now();
        devices[index]!.setTemperature(heat ? hot : cool);
        done += 1;
      }
      if (done < total) setTimeout(tick, 1);
      else resolve({ type: 'flipped', device, at, maxLagMs });
    };
    tick();
  });
}

serveWorker<SimRequest, SimReply>(async (message) => {
  switch (message.type) {
    case 'start': {
      const startedAt = performance.now();
      simulator = createSimulator({
        devices: boxSpecs(message.layout),
        port: message.port,
        discoveryPort: message.discoveryPort,
        ...message.timings,
      });
      await simulator.start();
      devices = simulator.devices();
      return {
        type: 'started',
        serials: devices.map((box) => box.spec.serial),
        startMs: performance.now() - startedAt,
      };
    }
    case 'flip':
      return flip(
        message.rate,
        message.seconds,
        message.hotCelsius,
        message.coolCelsius,
        message.order ?? 'round-robin',
        message.seed ?? 1,
      );
    case 'cpu':
      return { type: 'cpu', cpuMs: cpuMs() };
    case 'stop':
      await simulator?.close();
      simulator = null;
      process.send?.({ type: 'stopped' } satisfies SimReply, () => process.exit(0));
      return null;
  }
}, WORKER_LIFETIME_MS);

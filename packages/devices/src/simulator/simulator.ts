import { appError, isLoopbackIpv4 } from '@tutti/protocol';
import { DEFAULT_MAX_LINE_BYTES } from '../codec.ts';
import { discovery } from '../system-commands.ts';
import { Box, type BoxContext } from './box.ts';
import type { SimulatedDevice, Simulator, SimulatorChange, SimulatorOptions } from './types.ts';

const DEFAULT_TELNET_PORT = 23;
const DEFAULT_LOCATE_TIMEOUT_MS = 30_000;
const DEFAULT_REBOOT_MS = 45_000;
const DEFAULT_FIRMWARE_UPDATE_MS = 10_000;
const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60_000;

/**
 * Runs simulated CONVERGE Pro 2 and Huddle boxes (DEVICE-PROTOCOL §6): a telnet server and a UDP
 * discovery responder per box, on loopback only. Nothing listens before `start()`.
 */
export function createSimulator(options: SimulatorOptions): Simulator {
  // Validate everything before any socket exists.
  for (const spec of options.devices) {
    if (!isLoopbackIpv4(spec.address)) throw appError('ADDRESS_NOT_LOOPBACK', { address: spec.address });
  }
  const listeners = new Set<(change: SimulatorChange) => void>();
  if (options.onChange) listeners.add(options.onChange);
  const stacks = new Map<string, Box[]>();
  let seq = 0;

  const ctx: BoxContext = {
    discoveryPort: options.discoveryPort ?? discovery.port,
    lineEnding: options.lineEnding ?? 'CRLF',
    fanOut: options.fanOut ?? true,
    locateTimeoutMs: options.locateTimeoutMs ?? DEFAULT_LOCATE_TIMEOUT_MS,
    rebootMs: options.rebootMs ?? DEFAULT_REBOOT_MS,
    firmwareUpdateMs: options.firmwareUpdateMs ?? DEFAULT_FIRMWARE_UPDATE_MS,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
    stackPeers: (box) => stacks.get(box.spec.stackName) ?? [box],
    stackChanged: (box) => {
      for (const peer of ctx.stackPeers(box)) if (peer.up) peer.refreshStackStatus();
    },
    emit: (box, kind, value, target) => {
      if (listeners.size === 0) return;
      seq += 1;
      const change: SimulatorChange = {
        seq,
        at: Date.now(),
        serial: box.spec.serial,
        boxName: box.spec.boxName,
        address: box.address,
        kind,
        value,
        ...(target === undefined ? {} : { target }),
      };
      for (const listener of listeners) listener(change);
    },
  };

  const boxes = options.devices.map((spec) => new Box(spec, options.port ?? DEFAULT_TELNET_PORT, ctx));
  const bySerial = new Map<string, Box>();
  for (const box of boxes) {
    if (bySerial.has(box.spec.serial))
      throw appError('CONFIG_INVALID', { serial: box.spec.serial }, 'Duplicate serial');
    bySerial.set(box.spec.serial, box);
    const members = stacks.get(box.spec.stackName) ?? [];
    members.push(box);
    stacks.set(box.spec.stackName, members);
  }
  let started = false;

  return {
    async start() {
      if (started) return;
      started = true;
      try {
        await Promise.all(boxes.map((box) => box.start()));
      } catch (error) {
        await Promise.all(boxes.map((box) => box.shutdown()));
        throw error;
      }
      for (const box of boxes) box.initStackStatus();
    },
    async close() {
      await Promise.all(boxes.map((box) => box.shutdown()));
    },
    devices(): SimulatedDevice[] {
      return [...boxes];
    },
    device(serial) {
      return bySerial.get(serial);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

import { appError, isLoopbackIpv4, modelInfo } from '@tutti/protocol';
import { DEFAULT_MAX_LINE_BYTES } from '../codec.ts';
import type { DeviceLog } from '../device-log.ts';
import { discovery } from '../system-commands.ts';
import { Box, type BoxContext } from './box.ts';
import { defaultRegistrar } from './registrar.ts';
import { CodecUnit } from './codec-unit.ts';
import type {
  SimulatedDevice,
  SimulatedPeripheral,
  Simulator,
  SimulatorChange,
  SimulatorChangeKind,
  SimulatorOptions,
} from './types.ts';

const DEFAULT_TELNET_PORT = 23;
const DEFAULT_LOCATE_TIMEOUT_MS = 30_000;
const DEFAULT_REBOOT_MS = 45_000;
const DEFAULT_FIRMWARE_UPDATE_MS = 10_000;
const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_CONFIG_LOAD_MS = 5_000;

/** Writes a unit's change into its log; frequent readings (temperature, levels) stay out of it. */
function logChange(log: DeviceLog, kind: SimulatorChangeKind, value: string, target?: string): void {
  switch (kind) {
    case 'locate':
      return log.add('COMMAND', `LOCATE ${value}`);
    case 'safety_mute':
      return log.add('COMMAND', `SAFETY_MUTE ${value}`);
    case 'network':
      return log.add('NETWORK', `${target ?? ''} set to ${value}`);
    case 'credentials':
      return log.add('SECURITY', `login credentials changed (username ${value})`);
    case 'firmware':
      return log.add('FIRMWARE', `running version ${value}`);
    case 'firmware_update':
      return log.add('FIRMWARE', `update ${value}`);
    case 'config':
      return log.add('CONFIG', `configuration ${value}`);
    case 'availability':
      return log.add(value === 'down' ? 'FAULT' : 'SYSTEM', `unit ${value}`);
    case 'unit_state':
      return log.add('SYSTEM', `state ${value}`);
    case 'stack_status':
      return log.add(value.startsWith('OK') ? 'SYSTEM' : 'FAULT', `stack ${value}`);
    case 'registration':
      return log.add('VOIP', `${target ?? ''} ${value}`);
    case 'misbehaviour':
      return log.add('FAULT', `network behaviour ${value}`);
    case 'codec':
      return log.add('CODEC', `${target ?? ''} ${value}`);
    case 'peripheral':
      return log.add('SYSTEM', `P-Link ${target ?? ''} ${value}`);
    case 'voip_restart_pending':
      return log.add('VOIP', `restart pending ${value}`);
    case 'voip_settings':
      // Only which line changed: SIP settings may carry a password.
      return log.add('VOIP', `${target ?? ''} SIP settings changed`);
    case 'temperature':
    case 'endpoint':
    case 'notification':
      return;
  }
}

/**
 * Runs simulated CONVERGE Pro 2 and Huddle boxes (with their P-Link peripherals) and COLLABORATE Live
 * codecs (DEVICE-PROTOCOL §6): a telnet server and a UDP discovery responder per unit, on loopback only.
 * Nothing listens before `start()`.
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
    bootMs: options.bootMs ?? 0,
    configLoadMs: options.configLoadMs ?? DEFAULT_CONFIG_LOAD_MS,
    firmwareUpdateMs: options.firmwareUpdateMs ?? DEFAULT_FIRMWARE_UPDATE_MS,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
    registrar: options.registrar ?? defaultRegistrar,
    stackPeers: (box) => stacks.get(box.spec.stackName) ?? [box],
    stackChanged: (box) => {
      for (const peer of ctx.stackPeers(box)) if (peer.up) peer.refreshStackStatus();
    },
    emit: (box, kind, value, target) => {
      logChange(box.log, kind, value, target);
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

  const defaultPort = options.port ?? DEFAULT_TELNET_PORT;
  const units = options.devices.map((spec) =>
    modelInfo(spec.model).family === 'collaborate_live'
      ? new CodecUnit(spec, defaultPort, ctx)
      : new Box(spec, defaultPort, ctx),
  );
  const boxes = units.filter((unit): unit is Box => unit instanceof Box);
  const bySerial = new Map<string, Box | CodecUnit>();
  for (const unit of units) {
    if (bySerial.has(unit.spec.serial))
      throw appError('CONFIG_INVALID', { serial: unit.spec.serial }, 'Duplicate serial');
    bySerial.set(unit.spec.serial, unit);
  }
  for (const box of boxes) {
    const members = stacks.get(box.spec.stackName) ?? [];
    members.push(box);
    stacks.set(box.spec.stackName, members);
  }
  const peripherals = new Map<string, SimulatedPeripheral>();
  for (const box of boxes) {
    for (const peripheral of box.peripherals()) {
      if (bySerial.has(peripheral.spec.serial) || peripherals.has(peripheral.spec.serial)) {
        throw appError('CONFIG_INVALID', { serial: peripheral.spec.serial }, 'Duplicate serial');
      }
      peripherals.set(peripheral.spec.serial, peripheral);
    }
  }
  let started = false;

  return {
    async start() {
      if (started) return;
      started = true;
      try {
        await Promise.all(units.map((unit) => unit.start()));
      } catch (error) {
        await Promise.all(units.map((unit) => unit.shutdown()));
        throw error;
      }
      for (const box of boxes) box.initStackStatus();
    },
    async close() {
      await Promise.all(units.map((unit) => unit.shutdown()));
    },
    devices(): SimulatedDevice[] {
      return [...units];
    },
    device(serial) {
      return bySerial.get(serial);
    },
    peripheral(serial) {
      return peripherals.get(serial);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

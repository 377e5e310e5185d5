import { appError, isLoopbackIpv4, modelInfo, type DeviceModel } from '@tutti/protocol';
import { CODEC_STACK_NONE } from '../system-commands.ts';
import type { Credentials, SimulatedDeviceSpec, SimulatedPeripheralSpec } from './types.ts';
import { createRandom } from './random.ts';

/** Relative weights by model code, e.g. `{ CONVERGE_PRO_2_128V: 3, CONVERGE_HUDDLE: 1, COLLABORATE_LIVE_600: 1 }`. */
export type ProductMix = Partial<Record<DeviceModel, number>>;

export interface StackOptions {
  /** Boxes per CONVERGE Pro 2 stack, 1–9. Default 1–3. */
  minSize?: number;
  maxSize?: number;
  /** Most P-Link peripherals per DSP box. Default 4. */
  maxPeripheralsPerBox?: number;
  /** Credentials of every unit. Default clearone / converge. */
  credentials?: Credentials;
}

export interface CreateSiteSpecOptions {
  /** Loopback /24 subnets written `127.X.Y.0` (optionally `/24`). */
  subnets: string[];
  /** Devices per subnet, DSP boxes, codecs and P-Link peripherals together (exact while addresses last). */
  devicesPerSubnet: number;
  seed?: number;
  /**
   * Units on addresses (DSPs and COLLABORATE Live codecs) by weight. Default: one Huddle stack in five,
   * the rest CONVERGE Pro 2 stacks of any model, no codecs.
   */
  mix?: ProductMix;
  /** Peripherals by weight. Default: every peripheral model alike. */
  peripheralMix?: ProductMix;
  stacks?: StackOptions;
}

/** First host address used in each subnet; lower ones are left for gateways and the agent. */
const FIRST_HOST = 10;
const LAST_HOST = 254;

const cp2Models: DeviceModel[] = [
  'CONVERGE_PRO_2_128',
  'CONVERGE_PRO_2_128D',
  'CONVERGE_PRO_2_128T',
  'CONVERGE_PRO_2_128TD',
  'CONVERGE_PRO_2_128V',
  'CONVERGE_PRO_2_128VD',
  'CONVERGE_PRO_2_48T',
  'CONVERGE_PRO_2_48V',
  'CONVERGE_PRO_2_120',
];
const cp2Firmware = ['5.2.0.7', '5.2.0.7', '5.2.0.7', '5.1.3.2', '4.6.1.5'];
const huddleFirmware = ['1.3.0.4', '1.2.1.9'];
const codecFirmware = ['2.4.1.0', '2.3.0.12'];
const rooms = [
  'BOARDROOM',
  'TRAINING',
  'AUDITORIUM',
  'HUDDLE',
  'CAFE',
  'LOBBY',
  'CHAPEL',
  'CLASSROOM',
  'STUDIO',
  'COUNCIL',
];

interface PeripheralKind {
  model: DeviceModel;
  firmware: string;
  label: string;
  cp2Only: boolean;
}
const peripheralKinds: PeripheralKind[] = [
  { model: 'BMA_2', firmware: '1.0.3.12', label: 'Ceiling_Mic', cp2Only: true },
  { model: 'BMA_360', firmware: '2.1.0.8', label: 'Table_Mic', cp2Only: false },
  { model: 'BMA_CT', firmware: '1.4.2.1', label: 'Ceiling_Tile_Mic', cp2Only: false },
  { model: 'BMA_CTH', firmware: '1.4.2.1', label: 'Ceiling_Tile_Mic_H', cp2Only: false },
  { model: 'DIALOG_20', firmware: '3.0.1.4', label: 'Wireless', cp2Only: false },
  { model: 'CP2_USB_EXPANDER', firmware: '1.1.0.3', label: 'USB_Expander', cp2Only: true },
  { model: 'CP2_GPIO_EXPANDER', firmware: '1.0.2.6', label: 'GPIO_Expander', cp2Only: true },
  { model: 'BLUETOOTH_EXPANDER', firmware: '1.2.0.0', label: 'Bluetooth', cp2Only: false },
];
/** Each P-Link chain takes at most 3 Beamforming Mic Array 2 (DEVICE-PROTOCOL §3). */
const MAX_BMA2_PER_CHAIN = 3;

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

type UnitKind = 'cp2' | 'huddle' | 'codec';

function weighted(random: () => number, mix: ProductMix, models: readonly DeviceModel[]): DeviceModel | undefined {
  const entries = models.map((model) => [model, mix[model] ?? 0] as const).filter(([, weight]) => weight > 0);
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  if (total <= 0) return undefined;
  let roll = random() * total;
  for (const [model, weight] of entries) {
    roll -= weight;
    if (roll < 0) return model;
  }
  return entries.at(-1)?.[0];
}

const kindOf = (model: DeviceModel): UnitKind =>
  model === 'CONVERGE_HUDDLE' ? 'huddle' : modelInfo(model).family === 'collaborate_live' ? 'codec' : 'cp2';

function validateMix(mix: ProductMix | undefined, allowed: (model: DeviceModel) => boolean, name: string): void {
  if (mix === undefined) return;
  let total = 0;
  for (const [model, weight] of Object.entries(mix) as Array<[DeviceModel, number]>) {
    if (!allowed(model)) throw appError('CONFIG_INVALID', { model }, `${model} cannot be part of ${name}`);
    if (!Number.isFinite(weight) || weight < 0) throw appError('CONFIG_INVALID', { model, weight }, 'Weights are ≥ 0');
    total += weight;
  }
  if (total <= 0) throw appError('CONFIG_INVALID', { mix }, `${name} needs at least one weight above 0`);
}

/**
 * Lays out a plausible site: per subnet, stacks of CONVERGE Pro 2 units on consecutive addresses
 * (box numbers 1..n, shared stack name and credentials), some Huddles, COLLABORATE Live codecs when the
 * mix asks for them, and P-Link peripherals, until exactly `devicesPerSubnet` devices exist (or the
 * subnet's addresses run out). The same options always give the same site.
 * Serials are `SSSS-NNNN-CC` with SSSS taken from the subnet and NNNN the device's index in it, so they are
 * unique across subnets whose `(second octet mod 39, third octet)` differ.
 */
export function createSiteSpec(options: CreateSiteSpecOptions): SimulatedDeviceSpec[] {
  const networks = options.subnets.map((subnet) => {
    const network = subnet.replace(/\/24$/, '');
    if (!isLoopbackIpv4(network)) throw appError('ADDRESS_NOT_LOOPBACK', { subnet });
    if (!network.endsWith('.0')) throw appError('CONFIG_INVALID', { subnet }, 'A subnet is written as 127.X.Y.0');
    return network;
  });
  if (!Number.isInteger(options.devicesPerSubnet) || options.devicesPerSubnet < 0) {
    throw appError('CONFIG_INVALID', { devicesPerSubnet: options.devicesPerSubnet });
  }
  const minSize = options.stacks?.minSize ?? 1;
  const maxSize = options.stacks?.maxSize ?? 3;
  const maxPeripherals = options.stacks?.maxPeripheralsPerBox ?? 4;
  if (!Number.isInteger(minSize) || !Number.isInteger(maxSize) || minSize < 1 || maxSize > 9 || minSize > maxSize) {
    throw appError('CONFIG_INVALID', { minSize, maxSize }, 'Stack sizes are whole numbers with 1 ≤ min ≤ max ≤ 9');
  }
  if (!Number.isInteger(maxPeripherals) || maxPeripherals < 0 || maxPeripherals > 20) {
    throw appError('CONFIG_INVALID', { maxPeripherals }, 'Peripherals per box are 0–20');
  }
  validateMix(options.mix, (model) => modelInfo(model).dsp || kindOf(model) === 'codec', 'the unit mix');
  validateMix(
    options.peripheralMix,
    (model) => peripheralKinds.some((kind) => kind.model === model),
    'the peripheral mix',
  );
  const random = createRandom(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const mix = options.mix;
  const allModels = Object.keys(mix ?? {}) as DeviceModel[];
  const cp2InMix = allModels.filter((model) => kindOf(model) === 'cp2');
  const specs: SimulatedDeviceSpec[] = [];

  for (const network of networks) {
    const [, second = 0, third = 0] = network.split('.').map(Number);
    const prefix = network.slice(0, -2);
    const serialBlock = pad((second % 39) * 256 + third, 4);
    let deviceIndex = 0;
    let host = FIRST_HOST;
    let stackIndex = 0;
    const nextSerial = (): string => {
      deviceIndex += 1;
      return `${serialBlock}-${pad(deviceIndex, 4)}-${pad(Math.floor(random() * 100), 2)}`;
    };
    const nextMac = (): string => {
      const value = ((third & 0xff) << 16) | ((second & 0x03) << 14) | (deviceIndex & 0x3fff);
      const bytes = [(value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
      return `00:06:E2:${bytes.map((byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join(':')}`;
    };

    while (deviceIndex < options.devicesPerSubnet && host <= LAST_HOST) {
      stackIndex += 1;
      const remaining = options.devicesPerSubnet - deviceIndex;
      // Without a mix the draws are the historical ones, so existing seeds keep their layouts.
      const first = mix ? (weighted(random, mix, allModels) ?? 'CONVERGE_PRO_2_128') : undefined;
      const kind: UnitKind = first ? kindOf(first) : random() < 0.2 ? 'huddle' : 'cp2';
      const size =
        kind === 'cp2'
          ? Math.min(minSize + Math.floor(random() * (maxSize - minSize + 1)), remaining, LAST_HOST - host + 1)
          : 1;
      // Stack names identify stacks across the whole simulator, so they carry the subnet.
      const room = `${pick(rooms)}_${second}_${third}_${pad(stackIndex, 2)}`;
      const firmware = pick(kind === 'huddle' ? huddleFirmware : kind === 'codec' ? codecFirmware : cp2Firmware);
      for (let boxNumber = 1; boxNumber <= size; boxNumber += 1) {
        const model: DeviceModel =
          kind !== 'cp2'
            ? (first ?? 'CONVERGE_HUDDLE')
            : mix
              ? boxNumber === 1 && first
                ? first
                : (weighted(random, mix, cp2InMix) ?? 'CONVERGE_PRO_2_128')
              : pick(cp2Models);
        const serial = nextSerial();
        const mac = nextMac();
        // Later boxes of this stack are already promised a slot each.
        const budget = options.devicesPerSubnet - deviceIndex - (size - boxNumber);
        const peripherals =
          kind === 'codec'
            ? []
            : createPeripherals(random, {
                huddle: kind === 'huddle',
                count: Math.min(budget, Math.floor(random() * (maxPeripherals + 1))),
                nextSerial,
                mix: options.peripheralMix,
              });
        specs.push({
          address: `${prefix}.${host}`,
          model,
          boxName: kind === 'codec' ? `${room}_CODEC` : size === 1 ? `${room}_DSP` : `${room}_DSP${boxNumber}`,
          serial,
          mac,
          firmware,
          stackName: kind === 'codec' ? CODEC_STACK_NONE : room,
          boxNumber,
          expectedStackSize: size,
          peripherals,
          ...(options.stacks?.credentials ? { credentials: { ...options.stacks.credentials } } : {}),
        });
        host += 1;
      }
    }
  }
  return specs;
}

interface PeripheralLayout {
  huddle: boolean;
  count: number;
  nextSerial: () => string;
  mix: ProductMix | undefined;
}

function createPeripherals(random: () => number, layout: PeripheralLayout): SimulatedPeripheralSpec[] {
  let kinds = peripheralKinds.filter(
    (kind) => (!layout.huddle || !kind.cp2Only) && (layout.mix === undefined || (layout.mix[kind.model] ?? 0) > 0),
  );
  const peripherals: SimulatedPeripheralSpec[] = [];
  let bma2 = 0;
  while (peripherals.length < layout.count && kinds.length > 0) {
    const models = kinds.map((candidate) => candidate.model);
    const chosen = layout.mix ? weighted(random, layout.mix, models) : models[Math.floor(random() * models.length)];
    const kind = kinds.find((candidate) => candidate.model === chosen);
    if (!kind) break;
    if (kind.model === 'BMA_2' && bma2 >= MAX_BMA2_PER_CHAIN) {
      // The chain is full of BMA 2: other kinds only from here on.
      kinds = kinds.filter((candidate) => candidate.model !== 'BMA_2');
      continue;
    }
    if (kind.model === 'BMA_2') bma2 += 1;
    const plink = peripherals.length + 1;
    peripherals.push({
      plink,
      model: kind.model,
      serial: layout.nextSerial(),
      firmware: kind.firmware,
      name: `${kind.label}_${plink}`,
    });
  }
  return peripherals;
}

import { appError, isLoopbackIpv4, type DeviceModel } from '@tutti/protocol';
import type { SimulatedDeviceSpec, SimulatedPeripheralSpec } from './types.ts';

export interface CreateSiteSpecOptions {
  /** Loopback /24 subnets written `127.X.Y.0` (optionally `/24`). */
  subnets: string[];
  /** Devices per subnet, DSP boxes and P-Link peripherals together (approximate: a stack is kept whole). */
  devicesPerSubnet: number;
  seed?: number;
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
  { model: 'DIALOG_20', firmware: '3.0.1.4', label: 'Wireless', cp2Only: false },
  { model: 'CP2_USB_EXPANDER', firmware: '1.1.0.3', label: 'USB_Expander', cp2Only: true },
  { model: 'CP2_GPIO_EXPANDER', firmware: '1.0.2.6', label: 'GPIO_Expander', cp2Only: true },
  { model: 'BLUETOOTH_EXPANDER', firmware: '1.2.0.0', label: 'Bluetooth', cp2Only: false },
];
/** Each P-Link chain takes at most 3 Beamforming Mic Array 2 (DEVICE-PROTOCOL §3). */
const MAX_BMA2_PER_CHAIN = 3;

/** mulberry32: small, fast and deterministic, which is all a site layout needs. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/**
 * Lays out a plausible site: per subnet, stacks of 1–3 CONVERGE Pro 2 units on consecutive addresses
 * (box numbers 1..n, shared stack name and credentials), some Huddles, and P-Link peripherals, until about
 * `devicesPerSubnet` devices exist. The same options always give the same site.
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
  const random = createRandom(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
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
      const huddle = random() < 0.2;
      const size = huddle ? 1 : Math.min(1 + Math.floor(random() * 3), remaining, LAST_HOST - host + 1);
      // Stack names identify stacks across the whole simulator, so they carry the subnet.
      const room = `${pick(rooms)}_${second}_${third}_${pad(stackIndex, 2)}`;
      const firmware = huddle ? pick(huddleFirmware) : pick(cp2Firmware);
      for (let boxNumber = 1; boxNumber <= size; boxNumber += 1) {
        const model = huddle ? 'CONVERGE_HUDDLE' : pick(cp2Models);
        const serial = nextSerial();
        const mac = nextMac();
        // Later boxes of this stack are already promised a slot each.
        const budget = options.devicesPerSubnet - deviceIndex - (size - boxNumber);
        const peripherals = createPeripherals(random, huddle, Math.min(budget, Math.floor(random() * 5)), nextSerial);
        specs.push({
          address: `${prefix}.${host}`,
          model,
          boxName: size === 1 ? `${room}_DSP` : `${room}_DSP${boxNumber}`,
          serial,
          mac,
          firmware,
          stackName: room,
          boxNumber,
          expectedStackSize: size,
          peripherals,
        });
        host += 1;
      }
    }
  }
  return specs;
}

function createPeripherals(
  random: () => number,
  huddle: boolean,
  count: number,
  nextSerial: () => string,
): SimulatedPeripheralSpec[] {
  const kinds = peripheralKinds.filter((kind) => !huddle || !kind.cp2Only);
  const peripherals: SimulatedPeripheralSpec[] = [];
  let bma2 = 0;
  while (peripherals.length < count) {
    const kind = kinds[Math.floor(random() * kinds.length)] as PeripheralKind;
    if (kind.model === 'BMA_2' && bma2 >= MAX_BMA2_PER_CHAIN) continue;
    if (kind.model === 'BMA_2') bma2 += 1;
    const plink = peripherals.length + 1;
    peripherals.push({
      plink,
      model: kind.model,
      serial: nextSerial(),
      firmware: kind.firmware,
      name: `${kind.label}_${plink}`,
    });
  }
  return peripherals;
}

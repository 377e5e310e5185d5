import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { appError, deviceModelSchema, isLoopbackIpv4 } from '@tutti/protocol';
import {
  createFaultController,
  createSimulator,
  createSiteSpec,
  loadSiteFile,
  siteFileSimulatorOptions,
  siteFileSpecs,
  type ProductMix,
  type SimulatedDeviceSpec,
  type Simulator,
  type SimulatorOptions,
} from '@tutti/devices';

/** `tutti sim` flags as commander hands them over. */
export interface SimFlags {
  site?: string;
  subnet: string[];
  devicesPerSubnet: number;
  telnetPort?: number;
  discoveryPort?: number;
  seed: number;
  mix?: string;
  peripheralMix?: string;
  stackSize?: string;
  maxPeripherals?: number;
}

export interface SimSite {
  devices: SimulatedDeviceSpec[];
  options: Omit<SimulatorOptions, 'devices'>;
  /** Subnets in use, for the start-up line. */
  subnets: string[];
}

const DEFAULT_SUBNET = '127.20.1.0';
const DEFAULT_TELNET_PORT = 2323;

/** `CONVERGE_PRO_2_128V=3,CONVERGE_HUDDLE=1` → weights; a clear error names the bad part. */
export function parseMix(text: string, flag: string): ProductMix {
  const mix: ProductMix = {};
  for (const part of text.split(',').filter((entry) => entry.trim().length > 0)) {
    const [name = '', weightText = '1'] = part.split('=').map((token) => token.trim());
    const model = deviceModelSchema.safeParse(name.toUpperCase());
    const weight = Number(weightText);
    if (!model.success) throw appError('CONFIG_INVALID', { flag, name }, `${flag}: ${name} is not a model code`);
    if (!Number.isFinite(weight) || weight < 0) {
      throw appError('CONFIG_INVALID', { flag, part }, `${flag}: weight of ${name} must be a number ≥ 0`);
    }
    mix[model.data] = weight;
  }
  return mix;
}

function parseStackSize(text: string): { minSize: number; maxSize: number } {
  const match = /^(\d)(?:-(\d))?$/.exec(text.trim());
  if (!match) throw appError('CONFIG_INVALID', { text }, '--stack-size is N or MIN-MAX with 1 ≤ MIN ≤ MAX ≤ 9');
  const minSize = Number(match[1]);
  return { minSize, maxSize: Number(match[2] ?? match[1]) };
}

/** Refuses anything outside 127.0.0.0/8 with a message that names it, before any socket exists. */
export function checkLoopbackSubnets(subnets: readonly string[]): void {
  for (const subnet of subnets) {
    if (!isLoopbackIpv4(subnet.replace(/\/\d+$/, ''))) {
      throw appError(
        'ADDRESS_NOT_LOOPBACK',
        { subnet },
        `Refused: ${subnet} is not a loopback subnet. tutti sim only simulates devices in 127.0.0.0/8.`,
      );
    }
  }
}

/** Turns flags (or the site file they name) into the simulator's devices and options. */
export async function buildSimSite(flags: SimFlags): Promise<SimSite> {
  const ports = {
    ...(flags.telnetPort === undefined ? {} : { port: flags.telnetPort }),
    ...(flags.discoveryPort === undefined ? {} : { discoveryPort: flags.discoveryPort }),
  };
  if (flags.site !== undefined) {
    const layoutFlags = [
      flags.subnet.length > 0 && '--subnet',
      flags.mix !== undefined && '--mix',
      flags.peripheralMix !== undefined && '--peripheral-mix',
      flags.stackSize !== undefined && '--stack-size',
      flags.maxPeripherals !== undefined && '--max-peripherals',
    ].filter((flag): flag is string => flag !== false);
    if (layoutFlags.length > 0) {
      throw appError(
        'CONFIG_INVALID',
        { flags: layoutFlags },
        `--site describes the whole layout; leave out ${layoutFlags.join(', ')} or put them in the file`,
      );
    }
    const site = await loadSiteFile(flags.site);
    return {
      devices: siteFileSpecs(site),
      options: { port: DEFAULT_TELNET_PORT, ...siteFileSimulatorOptions(site), ...ports },
      subnets: site.subnets.map((entry) => entry.subnet),
    };
  }
  const subnets = flags.subnet.length > 0 ? flags.subnet : [DEFAULT_SUBNET];
  checkLoopbackSubnets(subnets);
  const stacks = {
    ...(flags.stackSize === undefined ? {} : parseStackSize(flags.stackSize)),
    ...(flags.maxPeripherals === undefined ? {} : { maxPeripheralsPerBox: flags.maxPeripherals }),
  };
  return {
    devices: createSiteSpec({
      subnets,
      devicesPerSubnet: flags.devicesPerSubnet,
      seed: flags.seed,
      ...(flags.mix === undefined ? {} : { mix: parseMix(flags.mix, '--mix') }),
      ...(flags.peripheralMix === undefined
        ? {}
        : { peripheralMix: parseMix(flags.peripheralMix, '--peripheral-mix') }),
      stacks,
    }),
    options: { port: DEFAULT_TELNET_PORT, ...ports },
    subnets,
  };
}

export interface RunningSim {
  simulator: Simulator;
  close(): Promise<void>;
}

/**
 * Starts the simulated site and reads fault commands from `input` line by line, answering on `output`.
 * The end of input does not stop the site (it may run in the background); `close()` does.
 */
export async function runSim(site: SimSite, input: Readable, output: Writable): Promise<RunningSim> {
  const simulator = createSimulator({ devices: site.devices, ...site.options });
  await simulator.start();
  const say = (text: string): void => {
    if (text.length > 0) output.write(`${text}\n`);
  };
  const faults = createFaultController(simulator, { onEvent: say });
  const units = simulator.devices();
  const peripherals = units.reduce((sum, unit) => sum + unit.peripherals().length, 0);
  say(
    `${units.length + peripherals} simulated devices (${units.length} units, ${peripherals} P-Link peripherals) ` +
      `on ${site.subnets.join(', ')}, telnet port ${site.options.port ?? DEFAULT_TELNET_PORT}. ` +
      'Type help for fault commands.',
  );
  const lines = createInterface({ input, terminal: false });
  // One command at a time, in order, so `down X` then `up X` never race.
  let queue = Promise.resolve();
  lines.on('line', (line) => {
    queue = queue
      .then(() => faults.execute(line))
      .then(say, (error: unknown) => say(`Failed: ${(error as Error).message}`));
  });
  return {
    simulator,
    async close() {
      lines.close();
      faults.close();
      await queue;
      await simulator.close();
    },
  };
}

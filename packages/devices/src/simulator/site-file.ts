import { readFile } from 'node:fs/promises';
import { appError, deviceModelSchema, isLoopbackIpv4 } from '@tutti/protocol';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { createSiteSpec } from './site-spec.ts';
import type { SimulatedDeviceSpec, SimulatorOptions } from './types.ts';

/** The most devices one site file may describe. */
export const MAX_SITE_DEVICES = 10_000;

const weightsSchema = z.partialRecord(deviceModelSchema, z.number().nonnegative());
const stacksSchema = z.strictObject({
  minSize: z.number().int().min(1).max(9).optional(),
  maxSize: z.number().int().min(1).max(9).optional(),
  maxPeripheralsPerBox: z.number().int().min(0).max(20).optional(),
  credentials: z.strictObject({ username: z.string().min(1), password: z.string().min(1) }).optional(),
});
const subnetSchema = z.string().regex(/^127\.\d{1,3}\.\d{1,3}\.0(\/24)?$/, 'a loopback /24 written 127.X.Y.0');

/**
 * A simulated site (YAML or JSON):
 * ```yaml
 * seed: 7
 * telnetPort: 2323
 * mix: { CONVERGE_PRO_2_128V: 3, CONVERGE_HUDDLE: 1, COLLABORATE_LIVE_600: 1 }
 * peripheralMix: { BMA_2: 2, DIALOG_20: 1 }
 * stacks: { minSize: 1, maxSize: 4, maxPeripheralsPerBox: 3 }
 * subnets:
 *   - { subnet: 127.20.1.0, devices: 300 }
 *   - { subnet: 127.20.2.0, devices: 120, mix: { CONVERGE_HUDDLE: 1 } }
 * ```
 */
export const siteFileSchema = z
  .strictObject({
    seed: z.number().int().min(0).default(1),
    telnetPort: z.number().int().min(1).max(65_535).optional(),
    discoveryPort: z.number().int().min(1).max(65_535).optional(),
    mix: weightsSchema.optional(),
    peripheralMix: weightsSchema.optional(),
    stacks: stacksSchema.optional(),
    timings: z
      .strictObject({
        rebootMs: z.number().int().min(0).optional(),
        bootMs: z.number().int().min(0).optional(),
        firmwareUpdateMs: z.number().int().min(0).optional(),
        configLoadMs: z.number().int().min(0).optional(),
        locateTimeoutMs: z.number().int().min(1).optional(),
      })
      .optional(),
    subnets: z
      .array(
        z.strictObject({
          subnet: subnetSchema,
          devices: z.number().int().min(0).max(MAX_SITE_DEVICES),
          mix: weightsSchema.optional(),
          peripheralMix: weightsSchema.optional(),
          stacks: stacksSchema.optional(),
        }),
      )
      .min(1),
  })
  .check((context) => {
    const subnets = context.value.subnets;
    const total = subnets.reduce((sum, entry) => sum + entry.devices, 0);
    if (total > MAX_SITE_DEVICES) {
      context.issues.push({
        code: 'custom',
        input: total,
        path: ['subnets'],
        message: `${total} devices in all; a site holds at most ${MAX_SITE_DEVICES}`,
      });
    }
    const seen = new Set<string>();
    for (const [index, entry] of subnets.entries()) {
      const network = entry.subnet.replace(/\/24$/, '');
      if (seen.has(network)) {
        context.issues.push({
          code: 'custom',
          input: entry.subnet,
          path: ['subnets', index, 'subnet'],
          message: 'listed twice',
        });
      }
      seen.add(network);
    }
  });
export type SiteFile = z.output<typeof siteFileSchema>;

/**
 * Parses and validates a site file (YAML; JSON is valid YAML). Non-loopback subnets are refused with
 * ADDRESS_NOT_LOOPBACK; anything else wrong with CONFIG_INVALID listing every problem with its path.
 */
export function parseSiteFile(text: string, source = 'site file'): SiteFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw appError('CONFIG_INVALID', { source }, `${source}: not YAML or JSON (${(error as Error).message})`);
  }
  // Loopback first, so the answer names the real problem instead of a pattern mismatch.
  const subnets = (raw as { subnets?: unknown } | null)?.subnets;
  if (Array.isArray(subnets)) {
    for (const entry of subnets) {
      const subnet = (entry as { subnet?: unknown } | null)?.subnet;
      if (typeof subnet === 'string' && !isLoopbackIpv4(subnet.replace(/\/\d+$/, ''))) {
        throw appError(
          'ADDRESS_NOT_LOOPBACK',
          { subnet },
          `${source}: subnet ${subnet} is not a loopback address; simulated devices live only in 127.0.0.0/8`,
        );
      }
    }
  }
  const parsed = siteFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`);
    throw appError('CONFIG_INVALID', { issues: problems }, `${source} is not valid:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

export async function loadSiteFile(path: string): Promise<SiteFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw appError('CONFIG_INVALID', { path }, `Cannot read site file ${path}: ${(error as Error).message}`);
  }
  return parseSiteFile(text, path);
}

/** Every unit of the site; each subnet is laid out with its own seed so editing one leaves the others be. */
export function siteFileSpecs(site: SiteFile): SimulatedDeviceSpec[] {
  const specs: SimulatedDeviceSpec[] = [];
  for (const [index, entry] of site.subnets.entries()) {
    const mix = entry.mix ?? site.mix;
    const peripheralMix = entry.peripheralMix ?? site.peripheralMix;
    const stacks = { ...site.stacks, ...entry.stacks };
    const laid = createSiteSpec({
      subnets: [entry.subnet],
      devicesPerSubnet: entry.devices,
      seed: site.seed + index,
      ...(mix ? { mix } : {}),
      ...(peripheralMix ? { peripheralMix } : {}),
      stacks,
    });
    const count = laid.reduce((sum, spec) => sum + 1 + (spec.peripherals?.length ?? 0), 0);
    if (count < entry.devices) {
      throw appError(
        'CONFIG_INVALID',
        { subnet: entry.subnet, devices: entry.devices, fits: count },
        `Subnet ${entry.subnet} holds only ${count} of the ${entry.devices} devices asked for: ` +
          'split them over more subnets or allow more peripherals per box',
      );
    }
    specs.push(...laid);
  }
  const serials = new Set<string>();
  for (const serial of specs.flatMap((spec) => [spec.serial, ...(spec.peripherals ?? []).map((p) => p.serial)])) {
    if (serials.has(serial)) {
      throw appError(
        'CONFIG_INVALID',
        { serial },
        `Two subnets give the same serial ${serial}: serials come from (second octet mod 39, third octet), pick subnets that differ there`,
      );
    }
    serials.add(serial);
  }
  return specs;
}

/** Simulator options the site file sets (ports and timings), without the devices. */
export function siteFileSimulatorOptions(site: SiteFile): Omit<SimulatorOptions, 'devices'> {
  return {
    ...(site.telnetPort === undefined ? {} : { port: site.telnetPort }),
    ...(site.discoveryPort === undefined ? {} : { discoveryPort: site.discoveryPort }),
    ...site.timings,
  };
}

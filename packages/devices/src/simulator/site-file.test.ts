import { AppError, deviceModelCatalog } from '@tutti/protocol';
import { describe, expect, it } from 'vitest';
import { MAX_SITE_DEVICES, parseSiteFile, siteFileSimulatorOptions, siteFileSpecs } from './site-file.ts';
import { createSiteSpec } from './site-spec.ts';

// Pure layout tests: no sockets. Subnets 127.39.x.0.

const count = (specs: ReturnType<typeof siteFileSpecs>): number =>
  specs.reduce((sum, spec) => sum + 1 + (spec.peripherals?.length ?? 0), 0);

function refusal(text: string): AppError {
  try {
    parseSiteFile(text, 'site.yaml');
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('site file', () => {
  it('reads YAML with subnets, a product mix and stack options', () => {
    const site = parseSiteFile(`
seed: 4
telnetPort: 2323
mix: { CONVERGE_PRO_2_128V: 3, CONVERGE_HUDDLE: 1, COLLABORATE_LIVE_600: 1 }
peripheralMix: { BMA_CTH: 1, DIALOG_20: 1 }
stacks: { minSize: 2, maxSize: 4, maxPeripheralsPerBox: 2 }
timings: { rebootMs: 1000 }
subnets:
  - { subnet: 127.39.1.0, devices: 150 }
  - subnet: 127.39.2.0/24
    devices: 40
    mix: { CONVERGE_HUDDLE: 1 }
`);
    const specs = siteFileSpecs(site);
    const first = specs.filter((spec) => spec.address.startsWith('127.39.1.'));
    const second = specs.filter((spec) => spec.address.startsWith('127.39.2.'));
    expect(count(first)).toBe(150);
    expect(count(second)).toBe(40);
    expect(new Set(first.map((spec) => spec.model))).toEqual(
      new Set(['CONVERGE_PRO_2_128V', 'CONVERGE_HUDDLE', 'COLLABORATE_LIVE_600']),
    );
    expect(second.every((spec) => spec.model === 'CONVERGE_HUDDLE')).toBe(true);
    const peripheralModels = new Set(specs.flatMap((spec) => (spec.peripherals ?? []).map((p) => p.model)));
    expect(peripheralModels).toEqual(new Set(['BMA_CTH', 'DIALOG_20']));
    for (const spec of specs) {
      expect((spec.peripherals ?? []).length).toBeLessThanOrEqual(2);
      if (deviceModelCatalog[spec.model].family === 'collaborate_live') expect(spec.peripherals).toEqual([]);
    }
    const stackSizes = new Map<string, number>();
    for (const spec of first.filter((s) => s.model === 'CONVERGE_PRO_2_128V')) {
      stackSizes.set(spec.stackName, (stackSizes.get(spec.stackName) ?? 0) + 1);
    }
    // The last stack of a subnet may be cut short by the device count; the others respect the sizes.
    expect([...stackSizes.values()].slice(0, -1).every((size) => size >= 2 && size <= 4)).toBe(true);
    expect(siteFileSimulatorOptions(site)).toEqual({ port: 2323, rebootMs: 1000 });
    expect(siteFileSpecs(site)).toEqual(specs);
  });

  it('reads JSON too, and describes up to 10,000 devices', () => {
    const subnets = Array.from({ length: 20 }, (_, index) => ({ subnet: `127.39.${10 + index}.0`, devices: 500 }));
    const site = parseSiteFile(JSON.stringify({ subnets }));
    expect(count(siteFileSpecs(site))).toBe(MAX_SITE_DEVICES);
  });

  it('refuses non-loopback subnets with a clear message', () => {
    const error = refusal('subnets: [{ subnet: 10.1.2.0, devices: 5 }]');
    expect(error.code).toBe('ADDRESS_NOT_LOOPBACK');
    expect(error.message).toMatch(/10\.1\.2\.0 is not a loopback address/);
  });

  it('lists every problem with its path', () => {
    const error = refusal(`
seed: -1
mix: { NOT_A_MODEL: 1 }
subnets:
  - { subnet: 127.39.3.0, devices: 5, extra: true }
  - { subnet: 127.39.3.0, devices: 5 }
`);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/seed/);
    expect(error.message).toMatch(/mix/);
    expect(error.message).toMatch(/subnets\.0/);
    expect(error.message).toMatch(/subnets\.1\.subnet: listed twice/);
    expect(refusal('subnets: []').message).toMatch(/subnets/);
    expect(refusal(': : :\n  - [').code).toBe('CONFIG_INVALID');
    const tooMany = Array.from({ length: 3 }, (_, index) => `  - { subnet: 127.39.${20 + index}.0, devices: 4000 }`);
    expect(refusal(`subnets:\n${tooMany.join('\n')}`).message).toMatch(/at most 10000/);
  });

  it('says when a subnet cannot hold its devices', () => {
    const full = parseSiteFile('stacks: { maxPeripheralsPerBox: 0 }\nsubnets: [{ subnet: 127.39.4.0, devices: 400 }]');
    expect(() => siteFileSpecs(full)).toThrow(/holds only 245 of the 400/);
  });

  it('keeps the historical layout when no mix is given', () => {
    const plain = createSiteSpec({ subnets: ['127.39.6.0'], devicesPerSubnet: 60, seed: 3 });
    const explicit = createSiteSpec({
      subnets: ['127.39.6.0'],
      devicesPerSubnet: 60,
      seed: 3,
      stacks: { minSize: 1, maxSize: 3, maxPeripheralsPerBox: 4 },
    });
    expect(explicit).toEqual(plain);
    expect(() => createSiteSpec({ subnets: ['127.39.6.0'], devicesPerSubnet: 5, mix: { BMA_2: 1 } })).toThrow(AppError);
    expect(() =>
      createSiteSpec({ subnets: ['127.39.6.0'], devicesPerSubnet: 5, stacks: { minSize: 4, maxSize: 2 } }),
    ).toThrow(AppError);
  });
});

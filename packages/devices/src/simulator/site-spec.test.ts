import { AppError, deviceModelCatalog, serialNumberSchema } from '@tutti/protocol';
import { describe, expect, it } from 'vitest';
import { createSiteSpec } from './site-spec.ts';

const subnets = ['127.31.60.0', '127.31.61.0/24'];

describe('createSiteSpec', () => {
  const site = createSiteSpec({ subnets, devicesPerSubnet: 60, seed: 7 });

  it('is deterministic for a seed and differs for another seed', () => {
    expect(createSiteSpec({ subnets, devicesPerSubnet: 60, seed: 7 })).toEqual(site);
    expect(createSiteSpec({ subnets, devicesPerSubnet: 60, seed: 8 })).not.toEqual(site);
  });

  it('creates about devicesPerSubnet devices per subnet, counting peripherals', () => {
    for (const prefix of ['127.31.60.', '127.31.61.']) {
      const boxes = site.filter((spec) => spec.address.startsWith(prefix));
      const count = boxes.reduce((sum, spec) => sum + 1 + (spec.peripherals?.length ?? 0), 0);
      expect(count).toBe(60);
    }
  });

  it('hits the device count exactly for any seed and size that fits the subnet', () => {
    for (let seed = 1; seed <= 30; seed += 1) {
      for (const devicesPerSubnet of [1, 2, 7, 60, 300]) {
        const specs = createSiteSpec({ subnets: ['127.31.63.0'], devicesPerSubnet, seed });
        expect(specs.reduce((sum, spec) => sum + 1 + (spec.peripherals?.length ?? 0), 0)).toBe(devicesPerSubnet);
      }
    }
  });

  it('keeps stack names apart between subnets that share a third octet', () => {
    const specs = createSiteSpec({ subnets: ['127.31.2.0', '127.32.2.0'], devicesPerSubnet: 30, seed: 2 });
    const stacksOf = (prefix: string) =>
      new Set(specs.filter((spec) => spec.address.startsWith(prefix)).map((spec) => spec.stackName));
    const first = stacksOf('127.31.2.');
    for (const name of stacksOf('127.32.2.')) expect(first.has(name)).toBe(false);
  });

  it('uses unique loopback addresses from .10 up and unique plausible serials and MACs', () => {
    const addresses = site.map((spec) => spec.address);
    expect(new Set(addresses).size).toBe(addresses.length);
    for (const address of addresses) expect(Number(address.split('.')[3])).toBeGreaterThanOrEqual(10);
    const serials = site.flatMap((spec) => [spec.serial, ...(spec.peripherals ?? []).map((p) => p.serial)]);
    expect(new Set(serials).size).toBe(serials.length);
    for (const serial of serials) {
      expect(serial).toMatch(/^\d{4}-\d{4}-\d{2}$/);
      expect(serialNumberSchema.safeParse(serial).success).toBe(true);
    }
    const macs = site.map((spec) => spec.mac);
    expect(new Set(macs).size).toBe(macs.length);
    for (const mac of macs) expect(mac).toMatch(/^00:06:E2(:[0-9A-F]{2}){3}$/);
    for (const spec of site) expect(spec.firmware).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('lays stacks on consecutive addresses with box numbers 1..n and one firmware', () => {
    const stacks = new Map<string, typeof site>();
    for (const spec of site) stacks.set(spec.stackName, [...(stacks.get(spec.stackName) ?? []), spec]);
    expect([...stacks.values()].some((members) => members.length > 1)).toBe(true);
    for (const members of stacks.values()) {
      expect(members.length).toBeLessThanOrEqual(3);
      expect(members.map((spec) => spec.boxNumber)).toEqual(members.map((_, index) => index + 1));
      expect(new Set(members.map((spec) => spec.firmware)).size).toBe(1);
      expect(members.every((spec) => spec.expectedStackSize === members.length)).toBe(true);
      const hosts = members.map((spec) => Number(spec.address.split('.')[3]));
      expect(hosts).toEqual(hosts.map((_, index) => (hosts[0] ?? 0) + index));
      if (members.length > 1) expect(members.every((spec) => spec.model !== 'CONVERGE_HUDDLE')).toBe(true);
    }
  });

  it('includes Huddles and CP2 units, and only peripheral models on P-Link with at most 3 BMA 2 per chain', () => {
    const big = createSiteSpec({ subnets: ['127.31.62.0'], devicesPerSubnet: 400, seed: 1 });
    const models = new Set(big.map((spec) => spec.model));
    expect(models.has('CONVERGE_HUDDLE')).toBe(true);
    expect([...models].filter((model) => model.startsWith('CONVERGE_PRO_2')).length).toBeGreaterThan(3);
    for (const spec of big) {
      const peripherals = spec.peripherals ?? [];
      expect(peripherals.filter((p) => p.model === 'BMA_2').length).toBeLessThanOrEqual(3);
      expect(peripherals.map((p) => p.plink)).toEqual(peripherals.map((_, index) => index + 1));
      for (const p of peripherals) expect(deviceModelCatalog[p.model].dsp).toBe(false);
    }
  });

  it('refuses non-loopback subnets', () => {
    expect(() => createSiteSpec({ subnets: ['10.0.0.0'], devicesPerSubnet: 5 })).toThrow(AppError);
    expect(() => createSiteSpec({ subnets: ['10.0.0.0'], devicesPerSubnet: 5 })).toThrow(/loopback/);
  });
});

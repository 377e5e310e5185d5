import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { AppError } from '@tutti/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSimSite, parseMix, runSim, type SimFlags } from './sim.ts';

// This file owns 127.39.202.0/24 and 127.39.203.0/24.
const dir = mkdtempSync(join(tmpdir(), 'tutti-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const flags = (overrides: Partial<SimFlags> = {}): SimFlags => ({
  subnet: ['127.39.202.0'],
  devicesPerSubnet: 12,
  seed: 1,
  ...overrides,
});

describe('tutti sim', () => {
  it('builds a site from flags with a product mix and stack sizes', async () => {
    const site = await buildSimSite(
      flags({
        mix: 'collaborate_live_900=1,CONVERGE_PRO_2_48V=2',
        stackSize: '2',
        maxPeripherals: 0,
        telnetPort: 2400,
      }),
    );
    expect(site.options.port).toBe(2400);
    expect(site.devices).toHaveLength(12);
    expect(new Set(site.devices.map((spec) => spec.model))).toEqual(
      new Set(['COLLABORATE_LIVE_900', 'CONVERGE_PRO_2_48V']),
    );
    expect(parseMix('BMA_2=2, DIALOG_20', '--peripheral-mix')).toEqual({ BMA_2: 2, DIALOG_20: 1 });
    expect(() => parseMix('NOPE=1', '--mix')).toThrow(/--mix: NOPE is not a model code/);
    await expect(buildSimSite(flags({ stackSize: '3-1' }))).rejects.toThrow(AppError);
  });

  it('refuses non-loopback subnets with a clear message, from flags and from site files', async () => {
    await expect(buildSimSite(flags({ subnet: ['192.168.1.0'] }))).rejects.toThrow(
      'Refused: 192.168.1.0 is not a loopback subnet. tutti sim only simulates devices in 127.0.0.0/8.',
    );
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'subnets:\n  - { subnet: 172.16.0.0, devices: 3 }\n');
    await expect(buildSimSite(flags({ subnet: [], site: file }))).rejects.toThrow(
      /172\.16\.0\.0 is not a loopback address/,
    );
    await expect(buildSimSite(flags({ subnet: [], site: join(dir, 'missing.yaml') }))).rejects.toThrow(
      /Cannot read site file/,
    );
    await expect(buildSimSite(flags({ site: file, mix: 'BMA_2=1' }))).rejects.toThrow(
      '--site describes the whole layout; leave out --subnet, --mix or put them in the file',
    );
  });

  it('runs a site file and answers fault commands typed on stdin', async () => {
    const file = join(dir, 'site.yaml');
    writeFileSync(
      file,
      'seed: 3\ntelnetPort: 2401\ndiscoveryPort: 50140\nsubnets:\n  - { subnet: 127.39.203.0, devices: 8 }\n',
    );
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const sim = await runSim(await buildSimSite(flags({ subnet: [], site: file })), input, output);
    try {
      expect(text).toMatch(
        /^8 simulated devices \(\d+ units, \d+ P-Link peripherals\) on 127\.39\.203\.0, telnet port 2401/,
      );
      const first = sim.simulator.devices()[0];
      if (!first) throw new Error('no unit');
      input.write(`down ${first.spec.serial}\nlist ${first.spec.serial}\n`);
      while (!text.includes('[down')) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(text).toContain(`${first.spec.serial} is down`);
      expect(first.up).toBe(false);
      input.end();
    } finally {
      await sim.close();
    }
  });
});

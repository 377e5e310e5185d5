import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSiteSpec } from '../simulator/site-spec.ts';
import { createSimulator } from '../simulator/simulator.ts';
import type { Simulator } from '../simulator/types.ts';
import { probeHost, probeSubnet } from './probe.ts';

// This file owns 127.31.2.0/24 and 127.31.3.0/24, and its own discovery port.
const DISCOVERY_PORT = 50124;
const site = createSiteSpec({ subnets: ['127.31.2.0', '127.31.3.0'], devicesPerSubnet: 12, seed: 5 });
const inSubnet = (prefix: string) => site.filter((spec) => spec.address.startsWith(prefix));
let simulator: Simulator;

beforeAll(async () => {
  simulator = createSimulator({ devices: site, port: 2323, discoveryPort: DISCOVERY_PORT });
  await simulator.start();
});

afterAll(async () => {
  await simulator.close();
});

describe('probeSubnet', () => {
  it('finds exactly the simulated devices of the swept subnet', async () => {
    const expected = inSubnet('127.31.2.');
    expect(expected.length).toBeGreaterThan(1);
    expect(inSubnet('127.31.3.').length).toBeGreaterThan(0);
    const answers = await probeSubnet('127.31.2.0/24', { port: DISCOVERY_PORT, timeoutMs: 200 });
    expect(answers).toEqual(
      expected.map((spec) => ({
        model: spec.model,
        boxName: spec.boxName,
        serial: spec.serial,
        mac: spec.mac,
        ip: spec.address,
        telnetPort: 2323,
        stackName: spec.stackName,
      })),
    );
  });

  it('hands each answer over as it arrives, long before the listening tail ends', async () => {
    const heard: { serial: string; atMs: number }[] = [];
    const started = performance.now();
    const answers = await probeSubnet('127.31.2.0', {
      port: DISCOVERY_PORT,
      timeoutMs: 1_500,
      onAnswer: (answer) => heard.push({ serial: answer.serial, atMs: performance.now() - started }),
    });
    expect(heard.map((entry) => entry.serial).sort()).toEqual(answers.map((answer) => answer.serial).sort());
    // Every device was heard while the sweep was still listening for stragglers.
    expect(Math.max(...heard.map((entry) => entry.atMs))).toBeLessThan(performance.now() - started - 1_000);
  });

  it('does not hear devices that are down', async () => {
    const [first, ...rest] = inSubnet('127.31.3.');
    const device = simulator.device(first!.serial)!;
    await device.goDown();
    try {
      const answers = await probeSubnet('127.31.3.0', { port: DISCOVERY_PORT, timeoutMs: 200, concurrency: 7 });
      expect(answers.map((answer) => answer.serial)).toEqual(rest.map((spec) => spec.serial));
    } finally {
      await device.comeBack();
    }
  });

  it('keeps only answers sent from the address they describe, inside the swept subnet', async () => {
    const answer = (ip: string) =>
      `CLEARONE_DEVICE model=CONVERGE_HUDDLE box=B sn=9999-0000-${ip.split('.')[3]} mac=00:06:E2:00:00:01 ip=${ip} telnet=23 stack=S\r\n`;
    const bind = async (address: string) => {
      const socket = createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(DISCOVERY_PORT, address, resolve));
      return socket;
    };
    const honest = await bind('127.31.4.202');
    const liar = await bind('127.31.4.200');
    const outsider = await bind('127.31.9.9');
    honest.on('message', (_message, remote) => honest.send(answer('127.31.4.202'), remote.port, remote.address));
    liar.on('message', (_message, remote) => {
      // Claims another address than its own, and gets an outsider to answer for one too.
      liar.send(answer('127.31.4.77'), remote.port, remote.address);
      outsider.send(answer('127.31.4.200'), remote.port, remote.address);
    });
    try {
      const answers = await probeSubnet('127.31.4.0', { port: DISCOVERY_PORT, timeoutMs: 200 });
      expect(answers.map((found) => found.ip)).toEqual(['127.31.4.202']);
    } finally {
      for (const socket of [honest, liar, outsider]) socket.close();
    }
  });

  it('refuses non-loopback and malformed subnets', async () => {
    await expect(probeSubnet('192.168.1.0')).rejects.toMatchObject({ code: 'ADDRESS_NOT_LOOPBACK' });
    await expect(probeSubnet('127.31.2.5')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('probeHost', () => {
  it('returns one device answer, or undefined when nobody answers', async () => {
    const spec = inSubnet('127.31.2.')[0]!;
    await expect(probeHost(spec.address, { port: DISCOVERY_PORT })).resolves.toMatchObject({
      serial: spec.serial,
      boxName: spec.boxName,
    });
    await expect(probeHost('127.31.2.250', { port: DISCOVERY_PORT, timeoutMs: 100 })).resolves.toBeUndefined();
    await expect(probeHost('8.8.8.8')).rejects.toMatchObject({ code: 'ADDRESS_NOT_LOOPBACK' });
  });
});

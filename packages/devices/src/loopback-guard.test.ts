import { AppError } from '@tutti/protocol';
import { describe, expect, it, vi } from 'vitest';

// Counts every socket the package could create, to prove refusals happen before any exists.
const created = vi.hoisted(() => ({ tcp: 0, server: 0, udp: 0 }));
vi.mock('node:net', async (importOriginal) => {
  const net = await importOriginal<typeof import('node:net')>();
  return {
    ...net,
    createConnection: (...args: Parameters<typeof net.createConnection>) => {
      created.tcp += 1;
      return net.createConnection(...args);
    },
    createServer: (...args: Parameters<typeof net.createServer>) => {
      created.server += 1;
      return net.createServer(...args);
    },
  };
});
vi.mock('node:dgram', async (importOriginal) => {
  const dgram = await importOriginal<typeof import('node:dgram')>();
  return {
    ...dgram,
    // The package always passes an options object.
    createSocket: (options: import('node:dgram').SocketOptions) => {
      created.udp += 1;
      return dgram.createSocket(options);
    },
  };
});

const { connectDevice, createSimulator, createSiteSpec, probeHost, probeSubnet } = await import('./index.ts');

const spec = {
  address: '10.20.1.10',
  model: 'CONVERGE_PRO_2_128' as const,
  boxName: 'MAIN',
  serial: '0196-1743-08',
  mac: '00:06:E2:00:00:01',
  firmware: '5.2.0.7',
  stackName: 'S',
  boxNumber: 1,
};

describe('loopback only', () => {
  it.each([
    ['connectDevice', () => connectDevice({ address: '10.20.1.10', port: 23, username: 'u', password: 'p' })],
    ['probeSubnet', () => probeSubnet('10.20.1.0')],
    ['probeSubnet with a loopback-looking prefix', () => probeSubnet('1127.0.0.0')],
    ['probeHost', () => probeHost('192.168.0.2')],
    ['createSimulator', () => Promise.resolve().then(() => createSimulator({ devices: [spec] }))],
    [
      'createSiteSpec',
      () => Promise.resolve().then(() => createSiteSpec({ subnets: ['172.16.0.0'], devicesPerSubnet: 3 })),
    ],
  ])('%s refuses a non-loopback address without creating a socket', async (_name, run) => {
    const before = { ...created };
    const error = await run().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('ADDRESS_NOT_LOOPBACK');
    expect(created).toEqual(before);
  });

  it('the counters do see sockets being created', async () => {
    const before = created.udp;
    await probeHost('127.31.5.1', { timeoutMs: 10 });
    expect(created.udp).toBe(before + 1);
  });
});

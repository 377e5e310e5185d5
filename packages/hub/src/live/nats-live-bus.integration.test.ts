import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceDto } from '@tutti/protocol';
import { createNatsLiveBus, type NatsLiveBus } from './nats-live-bus.ts';

const NATS_URL = process.env.TUTTI_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const log = pino({ level: 'silent' });

function device(index: number, orgTag: string): DeviceDto {
  return {
    id: `${orgTag}-${index}`,
    serial: `0C00-${String(index).padStart(4, '0')}-01`,
    model: 'CONVERGE_PRO_2_128',
    modelName: 'CONVERGE Pro 2 128',
    family: 'converge_pro_2',
    name: `Boardroom DSP ${index} with a fairly long descriptive name to make the payload realistic`,
    mac: '02:00:00:00:00:01',
    firmware: '4.4.0.2',
    accessIp: '127.30.1.10',
    status: 'healthy',
    severity: 'healthy',
    statusSince: '2026-07-01T08:00:00.000Z',
    lastSeenAt: '2026-07-01T08:00:00.000Z',
    serverName: 'Site A',
    connection: {
      subnet: '127.30.1.0',
      interfaceName: 'lo',
      stack: 'Boardroom',
      clink: 0,
      plink: null,
      hostSerial: null,
    },
    connectionPath: 'Server Site A > Subnet 127.30.1.0 (lo) > Stack Boardroom > C-Link 00',
    location: 'HQ > Floor 2 > Boardroom',
    locationId: null,
    updateAvailable: null,
  };
}

describe('NATS live bus', () => {
  let nodeA: NatsLiveBus;
  let nodeB: NatsLiveBus;
  beforeAll(async () => {
    [nodeA, nodeB] = await Promise.all([
      createNatsLiveBus({ url: NATS_URL, log }),
      createNatsLiveBus({ url: NATS_URL, log }),
    ]);
  });
  afterAll(async () => {
    await nodeA?.close();
    await nodeB?.close();
  });

  it('splits a change larger than the server accepts in one message, and delivers it whole to the other node', async () => {
    const orgId = crypto.randomUUID();
    const received: DeviceDto[] = [];
    const unsubscribe = nodeB.subscribe(orgId, (devices) => received.push(...devices));
    // A full inventory: well over NATS' 1 MiB default message limit.
    const inventory = Array.from({ length: 4000 }, (_, index) => device(index, orgId));
    expect(Buffer.byteLength(JSON.stringify(inventory))).toBeGreaterThan(1024 * 1024);
    await nodeB.flush();
    nodeA.publish({ orgId, devices: inventory });
    await expect.poll(() => received.length).toBe(inventory.length);
    expect(received.map((entry) => entry.id)).toEqual(inventory.map((entry) => entry.id));
    unsubscribe();
  });

  it('delivers a node notice once on every node, the sender included', async () => {
    const heardOnA: unknown[] = [];
    const heardOnB: unknown[] = [];
    nodeA.onBroadcast('test.notice', (data) => heardOnA.push(data));
    nodeB.onBroadcast('test.notice', (data) => heardOnB.push(data));
    await nodeB.flush();
    nodeA.broadcast('test.notice', { agentId: 'a-1' });
    await expect.poll(() => heardOnB).toEqual([{ agentId: 'a-1' }]);
    expect(heardOnA).toEqual([{ agentId: 'a-1' }]);
  });
});

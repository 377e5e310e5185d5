import type { DeviceDto, DeviceList } from '@tutti/protocol';
import { describe, expect, it } from 'vitest';
import { applyChanges, applyDetailChanges, applyRemovals } from './device-cache.ts';

function device(id: string, overrides: Partial<DeviceDto> = {}): DeviceDto {
  return {
    id,
    serial: `SN-${id}`,
    model: 'CONVERGE_PRO_2_128',
    modelName: 'CONVERGE Pro 2 128',
    family: 'converge_pro_2',
    name: `Device ${id}`,
    mac: '00:06:E2:00:00:01',
    firmware: '5.2.0.7',
    accessIp: '127.20.1.10',
    status: 'healthy',
    severity: 'healthy',
    statusSince: '2026-01-01T00:00:00.000Z',
    lastSeenAt: '2026-01-01T00:00:00.000Z',
    serverName: 'Site-A',
    connection: { subnet: '127.20.1.0', interfaceName: 'lo', stack: null, clink: null, plink: null, hostSerial: null },
    connectionPath: 'Server Site-A > Subnet 127.20.1.0 (lo)',
    location: null,
    locationId: null,
    updateAvailable: null,
    ...overrides,
  };
}

function page(items: DeviceDto[], counts: DeviceList['counts']): DeviceList {
  return { items, total: items.length, page: 1, limit: 50, counts };
}

describe('applyChanges', () => {
  it('replaces changed rows in place and moves their counts to the new severity', () => {
    const list = page([device('a'), device('b')], { healthy: 10, issue: 2, down: 1 });
    const locate = device('b', { status: 'locate_light_on', severity: 'issue' });
    const next = applyChanges(list, new Map([['b', locate]]));
    expect(next.items.map((item) => item.status)).toEqual(['healthy', 'locate_light_on']);
    expect(next.counts).toEqual({ healthy: 9, issue: 3, down: 1 });
    expect(list.items[1]!.status).toBe('healthy');
  });

  it('leaves the page alone for devices it does not hold', () => {
    const list = page([device('a')], { healthy: 1, issue: 0, down: 0 });
    const next = applyChanges(list, new Map([['z', device('z', { status: 'down', severity: 'down' })]]));
    expect(next.items).toEqual(list.items);
    expect(next.counts).toEqual(list.counts);
  });
});

describe('applyRemovals', () => {
  it('drops removed rows', () => {
    const list = page([device('a'), device('b')], { healthy: 2, issue: 0, down: 0 });
    expect(applyRemovals(list, new Set(['a'])).items.map((item) => item.id)).toEqual(['b']);
  });
});

describe('applyDetailChanges', () => {
  it('updates the device and the stack units drawn around it', () => {
    const unit = device('a');
    const peripheral = device('p');
    const detail = {
      ...unit,
      port: 23,
      lostAt: null,
      firstSeenAt: '2026-01-01T00:00:00.000Z',
      host: null,
      peripherals: [peripheral],
      stack: { name: 'S', members: [{ device: unit, peripherals: [peripheral] }] },
    };
    const changed = new Map([
      ['a', device('a', { status: 'down', severity: 'down' })],
      ['p', device('p', { status: 'locate_light_on', severity: 'issue' })],
    ]);
    const next = applyDetailChanges(detail, changed);
    expect(next.status).toBe('down');
    expect(next.port).toBe(23);
    expect(next.peripherals[0]!.status).toBe('locate_light_on');
    expect(next.stack!.members[0]!.device.status).toBe('down');
    expect(next.stack!.members[0]!.peripherals[0]!.status).toBe('locate_light_on');
  });
});

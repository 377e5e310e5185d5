import { describe, expect, it } from 'vitest';
import { errorBodySchema, liveMessageSchema, signInRequestSchema } from './api.ts';
import { deviceListQuerySchema, formatConnectionPath } from './devices.ts';
import { AppError, appError, errorCatalog } from './errors.ts';
import { isLoopbackIpv4, loopbackSubnetSchema, subnetHosts, subnetOf } from './network.ts';
import { deviceStatusCatalog, deviceStatuses, severityOf, statusesWithSeverity } from './statuses.ts';

describe('sign-in request', () => {
  it.each([
    [{ email: 'a@b.test', password: 'x' }, true],
    [{ email: 'a@b.test', password: 'x', staySignedIn: true }, true],
    [{ email: 'not-an-email', password: 'x' }, false],
    [{ email: 'a@b.test', password: '' }, false],
    [{ email: 'a@b.test', password: 'x', role: 'owner' }, false],
    [{ email: 'a@b.test', password: 'x'.repeat(257) }, false],
  ])('%j → %s', (payload, valid) => {
    expect(signInRequestSchema.safeParse(payload).success).toBe(valid);
  });

  it('defaults staySignedIn to false', () => {
    expect(signInRequestSchema.parse({ email: 'a@b.test', password: 'x' }).staySignedIn).toBe(false);
  });
});

describe('device list query', () => {
  it('applies defaults and coerces numbers from the query string', () => {
    expect(deviceListQuerySchema.parse({ page: '2', limit: '10' })).toEqual({
      sort: 'name',
      page: 2,
      limit: 10,
      counts: true,
    });
  });

  it('reads counts=false as a page without counts', () => {
    expect(deviceListQuerySchema.parse({ counts: 'false' }).counts).toBe(false);
  });

  it('turns one status into a list', () => {
    expect(deviceListQuerySchema.parse({ status: 'down' }).status).toEqual(['down']);
  });

  it.each([
    [{ sort: '-status' }, true],
    [{ sort: 'password' }, false],
    [{ limit: '0' }, false],
    [{ limit: '501' }, false],
    [{ page: '-1' }, false],
    [{ severity: 'issue' }, true],
    [{ severity: 'bad' }, false],
    [{ status: ['down', 'nope'] }, false],
    [{ q: 'x'.repeat(201) }, false],
    [{ colour: 'red' }, false],
    [{ counts: 'false' }, true],
    [{ counts: 'maybe' }, false],
  ])('%j → %s', (query, valid) => {
    expect(deviceListQuerySchema.safeParse(query).success).toBe(valid);
  });
});

describe('statuses', () => {
  it('has the 15 Pro Audio statuses and the 3 video statuses of the design', () => {
    expect(deviceStatuses.filter((s) => deviceStatusCatalog[s].audio)).toHaveLength(15);
    expect(deviceStatuses.filter((s) => deviceStatusCatalog[s].video).map((s) => deviceStatusCatalog[s].label)).toEqual(
      ['Healthy', 'Down', 'Communication Service Failed'],
    );
  });

  it('gives every status one severity and partitions them', () => {
    expect(severityOf('down')).toBe('down');
    expect(severityOf('overheating')).toBe('issue');
    const all = [...statusesWithSeverity('healthy'), ...statusesWithSeverity('issue'), ...statusesWithSeverity('down')];
    expect(all.sort()).toEqual([...deviceStatuses].sort());
  });
});

describe('network helpers', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.20.1.15', true],
    ['10.0.0.1', false],
    ['192.168.1.1', false],
    ['172.16.0.1', false],
    ['8.8.8.8', false],
    ['127.0.0.256', false],
    ['localhost', false],
  ])('isLoopbackIpv4(%s) → %s', (address, loopback) => {
    expect(isLoopbackIpv4(address)).toBe(loopback);
  });

  it('accepts loopback /24 subnets only', () => {
    expect(loopbackSubnetSchema.parse('127.20.1.0/24')).toBe('127.20.1.0');
    expect(loopbackSubnetSchema.safeParse('192.168.0.0').success).toBe(false);
    expect(loopbackSubnetSchema.safeParse('127.20.1.5').success).toBe(false);
  });

  it('lists the 254 hosts of a subnet and finds the subnet of an address', () => {
    const hosts = subnetHosts('127.20.1.0');
    expect(hosts).toHaveLength(254);
    expect(hosts[0]).toBe('127.20.1.1');
    expect(hosts.at(-1)).toBe('127.20.1.254');
    expect(subnetOf('127.20.1.77')).toBe('127.20.1.0');
  });
});

describe('connection path', () => {
  it('reads Server > Subnet > Stack > C-Link > P-Link', () => {
    const path = formatConnectionPath('TerryDemoKit', {
      subnet: '127.20.0.0',
      interfaceName: 'eth6',
      stack: 'BMA360_Demo_BT',
      clink: 0,
      plink: 1,
      hostSerial: '0196-1743-08',
    });
    expect(path).toBe('Server TerryDemoKit > Subnet 127.20.0.0 (eth6) > Stack BMA360_Demo_BT > C-Link 00 > P-Link 01');
  });
});

describe('errors and live messages', () => {
  it('builds app errors with the catalogued status and message', () => {
    const error = appError('DEVICE_NOT_FOUND', { id: 'x' });
    expect(error).toBeInstanceOf(AppError);
    expect(error.status).toBe(404);
    expect(error.message).toBe(errorCatalog.DEVICE_NOT_FOUND.message);
  });

  it('only accepts declared error codes in error bodies', () => {
    expect(errorBodySchema.safeParse({ error: { code: 'NOT_FOUND', message: 'x' } }).success).toBe(true);
    expect(errorBodySchema.safeParse({ error: { code: 'OOPS', message: 'x' } }).success).toBe(false);
  });

  it('validates live messages', () => {
    expect(liveMessageSchema.safeParse({ type: 'ready' }).success).toBe(true);
    expect(liveMessageSchema.safeParse({ type: 'devices.removed', ids: ['a'] }).success).toBe(true);
    expect(liveMessageSchema.safeParse({ type: 'devices.changed', devices: [{}] }).success).toBe(false);
  });
});

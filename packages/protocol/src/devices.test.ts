import { describe, expect, it } from 'vitest';
import { agentEventBodySchema } from './agent-link.ts';
import { deviceHistoryQuerySchema, deviceListQuerySchema, deviceReportSchema } from './devices.ts';

describe('deviceListQuerySchema filters', () => {
  it.each([
    [{ model: 'BMA_360' }, { model: ['BMA_360'] }],
    [{ model: ['BMA_360', 'CONVERGE_HUDDLE'] }, { model: ['BMA_360', 'CONVERGE_HUDDLE'] }],
    [{ family: 'converge_pro_2' }, { family: ['converge_pro_2'] }],
    [{ firmware: ' 5.2.0.7 ' }, { firmware: ['5.2.0.7'] }],
    [
      { server: 'Site-A', subnet: '127.20.1.0', stack: 'BOARDROOM' },
      { server: ['Site-A'], subnet: ['127.20.1.0'] },
    ],
  ])('accepts %j', (input, expected) => {
    expect(deviceListQuerySchema.parse(input)).toMatchObject(expected);
  });

  it.each([
    [{ model: 'CONVERGE_PRO_3' }],
    [{ family: 'speakers' }],
    [{ firmware: '' }],
    [{ stack: 'x'.repeat(129) }],
    [{ server: Array.from({ length: 101 }, () => 'a') }],
  ])('refuses %j', (input) => {
    expect(deviceListQuerySchema.safeParse(input).success).toBe(false);
  });
});

describe('deviceHistoryQuerySchema', () => {
  it('takes a numeric cursor and a bounded limit', () => {
    expect(deviceHistoryQuerySchema.parse({ cursor: '123', limit: '10' })).toEqual({ cursor: '123', limit: 10 });
    expect(deviceHistoryQuerySchema.parse({})).toEqual({ limit: 50 });
  });
  it.each([[{ cursor: 'abc' }], [{ cursor: '-1' }], [{ limit: '0' }], [{ limit: '501' }], [{ page: '1' }]])(
    'refuses %j',
    (input) => {
      expect(deviceHistoryQuerySchema.safeParse(input).success).toBe(false);
    },
  );
});

describe('agent.state with sessions and subnets', () => {
  const base = {
    kind: 'agent.state',
    monitoring: 'active',
    subnetsEnabled: 1,
    subnetsTotal: 1,
    version: '0.2.0',
    deviceCount: 3,
  };
  it('accepts the older shape and the extended one', () => {
    expect(agentEventBodySchema.safeParse(base).success).toBe(true);
    const extended = {
      ...base,
      sessions: { connecting: 0, connected: 2, login_failed: 1, unreachable: 0 },
      subnets: [
        {
          subnet: '127.20.1.0',
          interfaceName: 'lo',
          enabled: true,
          scans: 4,
          answered: 3,
          lastScanAt: '2026-01-01T00:00:00.000Z',
          lastError: null,
        },
      ],
    };
    expect(agentEventBodySchema.safeParse(extended).success).toBe(true);
  });
  it('refuses negative session counts and unknown subnet fields', () => {
    expect(
      agentEventBodySchema.safeParse({
        ...base,
        sessions: { connecting: -1, connected: 0, login_failed: 0, unreachable: 0 },
      }).success,
    ).toBe(false);
    expect(
      agentEventBodySchema.safeParse({
        ...base,
        subnets: [
          {
            subnet: '127.20.1.0',
            interfaceName: null,
            enabled: true,
            scans: 0,
            answered: 0,
            lastScanAt: null,
            lastError: null,
            extra: 1,
          },
        ],
      }).success,
    ).toBe(false);
  });
});

describe('deviceReportSchema ftpEnabled', () => {
  const device = {
    serial: '0196-1743-01',
    model: 'CONVERGE_PRO_2_128',
    name: 'Main',
    mac: '',
    firmware: '5.2.0.7',
    accessIp: '127.20.1.10',
    port: 23,
    connection: { subnet: '127.20.1.0', interfaceName: null, stack: null, clink: null, plink: null, hostSerial: null },
    status: 'healthy',
    statusSince: '2026-12-01T05:00:00.000Z',
  };

  it('is optional (older agents omit it) and nullable (units that do not tell)', () => {
    expect(deviceReportSchema.parse(device)).not.toHaveProperty('ftpEnabled');
    expect(deviceReportSchema.parse({ ...device, ftpEnabled: true }).ftpEnabled).toBe(true);
    expect(deviceReportSchema.parse({ ...device, ftpEnabled: null }).ftpEnabled).toBeNull();
    expect(deviceReportSchema.safeParse({ ...device, ftpEnabled: '1' }).success).toBe(false);
  });
});

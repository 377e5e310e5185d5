import { describe, expect, it } from 'vitest';
import { agentEventSchema, agentMessageSchema, hubMessageSchema } from './agent-link.ts';

const at = '2026-11-23T10:00:00.000Z';
const device = {
  serial: '0196-1743-08',
  model: 'CONVERGE_PRO_2_48V',
  name: '48V',
  mac: '00:06:E2:12:34:56',
  firmware: '8.3.15.0',
  accessIp: '127.20.1.160',
  port: 23,
  connection: { subnet: '127.20.1.0', interfaceName: 'lo', stack: 'Demo', clink: 0, plink: null, hostSerial: null },
  status: 'healthy',
  statusSince: at,
};

describe('agent → hub messages', () => {
  it.each([
    ['hello', { type: 'hello', protocol: 1, agentName: 'Site-A', password: 'x', version: '1.0.0' }],
    [
      'hello with organization',
      { type: 'hello', protocol: 1, agentName: 'A', password: 'x', organization: 'A1', version: '1' },
    ],
    ['events: device seen', { type: 'events', events: [{ seq: 1, at, kind: 'device.seen', device }] }],
    [
      'events: status',
      { type: 'events', events: [{ seq: 2, at, kind: 'device.status', serial: 'AB-1', status: 'down', since: at }] },
    ],
    ['events: lost', { type: 'events', events: [{ seq: 3, at, kind: 'device.lost', serial: 'AB-1' }] }],
    [
      'events: agent state',
      {
        type: 'events',
        events: [
          {
            seq: 4,
            at,
            kind: 'agent.state',
            monitoring: 'active',
            subnetsEnabled: 1,
            subnetsTotal: 2,
            version: '1',
            deviceCount: 3,
          },
        ],
      },
    ],
    ['heartbeat', { type: 'heartbeat', at }],
    ['result', { type: 'result', commandId: 'c1', ok: true }],
  ])('accepts %s', (_name, message) => {
    expect(agentMessageSchema.safeParse(message).success).toBe(true);
  });

  it.each([
    ['an unknown type', { type: 'shutdown' }],
    [
      'a hello of another protocol version',
      { type: 'hello', protocol: 2, agentName: 'A', password: 'x', version: '1' },
    ],
    ['a hello without password', { type: 'hello', protocol: 1, agentName: 'A', password: '', version: '1' }],
    [
      'a hello with an extra field',
      { type: 'hello', protocol: 1, agentName: 'A', password: 'x', version: '1', admin: true },
    ],
    ['an empty batch', { type: 'events', events: [] }],
    ['seq zero', { type: 'events', events: [{ seq: 0, at, kind: 'device.lost', serial: 'A' }] }],
    ['a fractional seq', { type: 'events', events: [{ seq: 1.5, at, kind: 'device.lost', serial: 'A' }] }],
    [
      'an unknown status',
      { type: 'events', events: [{ seq: 1, at, kind: 'device.status', serial: 'A', status: 'sleepy', since: at }] },
    ],
    ['a bad timestamp', { type: 'events', events: [{ seq: 1, at: 'yesterday', kind: 'device.lost', serial: 'A' }] }],
    [
      'an unknown model',
      { type: 'events', events: [{ seq: 1, at, kind: 'device.seen', device: { ...device, model: 'TOASTER' } }] },
    ],
    [
      'a device address that is not IPv4',
      { type: 'events', events: [{ seq: 1, at, kind: 'device.seen', device: { ...device, accessIp: 'my-dsp' } }] },
    ],
    ['a serial with spaces', { type: 'events', events: [{ seq: 1, at, kind: 'device.lost', serial: 'A B' }] }],
    [
      'a batch over the limit',
      {
        type: 'events',
        events: Array.from({ length: 2001 }, (_, i) => ({ seq: i + 1, at, kind: 'device.lost', serial: 'A' })),
      },
    ],
  ])('rejects %s', (_name, message) => {
    expect(agentMessageSchema.safeParse(message).success).toBe(false);
  });

  it('keeps the event body fields when parsing an event', () => {
    const parsed = agentEventSchema.parse({
      seq: 7,
      at,
      kind: 'device.status',
      serial: 'A-1',
      status: 'overheating',
      since: at,
    });
    expect(parsed).toEqual({ seq: 7, at, kind: 'device.status', serial: 'A-1', status: 'overheating', since: at });
  });
});

describe('hub → agent messages', () => {
  it.each([
    ['welcome', { type: 'welcome', agentId: 'a', organizationName: 'Acme', lastSeq: 0, heartbeatSeconds: 15 }],
    ['ack', { type: 'ack', upTo: 42 }],
    ['heartbeat', { type: 'heartbeat', at }],
    ['rescan command', { type: 'command', commandId: 'c1', command: { name: 'rescan' } }],
    ['error', { type: 'error', code: 'AGENT_AUTH_FAILED', message: 'no' }],
  ])('accepts %s', (_name, message) => {
    expect(hubMessageSchema.safeParse(message).success).toBe(true);
  });

  it.each([
    ['a negative ack', { type: 'ack', upTo: -1 }],
    ['an unknown command', { type: 'command', commandId: 'c1', command: { name: 'format-disk' } }],
    ['a welcome without watermark', { type: 'welcome', agentId: 'a', organizationName: 'Acme', heartbeatSeconds: 15 }],
  ])('rejects %s', (_name, message) => {
    expect(hubMessageSchema.safeParse(message).success).toBe(false);
  });
});

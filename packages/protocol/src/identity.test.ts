import { describe, expect, it } from 'vitest';
import { auditListQuerySchema, organizationListQuerySchema, serverListQuerySchema } from './identity.ts';
import { isIpAddress, isIpPrefix } from './network.ts';

describe('IP filter text', () => {
  it.each([
    ['127.0.0.1', true, true],
    ['127.0.', true, false],
    ['10', true, false],
    ['::1', true, true],
    ['2001:db8:', true, false],
    ['::ffff:10.20.', true, false],
    ['fe80::', true, true],
    ['256.1', false, false],
    ['10.0.0.01', false, false],
    ['1.2.3.4.5', false, false],
    ['1::2::3', false, false],
    ['12345::', false, false],
    ['1:2:3:4:5:6:7:8:9', false, false],
    ['10.0.0.0/8', false, false],
    ['localhost', false, false],
    ['', false, false],
  ])('%s → prefix %s, address %s', (text, prefix, address) => {
    expect(isIpPrefix(text)).toBe(prefix);
    expect(isIpAddress(text)).toBe(address);
  });
});

describe('list queries', () => {
  it.each([
    [{ ip: ' 2001:DB8:: ' }, true],
    [{ ip: '10.1.' }, true],
    [{ ip: '10.1.%' }, false],
    [{ ip: 'x' }, false],
  ])('audit %j → %s', (query, valid) => {
    expect(auditListQuerySchema.safeParse(query).success).toBe(valid);
  });

  it('lowercases an IPv6 filter to match the stored form', () => {
    expect(auditListQuerySchema.parse({ ip: 'FE80::' }).ip).toBe('fe80::');
  });

  it.each([
    [{ startFrom: '2026-01-01', startTo: '2026-12-31', endFrom: '2027-01-01', endTo: '2027-01-01' }, true],
    [{ hasServers: 'false' }, true],
    [{ hasServers: 'maybe' }, false],
    [{ endFrom: '2027-02-30' }, false],
    [{ startFrom: '2026-02-01', startTo: '2026-01-31' }, false],
    [{ endFrom: '2026-02-01', endTo: '2026-01-31' }, false],
  ])('organizations %j → %s', (query, valid) => {
    expect(organizationListQuerySchema.safeParse(query).success).toBe(valid);
  });

  it.each([
    [{ monitoringSystem: 'issue', q: '3.7' }, true],
    [{ monitoringSystem: 'broken' }, false],
  ])('servers %j → %s', (query, valid) => {
    expect(serverListQuerySchema.safeParse(query).success).toBe(valid);
  });
});

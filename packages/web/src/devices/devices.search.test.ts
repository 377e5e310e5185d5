import { describe, expect, it } from 'vitest';
import { parseDevicesSearch } from './devices.search.ts';

describe('parseDevicesSearch', () => {
  it('keeps valid filters, as one value or a list', () => {
    expect(parseDevicesSearch({ severity: 'down', status: 'locate_light_on', q: 'lobby' })).toEqual({
      severity: 'down',
      status: ['locate_light_on'],
      q: 'lobby',
    });
  });

  it('drops unknown severities, statuses and models', () => {
    expect(parseDevicesSearch({ severity: 'bad', status: ['nope', 'healthy'], model: 'X', q: '  ' })).toEqual({
      status: ['healthy'],
    });
  });

  it('keeps a location id or none, and drops anything else', () => {
    const id = '0a1b2c3d-0000-4000-8000-00000000abcd';
    expect(parseDevicesSearch({ location: id })).toEqual({ location: id });
    expect(parseDevicesSearch({ location: 'none' })).toEqual({ location: 'none' });
    expect(parseDevicesSearch({ location: 'Florida' })).toEqual({});
  });

  it('keeps the Update Available filter only when it is on', () => {
    expect(parseDevicesSearch({ updateAvailable: true })).toEqual({ updateAvailable: true });
    expect(parseDevicesSearch({ updateAvailable: 'true' })).toEqual({ updateAvailable: true });
    expect(parseDevicesSearch({ updateAvailable: false })).toEqual({});
    expect(parseDevicesSearch({ updateAvailable: 'yes' })).toEqual({});
  });
});

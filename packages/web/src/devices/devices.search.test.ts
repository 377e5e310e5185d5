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
});

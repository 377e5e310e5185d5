import { QueryClient } from '@tanstack/react-query';
import type { DeviceList } from '@tutti/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api.ts';
import { devicesQueryOptions, devicesRootKey, type DeviceListParams } from './devices.queries.ts';

const base: DeviceListParams = {
  q: '',
  severity: 'down',
  status: [],
  model: [],
  location: null,
  updateAvailable: false,
  sort: 'name',
  page: 1,
  limit: 50,
};
const counted: DeviceList = { items: [], page: 1, limit: 50, total: 120, counts: { healthy: 0, issue: 0, down: 120 } };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('devicesQueryOptions', () => {
  it('counts once per set of filters: page turns and new sorts fetch the page alone, until a live refresh', async () => {
    const listDevices = vi.spyOn(api, 'listDevices').mockResolvedValue(counted);
    const listDevicePage = vi
      .spyOn(api, 'listDevicePage')
      .mockImplementation((query = {}) => Promise.resolve({ items: [], page: Number(query.page), limit: 50 }));
    const client = new QueryClient();
    const fetch = (change: Partial<DeviceListParams>) =>
      client.fetchQuery(devicesQueryOptions({ ...base, ...change }, client));

    expect(await fetch({})).toEqual(counted);
    expect(await fetch({ page: 2 })).toEqual({ ...counted, page: 2 });
    await fetch({ page: 3, sort: '-name' });
    expect([listDevices.mock.calls.length, listDevicePage.mock.calls.length]).toEqual([1, 2]);

    await fetch({ severity: 'issue', page: 2 });
    expect(listDevices).toHaveBeenCalledTimes(2);

    await client.invalidateQueries({ queryKey: devicesRootKey });
    await fetch({ page: 4 });
    expect([listDevices.mock.calls.length, listDevicePage.mock.calls.length]).toEqual([3, 2]);
  });
});

import { describe, expect, it } from 'vitest';
import { importHubsFromFragment, knownHubSchema, switchAddress, withHub, withoutHub } from './hub-directory.ts';

const emea = { name: 'EMEA', url: 'https://emea.tutti.example' };
const americas = { name: 'Americas', url: 'https://us.tutti.example' };

describe('hub directory', () => {
  it('keeps a hub by its origin and refuses what is not an http(s) address', () => {
    expect(knownHubSchema.parse({ name: ' APAC ', url: 'https://apac.tutti.example:8443/dashboard?x=1' })).toEqual({
      name: 'APAC',
      url: 'https://apac.tutti.example:8443',
    });
    for (const url of ['apac.tutti.example', 'ftp://apac.tutti.example', 'javascript:alert(1)', '']) {
      expect(knownHubSchema.safeParse({ name: 'APAC', url }).success).toBe(false);
    }
  });

  it('adds, renames by address and removes hubs, ordered by name', () => {
    let hubs = withHub([], emea);
    hubs = withHub(hubs, americas);
    expect(hubs.map((hub) => hub.name)).toEqual(['Americas', 'EMEA']);
    hubs = withHub(hubs, { name: 'Europe', url: emea.url });
    expect(hubs).toEqual([americas, { name: 'Europe', url: emea.url }]);
    expect(withoutHub(hubs, americas.url)).toEqual([{ name: 'Europe', url: emea.url }]);
  });

  it('carries the list to the other hub, which takes it in without listing itself', () => {
    const address = switchAddress(americas, [americas], emea);
    expect(address.startsWith('https://us.tutti.example/#hubs=')).toBe(true);
    const arrived = importHubsFromFragment({ hash: address.slice(address.indexOf('#')), origin: americas.url }, []);
    expect(arrived).toEqual([emea]);
    // A hub this browser already knows keeps the name given here.
    const renamed = importHubsFromFragment({ hash: address.slice(address.indexOf('#')), origin: americas.url }, [
      { name: 'Europe', url: emea.url },
    ]);
    expect(renamed).toEqual([{ name: 'Europe', url: emea.url }]);
    expect(importHubsFromFragment({ hash: '#hubs=%%%', origin: americas.url }, [])).toBeNull();
    expect(importHubsFromFragment({ hash: '', origin: americas.url }, [])).toBeNull();
  });

  it('keeps names in any script across the trip', () => {
    const tokyo = { name: '東京リージョン', url: 'https://jp.tutti.example' };
    const address = switchAddress(americas, [tokyo], emea);
    const arrived = importHubsFromFragment({ hash: address.slice(address.indexOf('#')), origin: americas.url }, []);
    expect(arrived).toEqual([emea, tokyo]);
  });
});

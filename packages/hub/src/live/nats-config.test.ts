import { describe, expect, it } from 'vitest';
import { loadHubConfig } from '../config/hub-config.ts';

describe('natsUrl setting', () => {
  it('is off by default and read from TUTTI_NATS_URL, flags winning', () => {
    expect(loadHubConfig({}).natsUrl).toBeUndefined();
    expect(loadHubConfig({ TUTTI_NATS_URL: 'nats://127.0.0.1:4222' }).natsUrl).toBe('nats://127.0.0.1:4222');
    expect(
      loadHubConfig(
        { TUTTI_NATS_URL: 'nats://127.0.0.1:4222' },
        { natsUrl: 'tls://127.0.0.2:4443, nats://127.0.0.3:4222' },
      ).natsUrl,
    ).toBe('tls://127.0.0.2:4443, nats://127.0.0.3:4222');
  });

  it.each(['http://127.0.0.1:4222', 'nats://', '127.0.0.1:4222', 'nats://127.0.0.1:4222/path'])(
    'refuses %s with CONFIG_INVALID',
    (natsUrl) => {
      expect(() => loadHubConfig({}, { natsUrl })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    },
  );
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

describe('behind a load balancer', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ config: { trustProxy: '127.0.0.1' } });
  });
  afterAll(async () => hub?.close());

  async function sessionIpAfterSignIn(remoteAddress: string): Promise<string | null> {
    const admin = await makeUser(hub.database.db, (await makeOrg(hub.database.db)).id);
    const signIn = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      remoteAddress,
      headers: { 'x-forwarded-for': '203.0.113.7' },
      payload: { email: admin.email, password: admin.password },
    });
    expect(signIn.statusCode).toBe(200);
    const cookies = await signInCookies(hub.app, admin.email, admin.password);
    const sessions = await hub.app.inject({ method: 'GET', url: '/api/v1/auth/sessions', cookies });
    const items = sessions.json<{ items: Array<{ current: boolean; ip: string | null }> }>().items;
    return items.find((session) => !session.current)?.ip ?? null;
  }

  it('takes the client address from X-Forwarded-For only when a trusted balancer sent it', async () => {
    expect(await sessionIpAfterSignIn('127.0.0.1')).toBe('203.0.113.7');
    expect(await sessionIpAfterSignIn('127.0.0.9')).toBe('127.0.0.9');
  });
});

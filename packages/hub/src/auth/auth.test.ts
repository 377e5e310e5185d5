import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { SESSION_COOKIE } from '@tutti/protocol';
import { rowsOf } from '../db/index.ts';
import { makeOrg, makeUser } from '../testing/factories.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

let hub: TestHub;
let user: { email: string; password: string };

beforeAll(async () => {
  hub = await startTestHub();
  const org = await makeOrg(hub.database.db, { name: 'Acme Audio' });
  user = await makeUser(hub.database.db, org.id);
});
afterAll(async () => hub?.close());

function signIn(payload: unknown, headers: Record<string, string> = {}) {
  return hub.app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

describe('sign-in', () => {
  it('signs in, sets an httpOnly session cookie and answers /me', async () => {
    const response = await signIn({ email: user.email.toUpperCase(), password: user.password });
    expect(response.statusCode).toBe(200);
    expect(response.json().memberships[0].organizationName).toBe('Acme Audio');
    const cookie = response.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.expires).toBeUndefined();

    const me = await hub.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      cookies: { [SESSION_COOKIE]: cookie.value },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe(user.email);
  });

  it('stores the session only as a hash', async () => {
    const response = await signIn({ email: user.email, password: user.password, staySignedIn: true });
    const token = response.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
    expect(response.cookies.find((c) => c.name === SESSION_COOKIE)!.expires).toBeInstanceOf(Date);
    const rows = await hub.database.db.execute(sql`SELECT token_hash FROM sessions`);
    const hashes = rowsOf<{ token_hash: string }>(rows).map((r) => r.token_hash);
    expect(hashes.length).toBeGreaterThan(0);
    expect(hashes).not.toContain(token);
  });

  it.each([
    ['malformed JSON', '{"email": ', 'MALFORMED_JSON'],
    ['wrong types', { email: 42, password: true }, 'VALIDATION_FAILED'],
    ['unknown fields', { email: 'a@b.test', password: 'x', admin: true }, 'VALIDATION_FAILED'],
    ['missing fields', {}, 'VALIDATION_FAILED'],
    ['not an email', { email: 'nobody', password: 'x' }, 'VALIDATION_FAILED'],
  ])('rejects %s with 400 and a code', async (_name, payload, code) => {
    const response = await signIn(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
    expect(typeof response.json().error.message).toBe('string');
  });

  it('answers 401 for a wrong password and for an unknown account alike', async () => {
    const wrong = await signIn({ email: user.email, password: 'Not-the-password-1' });
    const unknown = await signIn({ email: 'ghost@example.test', password: 'Whatever-1!' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe('INVALID_CREDENTIALS');
  });

  it('throttles repeated failures on one account, even with the right password afterwards', async () => {
    const org = await makeOrg(hub.database.db);
    const victim = await makeUser(hub.database.db, org.id);
    const codes: number[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      codes.push((await signIn({ email: victim.email, password: `Guess-${attempt}!x` })).statusCode);
    }
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes[5]).toBe(429);
    const locked = await signIn({ email: victim.email, password: victim.password });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('RATE_LIMITED');
  });

  it('signs out and the cookie stops working', async () => {
    const response = await signIn({ email: user.email, password: user.password });
    const cookies = { [SESSION_COOKIE]: response.cookies.find((c) => c.name === SESSION_COOKIE)!.value };
    const out = await hub.app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', cookies, payload: {} });
    expect(out.statusCode).toBe(204);
    const me = await hub.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies });
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe('UNAUTHENTICATED');
  });
});

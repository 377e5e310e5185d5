import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes } from '@tutti/protocol';
import { makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

const someId = '00000000-0000-4000-8000-000000000000';

/** Every identity route and the devices routes: [method, url, needs a manage permission a Monitor lacks]. */
const routes: Array<[InjectOptions['method'], string, boolean]> = [
  ['GET', '/devices', false],
  ['GET', `/devices/${someId}`, false],
  ['GET', '/auth/me', false],
  ['GET', '/auth/roles', false],
  ['GET', '/auth/sessions', false],
  ['DELETE', `/auth/sessions/${someId}`, false],
  ['POST', '/auth/switch-organization', false],
  ['GET', '/me/settings', false],
  ['PATCH', '/me/settings', false],
  ['POST', '/me/password', false],
  ['GET', '/organizations', false],
  ['GET', `/organizations/${someId}`, false],
  ['POST', '/organizations', true],
  ['PATCH', `/organizations/${someId}`, true],
  ['GET', '/users', false],
  ['GET', `/users/${someId}`, false],
  ['POST', '/users/invitations', true],
  ['PATCH', `/users/${someId}`, true],
  ['DELETE', `/users/${someId}`, true],
  ['POST', `/users/${someId}/resend-invitation`, true],
  ['GET', '/servers', false],
  ['GET', `/servers/${someId}`, false],
  ['POST', '/servers', true],
  ['PATCH', `/servers/${someId}`, true],
  ['PUT', `/servers/${someId}/password`, true],
  ['GET', '/tokens', true],
  ['POST', '/tokens', true],
  ['DELETE', `/tokens/${someId}`, true],
  ['GET', '/audit', true],
  ['GET', '/audit/export.csv', true],
  ['POST', '/auth/sign-out-everywhere', false],
  ['GET', '/alerts', false],
  ['GET', '/alerts/deliveries', false],
  ['POST', `/alerts/${someId}/acknowledge`, true],
  ['GET', '/alert-rules', false],
  ['POST', '/alert-rules', true],
  ['PUT', `/alert-rules/${someId}`, true],
  ['DELETE', `/alert-rules/${someId}`, true],
  ['GET', '/maintenance-windows', false],
  ['POST', '/maintenance-windows', true],
  ['DELETE', `/maintenance-windows/${someId}`, true],
];

/** Routes that anyone may call: they must never fail with a 500 either. */
const anonymous: Array<[InjectOptions['method'], string]> = [
  ['POST', '/auth/sign-in'],
  ['POST', '/auth/forgot-password'],
  ['POST', '/auth/reset-password'],
  ['POST', '/auth/invitations/accept'],
  ['GET', '/auth/invitations/not-a-real-token-123'],
  ['GET', '/auth/sso/A00000000/status'],
  ['POST', '/alerts/acknowledge-link'],
];

let hub: TestHub;
let owner: Record<string, string>;
let monitor: Record<string, string>;

beforeAll(async () => {
  hub = await startTestHub();
  const org = await makeOrg(hub.database.db, { kind: 'support' });
  const ownerUser = await makeUser(hub.database.db, org.id, { role: 'owner' });
  const monitorUser = await makeUser(hub.database.db, org.id, { role: 'monitor' });
  owner = await signInCookies(hub.app, ownerUser.email, ownerUser.password);
  monitor = await signInCookies(hub.app, monitorUser.email, monitorUser.password);
});
afterAll(async () => hub.close());

function send(method: InjectOptions['method'], url: string, cookies: Record<string, string>, payload?: unknown) {
  const options: InjectOptions = { method, url: `/api/v1${url}`, cookies };
  if (payload !== undefined) options.payload = payload as InjectOptions['payload'];
  return hub.app.inject(options);
}

describe('access to every identity route', () => {
  it.each(routes)('%s %s answers 401 UNAUTHENTICATED without a session', async (method, url) => {
    const response = await send(method, url, {}, method === 'GET' || method === 'DELETE' ? undefined : {});
    expect(response.statusCode).toBe(401);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('UNAUTHENTICATED');
  });

  /** Valid bodies, so the permission check is what answers. */
  const validBodies: Record<string, unknown> = {
    'POST /organizations': { name: 'X', initialOwner: { email: 'x@example.test' } },
    [`PATCH /organizations/${someId}`]: { name: 'X' },
    'POST /users/invitations': { emails: ['x@example.test'], role: 'monitor' },
    [`PATCH /users/${someId}`]: { role: 'monitor' },
    [`POST /users/${someId}/resend-invitation`]: {},
    'POST /servers': { name: 'S1', password: 'Sturdy-Lantern-73', confirmPassword: 'Sturdy-Lantern-73' },
    [`PATCH /servers/${someId}`]: { enabled: false },
    [`PUT /servers/${someId}/password`]: { password: 'Sturdy-Lantern-73', confirmPassword: 'Sturdy-Lantern-73' },
    'POST /tokens': { name: 't', role: 'monitor' },
    [`POST /alerts/${someId}/acknowledge`]: {},
    'POST /alert-rules': { name: 'R', condition: { kind: 'plan_overflow' }, recipients: { roles: ['owner'] } },
    [`PUT /alert-rules/${someId}`]: {
      name: 'R',
      condition: { kind: 'plan_overflow' },
      recipients: { roles: ['owner'] },
    },
    'POST /maintenance-windows': {
      name: 'W',
      scope: { kind: 'organization' },
      schedule: { kind: 'once', startsAt: '2026-12-01T10:00:00Z', endsAt: '2026-12-01T12:00:00Z' },
    },
  };

  it.each(routes.filter(([, , manage]) => manage))('%s %s answers 403 FORBIDDEN to a Monitor', async (method, url) => {
    const response = await send(method, url, monitor, validBodies[`${method} ${url}`]);
    expect(response.statusCode).toBe(403);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('FORBIDDEN');
  });

  it.each(routes.filter(([method]) => method !== 'GET' && method !== 'DELETE'))(
    '%s %s answers 400 with a stable code for malformed JSON and for wrong shapes',
    async (method, url) => {
      const malformed = await hub.app.inject({
        method,
        url: `/api/v1${url}`,
        cookies: owner,
        headers: { 'content-type': 'application/json' },
        payload: '{"oops": ',
      });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json<{ error: { code: string } }>().error.code).toBe('MALFORMED_JSON');
      const wrong = await send(method, url, owner, { unexpected: [1, 2, 3] });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json<{ error: { code: string } }>().error.code).toBe('VALIDATION_FAILED');
    },
  );

  it.each([...routes.map(([method, url]) => [method, url] as const), ...anonymous])(
    '%s %s never answers 5xx, whatever the body or query',
    async (method, url) => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue(), fc.string({ maxLength: 40 }), async (body, query) => {
          const withQuery = `${url}${url.includes('?') ? '&' : '?'}q=${encodeURIComponent(query)}&sort=${encodeURIComponent(query)}`;
          const hasBody = method !== 'GET' && method !== 'DELETE';
          const response = await send(method, withQuery, owner, hasBody ? JSON.stringify(body) : undefined);
          expect(response.statusCode).toBeLessThan(500);
          if (response.statusCode >= 400) {
            expect(errorCodes).toContain(response.json<{ error: { code: string } }>().error.code);
          }
        }),
        { numRuns: 15 },
      );
    },
  );
});

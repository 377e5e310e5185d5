import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '@tutti/protocol';
import { testDatabaseKinds } from '../db/index.ts';
import { makeOrg, makeUser, TEST_PASSWORD } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { linkToken, startSmtpSink, type SmtpSink } from '../testing/smtp-sink.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

/** Invitation, registration, organization switching and forgot-password, with mail through a real SMTP sink. */
describe.each(await testDatabaseKinds())('identity flows on %s', (kind) => {
  let hub: TestHub;
  let smtp: SmtpSink;
  let support: { id: string };
  let supportAdmin: { email: string; password: string };
  let cookies: Record<string, string>;

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, payload?: unknown, as = cookies) => {
    const options: InjectOptions = { method, url: `/api/v1${url}`, cookies: as };
    if (payload !== undefined) options.payload = payload as InjectOptions['payload'];
    return hub.app.inject(options);
  };

  beforeAll(async () => {
    smtp = await startSmtpSink();
    hub = await startTestHub({
      kind,
      config: {
        publicUrl: 'http://127.0.0.1:9999',
        smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, from: 'Tutti <hub@tutti.test>' },
      },
    });
    support = await makeOrg(hub.database.db, { name: 'ClearOne Technical Support', kind: 'support' });
    supportAdmin = await makeUser(hub.database.db, support.id, { role: 'owner' });
    cookies = await signInCookies(hub.app, supportAdmin.email, supportAdmin.password);
  });
  afterAll(async () => {
    await hub?.close();
    await smtp?.close();
  });

  it('reviews a new client organization without creating it (dry run)', async () => {
    const before = smtp.messages.length;
    const review = await call('POST', '/organizations', {
      name: 'Dry Run AV',
      initialOwner: { email: 'dry@example.test' },
      maxProAudioDevices: 5,
      dryRun: true,
    });
    expect(review.statusCode).toBe(200);
    expect(review.json()).toMatchObject({ name: 'Dry Run AV', status: 'invited', devicesAllocated: 5 });
    const list = await call('GET', '/organizations?q=Dry');
    expect(list.json().total).toBe(0);
    expect(smtp.messages.length).toBe(before);
  });

  it('adds a client organization whose new owner registers from the emailed invitation', async () => {
    const since = smtp.messages.length;
    const created = await call('POST', '/organizations', {
      name: 'Acme AV, Inc.',
      initialOwner: { email: 'owner@acme.test', firstName: 'Ada', lastName: 'Acme' },
      clientReference: 'FIN-42',
      maxProAudioDevices: 50,
      startDate: '2026-01-01',
      endDate: '2099-12-31',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      kind: 'client',
      status: 'invited',
      parentId: support.id,
      clientReference: 'FIN-42',
      devicesAllocated: 50,
      proAudioDevices: 0,
      servers: 0,
      initialOwner: { email: 'owner@acme.test', name: 'Ada Acme' },
    });
    const token = linkToken(await smtp.next('owner@acme.test', since), '/register');

    const info = await call('GET', `/auth/invitations/${token}`, undefined, {});
    expect(info.json()).toMatchObject({ organizationName: 'Acme AV, Inc.', needsRegistration: true });

    const accept = (body: Record<string, unknown>) =>
      call('POST', '/auth/invitations/accept', { token, acceptTerms: true, ...body }, {});
    expect((await accept({ password: 'short1!' })).json().error.code).toBe('VALIDATION_FAILED');
    const weak = await accept({ password: 'Password1!' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('PASSWORD_TOO_WEAK');
    expect((await accept({ password: 'Sturdy-Lantern-73', acceptTerms: false })).statusCode).toBe(400);
    expect((await accept({ password: 'Sturdy-Lantern-73', language: 'fr' })).statusCode).toBe(204);
    expect((await accept({ password: 'Sturdy-Lantern-73' })).json().error.code).toBe('INVITATION_INVALID');

    const ownerCookies = await signInCookies(hub.app, 'owner@acme.test', 'Sturdy-Lantern-73');
    const me = await call('GET', '/auth/me', undefined, ownerCookies);
    expect(me.json()).toMatchObject({ role: 'owner', user: { language: 'fr' } });
    expect(me.json().permissions).toContain('users.manage');
    const list = await call('GET', '/organizations?q=Acme');
    expect(list.json<{ items: unknown[] }>().items[0]).toMatchObject({ name: 'Acme AV, Inc.', status: 'active' });
  });

  it('lets a support member who owns a client organization switch to it without signing in again', async () => {
    const created = await call('POST', '/organizations', {
      name: 'Globex Rooms',
      initialOwner: { email: supportAdmin.email },
      maxProAudioDevices: 10,
    });
    expect(created.json().status).toBe('active');
    const clientId = created.json().id as string;

    const switched = await call('POST', '/auth/switch-organization', { organizationId: clientId });
    expect(switched.statusCode).toBe(200);
    expect(switched.json()).toMatchObject({ currentOrganizationId: clientId, role: 'owner' });
    const users = await call('GET', '/users');
    expect(users.json<{ items: Array<{ email: string }> }>().items.map((u) => u.email)).toEqual([supportAdmin.email]);
    // A client organization adds no organizations of its own.
    const nested = await call('POST', '/organizations', { name: 'Nested', initialOwner: { email: 'n@x.test' } });
    expect(nested.json().error.code).toBe('ORGANIZATION_CANNOT_HAVE_CLIENTS');

    const other = await makeOrg(hub.database.db);
    const refused = await call('POST', '/auth/switch-organization', { organizationId: other.id });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('NOT_A_MEMBER');
    expect((await call('POST', '/auth/switch-organization', { organizationId: support.id })).statusCode).toBe(200);
  });

  it('invites users by email, resends the invitation (the old link dies) and manages them in the Users table', async () => {
    const since = smtp.messages.length;
    const invited = await call('POST', '/users/invitations', {
      emails: ['jane@support.test', 'jim@support.test'],
      role: 'monitor',
      language: 'de',
    });
    expect(invited.statusCode).toBe(201);
    expect(invited.json<{ items: Array<{ status: string }> }>().items.map((u) => u.status)).toEqual([
      'invited',
      'invited',
    ]);
    const janeMail = await smtp.next('jane@support.test', since);
    // The invitation speaks the language it was sent in.
    expect(janeMail.text).toContain('Einladung zu ClearOne Technical Support bei Tutti');
    expect(janeMail.text).toContain('Der Link funktioniert einmal und läuft in 72 Stunden ab.');
    const first = linkToken(janeMail, '/register');
    const jim = invited.json().items[1].id as string;

    const again = await call('POST', '/users/invitations', { emails: ['jane@support.test'], role: 'monitor' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('USER_ALREADY_MEMBER');

    const janeId = invited.json().items[0].id as string;
    const resendSince = smtp.messages.length;
    expect((await call('POST', `/users/${janeId}/resend-invitation`, {})).statusCode).toBe(204);
    const second = linkToken(await smtp.next('jane@support.test', resendSince), '/register');
    expect(second).not.toBe(first);
    expect((await call('GET', `/auth/invitations/${first}`, undefined, {})).statusCode).toBe(404);
    const accepted = await call(
      'POST',
      '/auth/invitations/accept',
      { token: second, password: 'Quiet-Harbor-58', acceptTerms: true, name: 'Jane Bob' },
      {},
    );
    expect(accepted.statusCode).toBe(204);

    const table = await call('GET', '/users?q=support.test&sort=email');
    expect(
      table
        .json<{ items: Array<{ email: string; status: string; role: string; type: string }> }>()
        .items.map((u) => [u.email, u.status, u.role, u.type]),
    ).toEqual([
      ['jane@support.test', 'registered', 'monitor', 'local'],
      ['jim@support.test', 'invited', 'monitor', 'local'],
    ]);
    expect((await call('GET', '/users?status=invited')).json().total).toBe(1);

    expect((await call('PATCH', `/users/${janeId}`, { role: 'technician' })).json().role).toBe('technician');
    expect((await call('PATCH', `/users/${janeId}`, { disabled: true })).json().status).toBe('disabled');
    const blocked = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'jane@support.test', password: 'Quiet-Harbor-58' },
    });
    expect(blocked.statusCode).toBe(401);
    expect((await call('PATCH', `/users/${janeId}`, { disabled: false })).json().status).toBe('registered');
    expect((await call('POST', `/users/${janeId}/resend-invitation`, {})).json().error.code).toBe('USER_NOT_INVITED');
    expect((await call('DELETE', `/users/${jim}`)).statusCode).toBe(204);
    expect((await call('GET', `/users/${jim}`)).statusCode).toBe(404);
  });

  it('keeps the last owner and refuses changes to yourself or to roles above your own', async () => {
    const me = (await call('GET', '/auth/me')).json().user.id as string;
    expect((await call('PATCH', `/users/${me}`, { role: 'monitor' })).json().error.code).toBe('CANNOT_CHANGE_SELF');
    const admin = await makeUser(hub.database.db, support.id, { role: 'administrator' });
    const adminCookies = await signInCookies(hub.app, admin.email, admin.password);
    const grant = await call('POST', '/users/invitations', { emails: ['boss@x.test'], role: 'owner' }, adminCookies);
    expect(grant.statusCode).toBe(403);
    expect(grant.json().error.code).toBe('ROLE_NOT_GRANTABLE');
    const demote = await call('PATCH', `/users/${me}`, { role: 'monitor' }, adminCookies);
    expect(demote.json().error.code).toBe('ROLE_NOT_GRANTABLE');
  });

  it('resets a forgotten password through a single-use emailed link and ends old sessions', async () => {
    const org = await makeOrg(hub.database.db);
    const person = await makeUser(hub.database.db, org.id);
    const oldCookies = await signInCookies(hub.app, person.email, person.password);
    const since = smtp.messages.length;
    expect((await call('POST', '/auth/forgot-password', { email: 'nobody@example.test' }, {})).statusCode).toBe(202);
    expect((await call('POST', '/auth/forgot-password', { email: person.email }, {})).statusCode).toBe(202);
    const mail = await smtp.next(person.email, since);
    expect(smtp.messages.slice(since).some((m) => m.to.includes('nobody@example.test'))).toBe(false);
    const token = linkToken(mail, '/reset-password');

    const reset = (password: string) => call('POST', '/auth/reset-password', { token, password }, {});
    expect((await reset('qwerty12!')).json().error.code).toBe('PASSWORD_TOO_WEAK');
    expect((await reset('Velvet-Compass-91')).statusCode).toBe(204);
    expect((await reset('Another-Pass-91')).json().error.code).toBe('RESET_LINK_INVALID');
    expect((await call('GET', '/auth/me', undefined, oldCookies)).statusCode).toBe(401);
    await expect(signInCookies(hub.app, person.email, TEST_PASSWORD)).rejects.toThrow();
    await signInCookies(hub.app, person.email, 'Velvet-Compass-91');
  });

  it('lists and revokes sessions, signs out everywhere, and keeps personal settings', async () => {
    const org = await makeOrg(hub.database.db);
    const person = await makeUser(hub.database.db, org.id);
    const a = await signInCookies(hub.app, person.email, person.password);
    const b = await signInCookies(hub.app, person.email, person.password);
    const sessions = (await call('GET', '/auth/sessions', undefined, a)).json().items as Array<{
      id: string;
      current: boolean;
    }>;
    expect(sessions).toHaveLength(2);
    const other = sessions.find((s) => !s.current)!;
    expect((await call('DELETE', `/auth/sessions/${other.id}`, undefined, a)).statusCode).toBe(204);
    expect((await call('GET', '/auth/me', undefined, b)).statusCode).toBe(401);
    expect((await call('DELETE', `/auth/sessions/${other.id}`, undefined, a)).json().error.code).toBe(
      'SESSION_NOT_FOUND',
    );

    expect((await call('PATCH', '/me/settings', { smsNumber: '801-555-0100' }, a)).statusCode).toBe(400);
    const saved = await call('PATCH', '/me/settings', { smsNumber: '+18015550100', language: 'ja' }, a);
    expect(saved.json()).toMatchObject({ smsNumber: '+18015550100', language: 'ja' });
    const wrong = await call('POST', '/me/password', { currentPassword: 'nope', newPassword: 'Copper-Meadow-27' }, a);
    expect(wrong.json().error.code).toBe('WRONG_PASSWORD');
    expect(
      (await call('POST', '/me/password', { currentPassword: person.password, newPassword: 'Copper-Meadow-27' }, a))
        .statusCode,
    ).toBe(204);

    const c = await signInCookies(hub.app, person.email, 'Copper-Meadow-27');
    expect((await call('POST', '/auth/sign-out-everywhere', {}, a)).statusCode).toBe(204);
    for (const jar of [a, c]) expect((await call('GET', '/auth/me', undefined, jar)).statusCode).toBe(401);
    expect(a[SESSION_COOKIE]).toBeTruthy();
  });
});

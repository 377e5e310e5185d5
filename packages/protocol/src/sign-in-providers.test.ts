import { describe, expect, it } from 'vitest';
import { signInRequestSchema } from './api.ts';
import { ldapSettingsRequestSchema, oidcSettingsRequestSchema, ssoStartQuerySchema } from './sign-in-providers.ts';

const ldap = {
  url: 'ldap://127.0.0.1:3389',
  bindDn: 'cn=reader,dc=corp',
  bindPassword: 'x',
  userSearchBase: 'ou=people,dc=corp',
  groupRoles: [{ match: 'admins', role: 'administrator' }],
};

describe('LDAP settings', () => {
  it.each([
    [ldap, true],
    [{ ...ldap, url: 'ldaps://dir.corp.example:636' }, true],
    [{ ...ldap, startTls: true }, true],
    [{ ...ldap, url: 'ldaps://dir.corp.example', startTls: true }, false],
    [{ ...ldap, url: 'http://dir.corp.example' }, false],
    [{ ...ldap, userFilter: '(uid=alice)' }, false],
    [{ ...ldap, groupRoles: [] }, false],
    [{ ...ldap, groupRoles: [{ match: 'x', role: 'emperor' }] }, false],
    [{ ...ldap, groupAttribute: 'member of' }, false],
    [{ ...ldap, caCertificate: 'not a certificate' }, false],
    [{ ...ldap, extra: 1 }, false],
  ])('%j → %s', (payload, valid) => {
    expect(ldapSettingsRequestSchema.safeParse(payload).success).toBe(valid);
  });

  it('defaults the filter and attributes', () => {
    expect(ldapSettingsRequestSchema.parse(ldap)).toMatchObject({
      startTls: false,
      userFilter: '(|(uid={{username}})(mail={{username}}))',
      emailAttribute: 'mail',
      nameAttribute: 'cn',
      groupAttribute: 'memberOf',
    });
  });
});

describe('OIDC settings', () => {
  const oidc = {
    issuer: 'https://id.corp.example',
    clientId: 'tutti',
    claimRoles: [{ match: 'ops', role: 'monitor' }],
  };
  it.each([
    [oidc, true],
    [{ ...oidc, clientSecret: 's' }, true],
    [{ ...oidc, scopes: 'email profile' }, false],
    [{ ...oidc, issuer: 'not a url' }, false],
    [{ ...oidc, claimRoles: [] }, false],
  ])('%j → %s', (payload, valid) => {
    expect(oidcSettingsRequestSchema.safeParse(payload).success).toBe(valid);
  });
});

describe('sign-in with a user name', () => {
  it.each([
    [{ username: 'alice', password: 'x' }, true],
    [{ username: 'alice', password: 'x', organization: '100-2000' }, true],
    [{ email: 'a@b.test', username: 'alice', password: 'x' }, false],
    [{ password: 'x' }, false],
    [{ username: 'a*', password: 'x' }, false],
    [{ username: 'a b', password: 'x' }, false],
  ])('%j → %s', (payload, valid) => {
    expect(signInRequestSchema.safeParse(payload).success).toBe(valid);
  });
});

describe('SSO start', () => {
  it.each([
    [{}, true],
    [{ redirect: '/devices?status=down' }, true],
    [{ redirect: '//evil.example/' }, false],
    [{ redirect: 'https://evil.example/' }, false],
  ])('%j → %s', (query, valid) => {
    expect(ssoStartQuerySchema.safeParse(query).success).toBe(valid);
  });
});

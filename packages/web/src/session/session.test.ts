import type { SessionInfo } from '@tutti/protocol';
import { describe, expect, it } from 'vitest';
import { hasClientOrganizations, parseSignInSearch } from './session.ts';

function session(kind: SessionInfo['memberships'][number]['organizationKind']): SessionInfo {
  return {
    user: { id: 'u', email: 'sam@support.test', name: 'Sam', language: 'en' },
    currentOrganizationId: 'current',
    role: 'owner',
    permissions: [],
    memberships: [
      { organizationId: 'other', organizationName: 'Other', organizationKind: 'support', role: 'owner' },
      { organizationId: 'current', organizationName: 'Current', organizationKind: kind, role: 'owner' },
    ],
  };
}

describe('sign-in page search', () => {
  it('keeps a known error code, an account number and the redirect', () => {
    expect(parseSignInSearch({ error: 'SSO_FAILED', organization: 'A12345678', redirect: '/devices' })).toEqual({
      error: 'SSO_FAILED',
      organization: 'A12345678',
      redirect: '/devices',
    });
  });

  it('drops what the hub would never send: unknown codes and odd account numbers', () => {
    expect(parseSignInSearch({ error: '<script>', organization: 'a b/c' })).toEqual({});
    expect(parseSignInSearch({ error: 42 })).toEqual({});
  });
});

describe('organizations below the current one', () => {
  it('exist for support and platform organizations only, judged by the current one', () => {
    expect(hasClientOrganizations(session('support'))).toBe(true);
    expect(hasClientOrganizations(session('platform'))).toBe(true);
    expect(hasClientOrganizations(session('client'))).toBe(false);
    expect(hasClientOrganizations(session('enterprise'))).toBe(false);
  });
});

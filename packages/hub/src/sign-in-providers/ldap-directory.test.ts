import { describe, expect, it } from 'vitest';
import { escapeFilterValue, roleForGroups, userFilterFor } from './ldap-directory.ts';

describe('LDAP filters', () => {
  it.each([
    ['alice', 'alice'],
    ['*', '\\2a'],
    ['a)(uid=*', 'a\\29\\28uid=\\2a'],
    ['back\\slash', 'back\\5cslash'],
    ['nul\u0000', 'nul\\00'],
  ])('escapes %j as %j', (value, escaped) => {
    expect(escapeFilterValue(value)).toBe(escaped);
  });

  it('puts the escaped user name in every placeholder', () => {
    expect(userFilterFor('(|(uid={{username}})(mail={{username}}))', 'x*')).toBe('(|(uid=x\\2a)(mail=x\\2a))');
  });
});

describe('group → role mapping', () => {
  const mappings = [
    { match: 'Tutti-Admins', role: 'administrator' as const },
    { match: 'cn=techs, ou=groups, dc=corp', role: 'technician' as const },
  ];

  it.each([
    [['cn=tutti-admins,ou=groups,dc=corp'], 'administrator'],
    [['CN=Techs,OU=Groups,DC=corp'], 'technician'],
    [['cn=techs,ou=groups,dc=corp', 'cn=tutti-admins,ou=groups,dc=corp'], 'administrator'],
    [['cn=accounting,ou=groups,dc=corp'], null],
    [[], null],
  ])('%j → %s (first mapping wins)', (groups, role) => {
    expect(roleForGroups(groups, mappings)).toBe(role);
  });
});

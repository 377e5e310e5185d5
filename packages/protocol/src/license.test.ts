import { describe, expect, it } from 'vitest';
import { canonicalLicenseJson, signedLicenseSchema, type LicensePayload } from './license.ts';

const license: LicensePayload = {
  licenseId: 'LIC-1',
  customer: 'Acme',
  maxProAudioDevices: 10,
  features: ['sso', 'ldap'],
  issuedAt: '2026-01-01T00:00:00Z',
  expiresAt: '2027-01-01T00:00:00Z',
};

describe('license file', () => {
  it.each([
    [{ license, signature: 'abc_-1' }, true],
    [{ license, signature: 'not base64url!' }, false],
    [{ license: { ...license, maxProAudioDevices: -1 }, signature: 'a' }, false],
    [{ license: { ...license, expiresAt: 'tomorrow' }, signature: 'a' }, false],
    [{ license: { ...license, extra: true }, signature: 'a' }, false],
    [{ license }, false],
  ])('%j → %s', (payload, valid) => {
    expect(signedLicenseSchema.safeParse(payload).success).toBe(valid);
  });

  it('signs the same bytes whatever the key order or feature order', () => {
    const reordered = { ...license, features: ['ldap', 'sso'] };
    const shuffled = Object.fromEntries(Object.entries(reordered).reverse()) as LicensePayload;
    expect(canonicalLicenseJson(shuffled)).toBe(canonicalLicenseJson(license));
    expect(canonicalLicenseJson({ ...license, maxProAudioDevices: 11 })).not.toBe(canonicalLicenseJson(license));
  });
});

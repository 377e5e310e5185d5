import { describe, expect, it } from 'vitest';
import { estimatePasswordStrength, meetsPasswordPolicy } from './password-strength.ts';

describe('estimatePasswordStrength', () => {
  it('rates short or policy-breaking passwords weak and long varied ones strong', () => {
    expect(estimatePasswordStrength('')).toBe(0);
    expect(estimatePasswordStrength('abc')).toBeLessThanOrEqual(1);
    expect(estimatePasswordStrength('passwordpassword')).toBeLessThanOrEqual(1);
    expect(estimatePasswordStrength('Blue-Harbor-2026-Lamp!')).toBe(4);
  });

  it('follows the policy of protocol', () => {
    expect(meetsPasswordPolicy('abcdefg1!')).toBe(true);
    expect(meetsPasswordPolicy('abcdefgh1')).toBe(false);
  });
});

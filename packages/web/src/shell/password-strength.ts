import { PASSWORD_POLICY } from '@tutti/protocol';

export type PasswordStrength = 0 | 1 | 2 | 3 | 4;

/**
 * A quick client-side estimate for the meter while typing: length and variety of characters, minus obvious
 * repetition. The hub makes the real check (zxcvbn) and answers PASSWORD_TOO_WEAK.
 */
export function estimatePasswordStrength(password: string): PasswordStrength {
  if (password.length === 0) return 0;
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(password)).length;
  const distinct = new Set(password).size;
  let score = 0;
  if (password.length >= 8) score += 1;
  if (password.length >= 12) score += 1;
  if (password.length >= 16) score += 1;
  score += Math.max(0, classes - 1);
  if (distinct < password.length / 2) score -= 2;
  if (!PASSWORD_POLICY.test(password)) score = Math.min(score, 1);
  return Math.max(0, Math.min(4, Math.round(score * 0.8))) as PasswordStrength;
}

export function meetsPasswordPolicy(password: string): boolean {
  return PASSWORD_POLICY.test(password);
}

import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { appError, PASSWORD_POLICY } from '@tutti/protocol';

let factory: ZxcvbnFactory | null = null;

/** zxcvbn score 0–4; built lazily because the dictionaries take a moment to rank. */
export function passwordScore(password: string, userInputs: string[] = []): number {
  factory ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return factory.check(password, userInputs).score;
}

/** Lowest zxcvbn score accepted: 0 and 1 are guessable in minutes to hours offline. */
export const MIN_PASSWORD_SCORE = 2;

/** The policy (letter, digit, special, ≥ 8) plus a strength check; the person's own name and email count against it. */
export function assertStrongPassword(password: string, userInputs: string[] = []): void {
  if (!PASSWORD_POLICY.test(password)) throw appError('VALIDATION_FAILED', { field: 'password' });
  if (passwordScore(password, userInputs) < MIN_PASSWORD_SCORE) {
    throw appError('PASSWORD_TOO_WEAK', { field: 'password', minimumScore: MIN_PASSWORD_SCORE });
  }
}

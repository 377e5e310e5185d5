import { appError } from '@tutti/protocol';
import type { SecretBox } from '../secrets/index.ts';

/** How long an agent may use a file token; a reconnecting agent gets fresh ones with its jobs. */
export const JOB_TOKEN_TTL_MS = 15 * 60_000;
const PURPOSE = 'job-file-token';

export interface JobFileGrant {
  orgId: string;
  agentId: string;
  /** `firmware:<id>` */
  file: string;
  expiresAt: number;
}

/** A sealed, short-lived grant to fetch one file: nothing to store, and useless for any other file or after expiry. */
export function issueJobToken(secrets: SecretBox, grant: JobFileGrant): string {
  return secrets.seal(JSON.stringify(grant), PURPOSE);
}

export function openJobToken(secrets: SecretBox, token: string | undefined, file: string, now: number): JobFileGrant {
  if (!token) throw appError('JOB_TOKEN_INVALID');
  let grant: JobFileGrant;
  try {
    grant = JSON.parse(secrets.open(token, PURPOSE)) as JobFileGrant;
  } catch {
    throw appError('JOB_TOKEN_INVALID');
  }
  if (grant.file !== file || grant.expiresAt < now) throw appError('JOB_TOKEN_INVALID');
  return grant;
}

import type { IncomingHttpHeaders } from 'node:http';
import { appError, JOB_TOKEN_HEADER, sha256Schema, SHA256_HEADER, type JobKind } from '@tutti/protocol';
import type { HubContext } from '../hub-context.ts';
import { openJobToken } from './job-tokens.ts';
import { jobTargetForFiles } from './jobs.queries.ts';

/** The one value of a request header, or nothing when it is missing or repeated. */
export function headerOf(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Checks an agent's upload of one job target's file (a backup, a device log): a binary body, its SHA-256 header, and a
 * job token granted to the agent that holds this target of a job of `kind`. Returns what the feature stores.
 */
export async function openTargetUpload(
  context: HubContext,
  request: { body: unknown; headers: IncomingHttpHeaders },
  targetId: string,
  kind: JobKind,
) {
  if (!Buffer.isBuffer(request.body)) throw appError('UNSUPPORTED_MEDIA_TYPE');
  const sha256 = sha256Schema.safeParse(headerOf(request.headers[SHA256_HEADER]));
  if (!sha256.success) throw appError('VALIDATION_FAILED', { header: SHA256_HEADER });
  const target = await jobTargetForFiles(context.db, targetId);
  const grant = openJobToken(
    context.secrets,
    headerOf(request.headers[JOB_TOKEN_HEADER]),
    `job:${target?.jobId ?? 'none'}`,
    context.clock.now().getTime(),
  );
  if (!target || target.orgId !== grant.orgId || target.agentId !== grant.agentId || target.kind !== kind) {
    throw appError('JOB_TOKEN_INVALID');
  }
  return { target, sha256: sha256.data, content: request.body };
}

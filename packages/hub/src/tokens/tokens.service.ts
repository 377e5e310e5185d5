import {
  API_TOKEN_PREFIX,
  appError,
  canGrantRole,
  type ApiTokenDto,
  type CreatedApiToken,
  type createApiTokenRequestSchema,
} from '@tutti/protocol';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import { hashToken, newToken, type AuthContext, type ClientInfo } from '../auth/index.ts';
import type { Tx } from '../db/index.ts';
import { insertApiToken, listApiTokens, revokeApiToken, type ApiTokenRow } from './tokens.queries.ts';

function toApiTokenDto(row: ApiTokenRow): ApiTokenDto {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdBy: row.createdByLabel,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** Issues a token for the current organization with a role the caller could grant; the secret is shown once. */
export async function createApiToken(
  tx: Tx,
  auth: AuthContext,
  request: z.output<typeof createApiTokenRequestSchema>,
  client: ClientInfo,
): Promise<CreatedApiToken> {
  if (auth.via !== 'session') throw appError('SESSION_REQUIRED');
  if (!canGrantRole(auth.permissions, request.role)) throw appError('ROLE_NOT_GRANTABLE', { role: request.role });
  const expiresAt = request.expiresAt ? new Date(request.expiresAt) : null;
  if (expiresAt && expiresAt.getTime() <= Date.now()) {
    throw appError('VALIDATION_FAILED', {
      issues: [{ path: 'body.expiresAt', message: 'The expiry is in the past.' }],
    });
  }
  const token = `${API_TOKEN_PREFIX}${newToken()}`;
  const row = await insertApiToken(tx, {
    orgId: auth.orgId,
    name: request.name,
    tokenHash: hashToken(token),
    role: request.role,
    createdByUserId: auth.userId,
    createdByLabel: auth.email,
    expiresAt,
  });
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'token.create',
    target: `token:${row.id}`,
    after: { name: row.name, role: row.role, expiresAt: row.expiresAt },
    ip: client.ip,
  });
  return { token, apiToken: toApiTokenDto(row) };
}

export async function listTokens(tx: Tx, orgId: string): Promise<ApiTokenDto[]> {
  return (await listApiTokens(tx, orgId)).map(toApiTokenDto);
}

export async function revokeToken(tx: Tx, auth: AuthContext, id: string, client: ClientInfo): Promise<void> {
  const row = await revokeApiToken(tx, auth.orgId, id, new Date());
  if (!row) throw appError('API_TOKEN_NOT_FOUND', { id });
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'token.revoke',
    target: `token:${id}`,
    before: { name: row.name, role: row.role },
    ip: client.ip,
  });
}

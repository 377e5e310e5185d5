import {
  appError,
  type CreateServerRequest,
  type ServerDto,
  type ServerList,
  type serverListQuerySchema,
  type ServerPasswordRequest,
} from '@tutti/protocol';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import { assertStrongPassword, hashPassword, type AuthContext, type ClientInfo } from '../auth/index.ts';
import type { Tx } from '../db/index.ts';
import {
  findServer,
  insertServer,
  listServers as listServerRows,
  serverNameTaken,
  setServerDisabled,
  setServerPassword,
  type ServerRow,
} from './servers.queries.ts';

export function toServerDto(row: ServerRow): ServerDto {
  return {
    id: row.id,
    status: row.connected ? 'connected' : 'disconnected',
    enabled: row.disabledAt === null,
    name: row.name,
    organizationName: row.organizationName,
    devices: row.deviceCount,
    monitoringSystem: row.monitoring,
    version: row.version,
    enabledSubnets: { enabled: row.subnetsEnabled, total: row.subnetsTotal },
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listServers(
  tx: Tx,
  orgId: string,
  query: z.output<typeof serverListQuerySchema>,
): Promise<ServerList> {
  const result = await listServerRows(
    tx,
    { orgId, q: query.q, status: query.status, monitoringSystem: query.monitoringSystem },
    query.sort,
    query.page,
    query.limit,
  );
  return { items: result.items.map(toServerDto), total: result.total, page: query.page, limit: query.limit };
}

async function existing(tx: Tx, orgId: string, id: string): Promise<ServerRow> {
  const row = await findServer(tx, orgId, id);
  if (!row) throw appError('SERVER_NOT_FOUND', { id });
  return row;
}

export async function getServer(tx: Tx, orgId: string, id: string): Promise<ServerDto> {
  return toServerDto(await existing(tx, orgId, id));
}

/** Add Server: an agent account whose name is unique within the organization (case-insensitive). */
export async function createServer(
  tx: Tx,
  auth: AuthContext,
  request: CreateServerRequest,
  client: ClientInfo,
): Promise<ServerDto> {
  if (await serverNameTaken(tx, auth.orgId, request.name)) {
    throw appError('SERVER_NAME_TAKEN', { name: request.name });
  }
  assertStrongPassword(request.password, [request.name]);
  const { id } = await insertServer(tx, {
    orgId: auth.orgId,
    name: request.name,
    passwordHash: await hashPassword(request.password),
  });
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'agent.create',
    target: `agent:${id}`,
    after: { name: request.name },
    ip: client.ip,
  });
  return getServer(tx, auth.orgId, id);
}

export async function setServerPasswordOf(
  tx: Tx,
  auth: AuthContext,
  id: string,
  request: ServerPasswordRequest,
  client: ClientInfo,
): Promise<void> {
  const server = await existing(tx, auth.orgId, id);
  assertStrongPassword(request.password, [server.name]);
  await setServerPassword(tx, auth.orgId, id, await hashPassword(request.password));
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'agent.password_set',
    target: `agent:${id}`,
    ip: client.ip,
  });
}

/** A disabled agent can no longer authenticate; the route then closes its live link (close code 4005). */
export async function setServerEnabled(
  tx: Tx,
  auth: AuthContext,
  id: string,
  enabled: boolean,
  client: ClientInfo,
): Promise<ServerDto> {
  const before = await existing(tx, auth.orgId, id);
  await setServerDisabled(tx, auth.orgId, id, enabled ? null : (before.disabledAt ?? new Date()));
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: enabled ? 'agent.enable' : 'agent.disable',
    target: `agent:${id}`,
    before: { enabled: before.disabledAt === null },
    after: { enabled },
    ip: client.ip,
  });
  return getServer(tx, auth.orgId, id);
}

import { and, asc, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Queryable } from '../db/index.ts';
import { agents, organizations } from '../db/schema.ts';

const serverColumns = {
  id: agents.id,
  orgId: agents.orgId,
  name: agents.name,
  organizationName: organizations.name,
  connected: agents.connected,
  disabledAt: agents.disabledAt,
  deviceCount: agents.deviceCount,
  monitoring: agents.monitoring,
  version: agents.version,
  subnetsEnabled: agents.subnetsEnabled,
  subnetsTotal: agents.subnetsTotal,
  lastSeenAt: agents.lastSeenAt,
  createdAt: agents.createdAt,
};
export interface ServerFilter {
  orgId: string;
  q?: string | undefined;
  status?: 'connected' | 'disconnected' | undefined;
  monitoringSystem?: 'active' | 'issue' | 'off' | undefined;
}

function conditions(filter: ServerFilter): SQL {
  const list: SQL[] = [eq(agents.orgId, filter.orgId)];
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    list.push(or(ilike(agents.name, pattern), ilike(agents.version, pattern))!);
  }
  if (filter.status) list.push(eq(agents.connected, filter.status === 'connected'));
  if (filter.monitoringSystem) list.push(eq(agents.monitoring, filter.monitoringSystem));
  return and(...list)!;
}

function order(sort: string): SQL[] {
  const descending = sort.startsWith('-');
  const field = descending ? sort.slice(1) : sort;
  const columns: Record<string, AnyPgColumn> = {
    status: agents.connected,
    name: agents.name,
    devices: agents.deviceCount,
    monitoringSystem: agents.monitoring,
    version: agents.version,
  };
  const column = columns[field] ?? agents.name;
  return [descending ? desc(column) : asc(column), asc(agents.id)];
}

export async function listServers(db: Queryable, filter: ServerFilter, sort: string, page: number, limit: number) {
  const where = conditions(filter);
  const items = await db
    .select(serverColumns)
    .from(agents)
    .innerJoin(organizations, eq(organizations.id, agents.orgId))
    .where(where)
    .orderBy(...order(sort))
    .limit(limit)
    .offset((page - 1) * limit);
  const [row] = await db
    .select({ total: sql<number>`count(*)::int` })
    .from(agents)
    .where(where);
  return { items, total: row?.total ?? 0 };
}

export async function findServer(db: Queryable, orgId: string, id: string) {
  const [row] = await db
    .select(serverColumns)
    .from(agents)
    .innerJoin(organizations, eq(organizations.id, agents.orgId))
    .where(and(eq(agents.orgId, orgId), eq(agents.id, id)))
    .limit(1);
  return row ?? null;
}

export async function serverNameTaken(db: Queryable, orgId: string, name: string): Promise<boolean> {
  const [row] = await db
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.orgId, orgId), sql`lower(${agents.name}) = lower(${name})`))
    .limit(1);
  return row !== undefined;
}

export async function insertServer(db: Queryable, values: { orgId: string; name: string; passwordHash: string }) {
  const [row] = await db.insert(agents).values(values).returning({ id: agents.id });
  return row!;
}

export async function setServerPassword(db: Queryable, orgId: string, id: string, passwordHash: string) {
  await db
    .update(agents)
    .set({ passwordHash })
    .where(and(eq(agents.orgId, orgId), eq(agents.id, id)));
}

export async function setServerDisabled(db: Queryable, orgId: string, id: string, disabledAt: Date | null) {
  await db
    .update(agents)
    .set({ disabledAt })
    .where(and(eq(agents.orgId, orgId), eq(agents.id, id)));
}

export type ServerRow = NonNullable<Awaited<ReturnType<typeof findServer>>>;

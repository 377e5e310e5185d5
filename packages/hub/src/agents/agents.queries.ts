import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/index.ts';
import { agents, organizations } from '../db/schema.ts';

export async function findAgentCandidates(db: Queryable, name: string, accountNumber: string | undefined) {
  const conditions = [eq(agents.name, name)];
  if (accountNumber) conditions.push(eq(organizations.accountNumber, accountNumber));
  return db
    .select({
      id: agents.id,
      orgId: agents.orgId,
      name: agents.name,
      passwordHash: agents.passwordHash,
      disabledAt: agents.disabledAt,
      lastSeq: agents.lastSeq,
      organizationName: organizations.name,
    })
    .from(agents)
    .innerJoin(organizations, eq(organizations.id, agents.orgId))
    .where(and(...conditions))
    .limit(10);
}

/** Locks the agent's row for the ingesting transaction and returns its de-duplication watermark. */
export async function lockAgentWatermark(db: Queryable, agentId: string): Promise<number> {
  const result = await db.execute(sql`SELECT last_seq FROM agents WHERE id = ${agentId}::uuid FOR UPDATE`);
  return Number(rowsOf<{ last_seq: string | number }>(result)[0]?.last_seq ?? 0);
}

export async function setAgentWatermark(db: Queryable, agentId: string, lastSeq: number, now: Date) {
  await db.update(agents).set({ lastSeq, lastSeenAt: now }).where(eq(agents.id, agentId));
}

export async function setAgentConnection(db: Queryable, agentId: string, connected: boolean, version: string | null) {
  const now = new Date();
  await db
    .update(agents)
    .set(
      connected
        ? { connected, lastConnectedAt: now, lastSeenAt: now, ...(version ? { version } : {}) }
        : { connected, lastSeenAt: now },
    )
    .where(eq(agents.id, agentId));
}

export async function setAgentState(
  db: Queryable,
  agentId: string,
  state: {
    monitoring: 'active' | 'issue' | 'off';
    subnetsEnabled: number;
    subnetsTotal: number;
    version: string;
    deviceCount: number;
  },
) {
  await db.update(agents).set(state).where(eq(agents.id, agentId));
}

export async function insertAgent(db: Queryable, values: typeof agents.$inferInsert) {
  const [row] = await db.insert(agents).values(values).returning();
  return row!;
}

export async function findAgentByName(db: Queryable, orgId: string, name: string) {
  const [row] = await db
    .select()
    .from(agents)
    .where(and(eq(agents.orgId, orgId), eq(agents.name, name)))
    .limit(1);
  return row ?? null;
}

export async function updateAgentPassword(db: Queryable, agentId: string, passwordHash: string) {
  await db.update(agents).set({ passwordHash }).where(eq(agents.id, agentId));
}

/** The organization's servers (agents) as the dashboard lists them. */
export async function listAgentsOfOrg(db: Queryable, orgId: string) {
  return db
    .select({
      id: agents.id,
      name: agents.name,
      connected: agents.connected,
      monitoring: agents.monitoring,
      lastSeenAt: agents.lastSeenAt,
      version: agents.version,
    })
    .from(agents)
    .where(eq(agents.orgId, orgId))
    .orderBy(agents.name);
}

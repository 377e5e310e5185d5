import { and, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/index.ts';
import { agents, devices, jobs, jobTargets, organizations } from '../db/schema.ts';

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

/**
 * What a resent batch's events name, as they stand now: the agent's devices by serial and the organization's job
 * targets by id (grouped by job). The live feed and the job dispatcher republish them, since the node that committed
 * the first attempt may have died before it published.
 */
export async function findResentSubjects(
  db: Queryable,
  agent: { id: string; orgId: string },
  serials: string[],
  targetIds: string[],
): Promise<{ deviceIds: string[]; jobTargets: Map<string, string[]> }> {
  const deviceRows =
    serials.length === 0
      ? []
      : await db
          .select({ id: devices.id })
          .from(devices)
          .where(and(eq(devices.orgId, agent.orgId), eq(devices.agentId, agent.id), inArray(devices.serial, serials)));
  const targetRows =
    targetIds.length === 0
      ? []
      : await db
          .select({ id: jobTargets.id, jobId: jobTargets.jobId })
          .from(jobTargets)
          .innerJoin(jobs, eq(jobs.id, jobTargets.jobId))
          .where(and(eq(jobs.orgId, agent.orgId), inArray(jobTargets.id, targetIds)));
  const byJob = new Map<string, string[]>();
  for (const row of targetRows) byJob.set(row.jobId, [...(byJob.get(row.jobId) ?? []), row.id]);
  return { deviceIds: deviceRows.map((row) => row.id), jobTargets: byJob };
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

/**
 * A hub node vouches for the agents whose links it holds: their `last_seen_at` becomes now. Rows an ingesting
 * transaction holds are skipped (ingestion sets the time itself), so this never waits behind a batch.
 */
export async function touchLinkedAgents(db: Queryable, agentIds: string[]): Promise<void> {
  if (agentIds.length === 0) return;
  await db.execute(sql`
    UPDATE agents SET last_seen_at = now()
    WHERE id IN (
      SELECT id FROM agents
      WHERE id = ANY(${`{${agentIds.join(',')}}`}::uuid[]) AND connected
      FOR UPDATE SKIP LOCKED
    )`);
}

/** Agents still marked connected that no node has vouched for in `silentSeconds`: their node died. */
export async function disconnectSilentAgents(db: Queryable, silentSeconds: number): Promise<string[]> {
  const result = await db.execute(sql`
    UPDATE agents SET connected = false
    WHERE connected AND last_seen_at < now() - make_interval(secs => ${silentSeconds})
    RETURNING id`);
  return rowsOf<{ id: string }>(result).map((row) => row.id);
}

import { and, asc, desc, eq, gte, ilike, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import {
  AGENT_JOB_CONCURRENCY,
  type JobState,
  type TargetFailureCode,
  type TargetResult,
  type TargetState,
} from '@tutti/protocol';
import { rowsOf, type Queryable } from '../db/index.ts';
import { agents, devices, firmwarePackages, jobs, jobTargets, users } from '../db/schema.ts';

export type JobRow = typeof jobs.$inferSelect;
export type JobTargetRow = typeof jobTargets.$inferSelect;

export interface CountsRow {
  state: TargetState;
  count: number;
  progress: number;
}

export async function insertJob(db: Queryable, values: typeof jobs.$inferInsert): Promise<JobRow> {
  const [row] = await db.insert(jobs).values(values).returning();
  return row!;
}

export async function insertTargets(db: Queryable, values: (typeof jobTargets.$inferInsert)[]): Promise<void> {
  // Chunked: a statement takes at most 65,535 parameters.
  for (let start = 0; start < values.length; start += 1000) {
    await db.insert(jobTargets).values(values.slice(start, start + 1000));
  }
}

export async function findJob(db: Queryable, orgId: string, id: string): Promise<JobRow | undefined> {
  const [row] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.orgId, orgId), eq(jobs.id, id)));
  return row;
}

/** Locks the job row: dispatch, cancel, retry and outcomes of one job happen one after another. */
export async function lockJob(db: Queryable, id: string): Promise<JobRow | undefined> {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id)).for('update');
  return row;
}

export async function updateJob(db: Queryable, id: string, values: Partial<typeof jobs.$inferInsert>): Promise<void> {
  await db.update(jobs).set(values).where(eq(jobs.id, id));
}

const jobSortColumns = {
  operation: jobs.kind,
  state: jobs.state,
  createdBy: jobs.createdBy,
  createdAt: jobs.createdAt,
};

/** `sort` is a list column, `-` first for descending; ties fall back to newest first. */
function jobOrder(sort: string): SQL[] {
  const descending = sort.startsWith('-');
  const field = (descending ? sort.slice(1) : sort) as keyof typeof jobSortColumns;
  const column = jobSortColumns[field] ?? jobs.createdAt;
  return [descending ? desc(column) : asc(column), desc(jobs.createdAt), desc(jobs.id)];
}

export interface JobFilter {
  orgId: string;
  q?: string | undefined;
  state?: JobState | undefined;
  kind?: string | undefined;
  createdBy?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
}

/** The creator's email (as recorded on the job) or their current name contains the text. */
function createdByMatches(text: string): SQL {
  const pattern = containing(text);
  return or(
    ilike(jobs.createdBy, pattern),
    sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${jobs.createdByUserId} AND ${users.name} ILIKE ${pattern})`,
  )!;
}

const JOB_ID_PREFIX = /^[0-9a-f-]{4,36}$/i;

function jobConditions(filter: JobFilter): SQL {
  const conditions: SQL[] = [eq(jobs.orgId, filter.orgId)];
  if (filter.q) {
    // The list shows a translated operation label; the hub knows the kind, so "firmware update" finds firmware_update.
    const matches = [ilike(jobs.kind, containing(filter.q.replace(/\s+/g, '_'))), createdByMatches(filter.q)];
    if (JOB_ID_PREFIX.test(filter.q)) matches.push(sql`${jobs.id}::text LIKE ${`${filter.q.toLowerCase()}%`}`);
    conditions.push(or(...matches)!);
  }
  if (filter.state) conditions.push(eq(jobs.state, filter.state));
  if (filter.kind) conditions.push(eq(jobs.kind, filter.kind));
  if (filter.createdBy) conditions.push(createdByMatches(filter.createdBy));
  if (filter.from) conditions.push(gte(jobs.createdAt, new Date(filter.from)));
  if (filter.to) conditions.push(lte(jobs.createdAt, new Date(filter.to)));
  return and(...conditions)!;
}

export async function listJobRows(
  db: Queryable,
  filter: JobFilter,
  sort: string,
  page: number,
  limit: number,
): Promise<{ items: JobRow[]; total: number }> {
  const where = jobConditions(filter);
  const items = await db
    .select()
    .from(jobs)
    .where(where)
    .orderBy(...jobOrder(sort))
    .limit(limit)
    .offset((page - 1) * limit);
  const [row] = await db
    .select({ total: sql<number>`count(*)::int` })
    .from(jobs)
    .where(where);
  return { items, total: row?.total ?? 0 };
}

/** Targets per state, with the summed progress of running ones, for each job. */
export async function countTargets(db: Queryable, jobIds: readonly string[]): Promise<Map<string, CountsRow[]>> {
  const counts = new Map<string, CountsRow[]>();
  if (jobIds.length === 0) return counts;
  const rows = await db
    .select({
      jobId: jobTargets.jobId,
      state: jobTargets.state,
      count: sql<number>`count(*)::int`,
      progress: sql<number>`coalesce(sum(${jobTargets.progress}), 0)::int`,
    })
    .from(jobTargets)
    .where(inArray(jobTargets.jobId, [...jobIds]))
    .groupBy(jobTargets.jobId, jobTargets.state);
  for (const row of rows) {
    const list = counts.get(row.jobId) ?? [];
    list.push({ state: row.state, count: row.count, progress: row.progress });
    counts.set(row.jobId, list);
  }
  return counts;
}

export async function listTargets(db: Queryable, jobId: string): Promise<JobTargetRow[]> {
  return db
    .select()
    .from(jobTargets)
    .where(eq(jobTargets.jobId, jobId))
    .orderBy(asc(jobTargets.wave), asc(jobTargets.serial));
}

export async function targetsByIds(db: Queryable, ids: readonly string[]): Promise<JobTargetRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(jobTargets)
    .where(inArray(jobTargets.id, [...ids]));
}

/** Devices of the organization by id, with what a target needs to reach them. */
export async function devicesForTargets(db: Queryable, orgId: string, ids: readonly string[]) {
  return db
    .select({
      id: devices.id,
      agentId: devices.agentId,
      serial: devices.serial,
      name: devices.name,
      model: devices.model,
      firmware: devices.firmware,
      accessIp: devices.accessIp,
      port: devices.port,
      hostSerial: devices.hostSerial,
      lostAt: devices.lostAt,
    })
    .from(devices)
    .where(and(eq(devices.orgId, orgId), inArray(devices.id, [...ids])));
}

/** Targets handed to an agent that have not finished, in jobs still running: what to send again on reconnect. */
export async function dispatchedOpenTargets(db: Queryable, agentId: string) {
  return db
    .select({ target: jobTargets, job: jobs })
    .from(jobTargets)
    .innerJoin(jobs, eq(jobs.id, jobTargets.jobId))
    .where(
      and(
        eq(jobTargets.agentId, agentId),
        inArray(jobTargets.state, ['queued', 'running']),
        isNotNull(jobTargets.dispatchedAt),
        eq(jobs.state, 'running'),
      ),
    );
}

/** Running jobs with targets for this agent that were not handed to it yet: they wait for it to connect. */
export async function jobsAwaitingAgent(db: Queryable, agentId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ jobId: jobTargets.jobId })
    .from(jobTargets)
    .innerJoin(jobs, eq(jobs.id, jobTargets.jobId))
    .where(
      and(
        eq(jobTargets.agentId, agentId),
        eq(jobTargets.state, 'queued'),
        isNull(jobTargets.dispatchedAt),
        eq(jobs.state, 'running'),
      ),
    );
  return rows.map((row) => row.jobId);
}

/** Target rows with what the agent needs to reach each device. */
export async function targetDevices(db: Queryable, targetIds: readonly string[]) {
  if (targetIds.length === 0) return [];
  return db
    .select({
      targetId: jobTargets.id,
      attempt: jobTargets.attempt,
      agentId: jobTargets.agentId,
      serial: jobTargets.serial,
      model: jobTargets.model,
      accessIp: devices.accessIp,
      port: devices.port,
      plink: devices.plink,
      input: jobTargets.input,
    })
    .from(jobTargets)
    .innerJoin(devices, eq(devices.id, jobTargets.deviceId))
    .where(inArray(jobTargets.id, [...targetIds]));
}

export async function runningJobIds(db: Queryable): Promise<string[]> {
  const rows = await db.select({ id: jobs.id }).from(jobs).where(eq(jobs.state, 'running'));
  return rows.map((row) => row.id);
}

/** Undispatched queued targets of released waves whose agents are connected here, oldest wave first. */
/**
 * The next targets of a job to hand out, up to `limit`: taken in turns from each connected agent (so that a job over
 * ten sites keeps all ten busy rather than filling one), and never more per agent than it runs at once, counting the
 * targets of every job it already holds.
 */
export async function releasableTargets(
  db: Queryable,
  jobId: string,
  upToWave: number,
  agentIds: readonly string[],
  limit: number,
): Promise<{ id: string; agentId: string | null }[]> {
  if (agentIds.length === 0 || limit <= 0) return [];
  const agentList = sql.join(
    agentIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const result = await db.execute(sql`
    WITH held AS (
      SELECT agent_id, count(*)::int AS n FROM job_targets
      WHERE agent_id IN (${agentList}) AND state IN ('queued', 'running') AND dispatched_at IS NOT NULL
      GROUP BY agent_id
    ), waiting AS (
      SELECT id, agent_id, wave, serial,
        row_number() OVER (PARTITION BY agent_id ORDER BY wave, serial) AS turn
      FROM job_targets
      WHERE job_id = ${jobId}::uuid AND state = 'queued' AND dispatched_at IS NULL AND wave <= ${upToWave}
        AND agent_id IN (${agentList})
    )
    SELECT waiting.id, waiting.agent_id FROM waiting LEFT JOIN held USING (agent_id)
    WHERE waiting.turn <= ${AGENT_JOB_CONCURRENCY} - coalesce(held.n, 0)
    ORDER BY waiting.turn, waiting.wave, waiting.serial
    LIMIT ${limit}`);
  return rowsOf<{ id: string; agent_id: string }>(result).map((row) => ({ id: row.id, agentId: row.agent_id }));
}

export async function inFlightCount(db: Queryable, jobId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(jobTargets)
    .where(
      and(
        eq(jobTargets.jobId, jobId),
        inArray(jobTargets.state, ['queued', 'running']),
        isNotNull(jobTargets.dispatchedAt),
      ),
    );
  return row?.count ?? 0;
}

/** Open targets of a wave (queued or running); zero means the wave is done. */
export async function openTargetsInWave(db: Queryable, jobId: string, wave: number): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(jobTargets)
    .where(
      and(eq(jobTargets.jobId, jobId), eq(jobTargets.wave, wave), inArray(jobTargets.state, ['queued', 'running'])),
    );
  return row?.count ?? 0;
}

export async function highestWave(db: Queryable, jobId: string): Promise<number> {
  const [row] = await db
    .select({ wave: sql<number>`coalesce(max(${jobTargets.wave}), 1)::int` })
    .from(jobTargets)
    .where(eq(jobTargets.jobId, jobId));
  return row?.wave ?? 1;
}

export async function markDispatched(db: Queryable, ids: readonly string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(jobTargets)
    .set({ dispatchedAt: at, updatedAt: at })
    .where(inArray(jobTargets.id, [...ids]));
}

/** Ends every target of the job that was not handed to an agent yet. Returns their ids. */
export async function cancelUndispatched(
  db: Queryable,
  jobId: string,
  failureCode: TargetFailureCode,
  reason: string,
  at: Date,
): Promise<string[]> {
  const rows = await db
    .update(jobTargets)
    .set({ state: 'cancelled', failureCode, reason, finishedAt: at, updatedAt: at })
    .where(and(eq(jobTargets.jobId, jobId), eq(jobTargets.state, 'queued'), isNull(jobTargets.dispatchedAt)))
    .returning({ id: jobTargets.id });
  return rows.map((row) => row.id);
}

/** Puts failed targets back in the queue for another attempt. Returns their ids. */
export async function requeueFailed(db: Queryable, jobId: string, at: Date): Promise<string[]> {
  const rows = await db
    .update(jobTargets)
    .set({
      state: 'queued',
      attempt: sql`${jobTargets.attempt} + 1`,
      progress: 0,
      failureCode: null,
      reason: null,
      result: null,
      dispatchedAt: null,
      startedAt: null,
      finishedAt: null,
      updatedAt: at,
    })
    .where(and(eq(jobTargets.jobId, jobId), eq(jobTargets.state, 'failed')))
    .returning({ id: jobTargets.id });
  return rows.map((row) => row.id);
}

export interface TargetUpdate {
  state: TargetState;
  progress: number;
  failureCode: TargetFailureCode | null;
  reason: string | null;
  result: TargetResult | null;
  at: Date;
}

/**
 * Applies an agent's report to a target, but only to the attempt it is about and never to a finished target,
 * so a late or repeated report cannot undo an outcome. Returns the job id when the row changed.
 */
export async function applyTargetUpdate(
  db: Queryable,
  orgId: string,
  targetId: string,
  attempt: number,
  update: TargetUpdate,
): Promise<string | null> {
  const finished = update.state !== 'running';
  const rows = await db
    .update(jobTargets)
    .set({
      state: update.state,
      progress: update.progress,
      failureCode: update.failureCode,
      reason: update.reason,
      result: update.result,
      startedAt: sql`coalesce(${jobTargets.startedAt}, ${update.at.toISOString()}::timestamptz)`,
      ...(finished ? { finishedAt: update.at } : {}),
      updatedAt: update.at,
    })
    .where(
      and(
        eq(jobTargets.orgId, orgId),
        eq(jobTargets.id, targetId),
        eq(jobTargets.attempt, attempt),
        inArray(jobTargets.state, ['queued', 'running']),
      ),
    )
    .returning({ jobId: jobTargets.jobId });
  return rows[0]?.jobId ?? null;
}

export async function failedSerials(db: Queryable, jobId: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ serial: jobTargets.serial })
    .from(jobTargets)
    .where(and(eq(jobTargets.jobId, jobId), eq(jobTargets.state, 'failed')))
    .orderBy(asc(jobTargets.serial))
    .limit(limit);
  return rows.map((row) => row.serial);
}

export async function firmwareSummaries(db: Queryable, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: firmwarePackages.id, modelFamily: firmwarePackages.modelFamily, version: firmwarePackages.version })
    .from(firmwarePackages)
    .where(inArray(firmwarePackages.id, [...ids]));
}

export async function agentsOfJob(db: Queryable, jobId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ agentId: jobTargets.agentId })
    .from(jobTargets)
    .where(and(eq(jobTargets.jobId, jobId), isNotNull(jobTargets.agentId)));
  return rows.flatMap((row) => (row.agentId ? [row.agentId] : []));
}

/** The device's newest succeeded target of a job of this kind. */
export async function latestSucceededTarget(db: Queryable, orgId: string, deviceId: string, kind: string) {
  const [row] = await db
    .select({ jobId: jobTargets.jobId, result: jobTargets.result, finishedAt: jobTargets.finishedAt })
    .from(jobTargets)
    .innerJoin(jobs, eq(jobs.id, jobTargets.jobId))
    .where(
      and(
        eq(jobTargets.orgId, orgId),
        eq(jobTargets.deviceId, deviceId),
        eq(jobTargets.state, 'succeeded'),
        eq(jobs.kind, kind),
      ),
    )
    .orderBy(desc(jobTargets.finishedAt))
    .limit(1);
  return row;
}

/** FTP as the device itself last reported it through its agent (null when it never did); undefined: no such device. */
export async function reportedFtpOf(
  db: Queryable,
  orgId: string,
  deviceId: string,
): Promise<{ ftpEnabled: boolean | null } | undefined> {
  const [row] = await db
    .select({ ftpEnabled: devices.ftpEnabled })
    .from(devices)
    .where(and(eq(devices.orgId, orgId), eq(devices.id, deviceId)))
    .limit(1);
  return row;
}

/** What a file request of an agent needs to know about the target it names. */
export async function jobTargetForFiles(db: Queryable, targetId: string) {
  const [row] = await db
    .select({
      jobId: jobTargets.jobId,
      orgId: jobTargets.orgId,
      agentId: jobTargets.agentId,
      deviceId: jobTargets.deviceId,
      serial: jobTargets.serial,
      deviceName: jobTargets.deviceName,
      model: jobTargets.model,
      kind: jobs.kind,
    })
    .from(jobTargets)
    .innerJoin(jobs, eq(jobs.id, jobTargets.jobId))
    .where(eq(jobTargets.id, targetId));
  return row;
}

export async function jobRestoresBackup(db: Queryable, orgId: string, jobId: string, backupId: string) {
  const [row] = await db
    .select({ id: jobTargets.id })
    .from(jobTargets)
    .where(
      and(
        eq(jobTargets.orgId, orgId),
        eq(jobTargets.jobId, jobId),
        sql`${jobTargets.input}->>'backupId' = ${backupId}`,
      ),
    )
    .limit(1);
  return row !== undefined;
}

/** Gives targets of a job their own input, by device (the lines each voip_provision target writes). */
export async function setTargetInputs(db: Queryable, jobId: string, inputs: ReadonlyMap<string, unknown>) {
  if (inputs.size === 0) return;
  const rows = [...inputs].map(([deviceId, input]) => ({ device_id: deviceId, input }));
  await db.execute(sql`
    UPDATE job_targets AS t SET input = r.input
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(device_id uuid, input jsonb)
    WHERE t.job_id = ${jobId}::uuid AND t.device_id = r.device_id`);
}

/** Whether the job is a config_load of this library file (the one file its token may fetch). */
export async function jobLoadsConfiguration(db: Queryable, orgId: string, jobId: string, configurationId: string) {
  const [row] = await db
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      and(
        eq(jobs.orgId, orgId),
        eq(jobs.id, jobId),
        eq(jobs.kind, 'config_load'),
        sql`${jobs.operation}->>'configurationId' = ${configurationId}`,
      ),
    );
  return row !== undefined;
}

/**
 * Open targets of unfinished jobs whose agent is disconnected and was last heard from before `silentSince` (or
 * never): work that no agent will report on. At most `limit` rows, oldest silence first.
 */
export async function openTargetsOfSilentAgents(db: Queryable, silentSince: Date, limit: number) {
  return db
    .select({
      id: jobTargets.id,
      jobId: jobTargets.jobId,
      orgId: jobTargets.orgId,
      agentId: agents.id,
      agentName: agents.name,
      lastSeenAt: agents.lastSeenAt,
      dispatched: sql<boolean>`${jobTargets.dispatchedAt} is not null`,
      state: jobTargets.state,
    })
    .from(jobTargets)
    .innerJoin(jobs, eq(jobs.id, jobTargets.jobId))
    .innerJoin(agents, eq(agents.id, jobTargets.agentId))
    .where(
      and(
        isNull(jobs.finishedAt),
        inArray(jobTargets.state, ['queued', 'running']),
        eq(agents.connected, false),
        or(isNull(agents.lastSeenAt), lt(agents.lastSeenAt, silentSince)),
      ),
    )
    .orderBy(asc(agents.lastSeenAt))
    .limit(limit);
}

/** Fails these targets if they are still open (an outcome that arrived meanwhile stands). Returns the ids changed. */
export async function failOpenTargets(
  db: Queryable,
  ids: readonly string[],
  failureCode: TargetFailureCode,
  reason: string,
  at: Date,
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .update(jobTargets)
    .set({ state: 'failed', failureCode, reason, finishedAt: at, updatedAt: at })
    .where(and(inArray(jobTargets.id, [...ids]), inArray(jobTargets.state, ['queued', 'running'])))
    .returning({ id: jobTargets.id });
  return rows.map((row) => row.id);
}

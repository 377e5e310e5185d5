import { appError, type AgentEvent } from '@tutti/protocol';
import { recordAudit } from '../audit/index.ts';
import { hashPassword, meetsPasswordPolicy, verifyPassword } from '../auth/index.ts';
import type { Db, Queryable } from '../db/index.ts';
import { applyAgentEvents } from '../devices/index.ts';
import { applyJobTargetEvents } from '../jobs/index.ts';
import {
  findAgentByName,
  findAgentCandidates,
  findResentSubjects,
  insertAgent,
  listAgentsOfOrg,
  lockAgentWatermark,
  setAgentState,
  setAgentWatermark,
  updateAgentPassword,
} from './agents.queries.ts';

export interface AuthenticatedAgent {
  id: string;
  orgId: string;
  name: string;
  organizationName: string;
  lastSeq: number;
}

/** Checks an agent's name and password; names are unique per org, so same-named agents of other orgs are tried too. */
export async function authenticateAgent(
  db: Db,
  name: string,
  password: string,
  accountNumber: string | undefined,
): Promise<AuthenticatedAgent> {
  for (const candidate of await findAgentCandidates(db, name, accountNumber)) {
    if (candidate.disabledAt) continue;
    if (await verifyPassword(candidate.passwordHash, password)) {
      return {
        id: candidate.id,
        orgId: candidate.orgId,
        name: candidate.name,
        organizationName: candidate.organizationName,
        lastSeq: candidate.lastSeq,
      };
    }
  }
  throw appError('AGENT_AUTH_FAILED');
}

export interface IngestResult {
  /** Highest seq now committed for the agent: what to acknowledge. */
  lastSeq: number;
  /** Devices whose current state changed (or that a resent event names), for the live feed. */
  changedDeviceIds: string[];
  /** Events skipped because they were already stored (a resend after a lost ack). */
  duplicates: number;
  /** Job targets whose state changed (or that a resent event names), by job id, for the dispatcher and the feed. */
  jobTargets: Map<string, string[]>;
}

/** The devices and job targets a batch of already-stored events names, to publish their current state again. */
async function resentSubjects(db: Queryable, agent: AuthenticatedAgent, events: AgentEvent[]) {
  if (events.length === 0) return { deviceIds: [], jobTargets: new Map<string, string[]>() };
  const serials = new Set<string>();
  const targetIds = new Set<string>();
  for (const event of events) {
    if (event.kind === 'job.target') targetIds.add(event.targetId);
    else if (event.kind === 'device.seen') serials.add(event.device.serial);
    else if (event.kind !== 'agent.state') serials.add(event.serial);
  }
  return findResentSubjects(db, agent, [...serials], [...targetIds]);
}

/**
 * Stores one batch of an agent's events in a single transaction: events at or below the agent's watermark are
 * duplicates and skipped; the rest are applied in order and the watermark moves to the last seq. The caller
 * acknowledges only after this resolves, i.e. after commit.
 */
export async function ingestAgentEvents(
  db: Db,
  agent: AuthenticatedAgent,
  events: AgentEvent[],
): Promise<IngestResult> {
  for (let index = 1; index < events.length; index += 1) {
    if (events[index]!.seq <= events[index - 1]!.seq) {
      throw appError('AGENT_PROTOCOL_ERROR', { reason: 'events must be in increasing seq order' });
    }
  }
  return db.transaction(async (tx) => {
    const watermark = await lockAgentWatermark(tx, agent.id);
    const fresh = events.filter((event) => event.seq > watermark);
    const resent = await resentSubjects(
      tx,
      agent,
      events.filter((event) => event.seq <= watermark),
    );
    if (fresh.length === 0) {
      return {
        lastSeq: watermark,
        changedDeviceIds: resent.deviceIds,
        duplicates: events.length,
        jobTargets: resent.jobTargets,
      };
    }
    const deviceEvents = fresh.filter((event) => event.kind !== 'job.target');
    const jobEvents = fresh.filter((event) => event.kind === 'job.target');
    const changedDeviceIds =
      deviceEvents.length > 0 ? await applyAgentEvents(tx, agent.orgId, agent.id, deviceEvents) : [];
    const { changed: jobTargets } = await applyJobTargetEvents(tx, agent.orgId, jobEvents);
    const latestState = fresh.findLast((event) => event.kind === 'agent.state');
    if (latestState?.kind === 'agent.state') {
      const { monitoring, subnetsEnabled, subnetsTotal, version, deviceCount } = latestState;
      await setAgentState(tx, agent.id, { monitoring, subnetsEnabled, subnetsTotal, version, deviceCount });
    }
    const lastSeq = fresh[fresh.length - 1]!.seq;
    await setAgentWatermark(tx, agent.id, lastSeq, new Date());
    for (const [jobId, targetIds] of resent.jobTargets) {
      jobTargets.set(jobId, [...new Set([...(jobTargets.get(jobId) ?? []), ...targetIds])]);
    }
    return {
      lastSeq,
      changedDeviceIds: [...new Set([...changedDeviceIds, ...resent.deviceIds])],
      duplicates: events.length - fresh.length,
      jobTargets,
    };
  });
}

/** Creates an agent server account, or sets a new password on an existing one (used by the demo and admin CLI). */
export async function ensureAgentAccount(
  db: Db,
  orgId: string,
  name: string,
  password: string,
  actorLabel: string,
): Promise<{ id: string }> {
  if (!meetsPasswordPolicy(password)) {
    throw appError('VALIDATION_FAILED', { field: 'password' }, 'The agent password does not meet the password policy.');
  }
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const existing = await findAgentByName(tx, orgId, name);
    if (existing) {
      await updateAgentPassword(tx, existing.id, passwordHash);
      await recordAudit(tx, {
        orgId,
        actorUserId: null,
        actorLabel,
        action: 'agent.password_set',
        target: `agent:${existing.id}`,
      });
      return { id: existing.id };
    }
    const created = await insertAgent(tx, { orgId, name, passwordHash });
    await recordAudit(tx, {
      orgId,
      actorUserId: null,
      actorLabel,
      action: 'agent.create',
      target: `agent:${created.id}`,
      after: { name },
    });
    return { id: created.id };
  });
}

export interface ServerSummary {
  id: string;
  name: string;
  connected: boolean;
  monitoring: 'active' | 'issue' | 'off';
  lastSeenAt: string | null;
  version: string | null;
}

/** The organization's servers (agents) with their link and monitoring state. */
export async function listServerSummaries(db: Queryable, orgId: string): Promise<ServerSummary[]> {
  const rows = await listAgentsOfOrg(db, orgId);
  return rows.map((row) => ({ ...row, lastSeenAt: row.lastSeenAt?.toISOString() ?? null }));
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { JobDetail } from '@tutti/protocol';
import { ingestAgentEvents } from '../agents/index.ts';
import type { AuthenticatedAgent } from '../agents/agents.service.ts';
import { createManualClock } from '../clock/index.ts';
import { rowsOf } from '../db/index.ts';
import { makeDevices, makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

const SILENCE_MINUTES = 20;
const clock = createManualClock(new Date('2026-12-01T09:00:00Z'));
let hub: TestHub;
let agent: AuthenticatedAgent;
let cookies: Record<string, string>;
let deviceIds: string[];

beforeAll(async () => {
  hub = await startTestHub({ clock, config: { jobAgentSilenceMinutes: SILENCE_MINUTES } });
  const db = hub.database.db;
  const org = await makeOrg(db);
  const user = await makeUser(db, org.id, { role: 'administrator' });
  cookies = await signInCookies(hub.app, user.email, user.password);
  agent = (await makeDevices(db, org.id, 3)).agent;
  const list = await hub.app.inject({ method: 'GET', url: '/api/v1/devices?limit=10', cookies });
  deviceIds = list.json<{ items: { id: string }[] }>().items.map((device) => device.id);
});
afterAll(async () => hub?.close());

const getJob = async (id: string) =>
  (await hub.app.inject({ method: 'GET', url: `/api/v1/jobs/${id}`, cookies })).json<JobDetail>();

async function setAgent(connected: boolean, lastSeenAt: Date) {
  await hub.database.db.execute(
    sql`UPDATE agents SET connected = ${connected}, last_seen_at = ${lastSeenAt.toISOString()}::timestamptz WHERE id = ${agent.id}`,
  );
}

let seq = 1_000;
async function reportRunning(job: JobDetail, index: number) {
  const target = job.targets[index]!;
  seq += 1;
  const result = await ingestAgentEvents(hub.database.db, agent, [
    {
      seq,
      at: clock.now().toISOString(),
      kind: 'job.target',
      jobId: job.id,
      targetId: target.id,
      attempt: target.attempt,
      serial: target.serial,
      state: 'running',
      progress: 40,
    },
  ]);
  await hub.context.jobs.targetsChanged(agent.orgId, result.jobTargets);
}

describe('targets held by an agent that never comes back', () => {
  it('fail as agent_unreachable once the agent has been silent and away for the configured time, and only then', async () => {
    const created = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      cookies,
      payload: { operation: { kind: 'reboot' }, deviceIds },
    });
    expect(created.statusCode).toBe(201);
    const job = created.json<JobDetail>();
    // One target reached the agent and is running there; the others wait.
    await hub.database.db.execute(sql`UPDATE job_targets SET dispatched_at = now() WHERE id = ${job.targets[0]!.id}`);
    await reportRunning(job, 0);
    await setAgent(false, clock.now());

    // Silent, but not yet for the configured time.
    clock.advance((SILENCE_MINUTES - 5) * 60_000);
    await hub.context.scheduler.runDue();
    expect((await getJob(job.id)).counts).toMatchObject({ running: 1, queued: 2, failed: 0 });

    // Connected (its node still vouches for it) counts as alive, however old its last report.
    await setAgent(true, new Date(clock.now().getTime() - 60 * 60_000));
    clock.advance(10 * 60_000);
    await hub.context.scheduler.runDue();
    expect((await getJob(job.id)).counts.failed).toBe(0);

    // Gone for longer than the limit: every open target fails with the agent named, and the job finishes.
    await setAgent(false, new Date(clock.now().getTime() - (SILENCE_MINUTES + 1) * 60_000));
    clock.advance(60_000);
    await hub.context.scheduler.runDue();
    const after = await getJob(job.id);
    expect(after.counts).toMatchObject({ total: 3, failed: 3, running: 0, queued: 0 });
    expect(after.state).toBe('completed');
    expect(after.finishedAt).not.toBeNull();
    for (const target of after.targets) {
      expect(target.failureCode).toBe('agent_unreachable');
      expect(target.reason).toContain(`Agent ${agent.name} has not reported for ${SILENCE_MINUTES} min`);
    }
    const running = after.targets.find((target) => target.id === job.targets[0]!.id)!;
    expect(running.reason).toContain('may or may not have been made');
    expect(after.targets.filter((target) => target.reason?.includes('never handed to it'))).toHaveLength(2);

    const audit = rowsOf<{ action: string; after: { targets: number } }>(
      await hub.database.db.execute(
        sql`SELECT action, after FROM audit_log WHERE target = ${`job:${job.id}`} ORDER BY id`,
      ),
    );
    expect(audit.map((row) => row.action)).toEqual(['job.create', 'job.targets_abandoned', 'job.finish']);
    expect(audit[1]!.after.targets).toBe(3);

    // The agent comes back late with news of the old run: the failed target keeps its outcome.
    await reportRunning(job, 0);
    expect((await getJob(job.id)).targets.find((target) => target.id === job.targets[0]!.id)?.state).toBe('failed');
  });
});

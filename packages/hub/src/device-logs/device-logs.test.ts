import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEVICE_LOG_FILES_PATH,
  hubMessageSchema,
  JOB_TOKEN_HEADER,
  SHA256_HEADER,
  type AgentJob,
  type JobDetail,
  type JobTargetEventBody,
} from '@tutti/protocol';
import type { WebSocket } from 'ws';
import { ingestAgentEvents } from '../agents/index.ts';
import type { AuthenticatedAgent } from '../agents/agents.service.ts';
import { rowsOf } from '../db/index.ts';
import { makeDevices, makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';
import { pruneDeviceLogs } from './device-logs.service.ts';

const NEW_PASSWORD = 'Fresh-Login-2026!';
let hub: TestHub;
let agent: AuthenticatedAgent;
let deviceIds: string[];
let seq = 500;
let admin: Record<string, string>;
let monitor: Record<string, string>;
let stranger: Record<string, string>;
/** What the hub sent to the (fake) connected agent. */
const sentJobs: AgentJob[] = [];

beforeAll(async () => {
  hub = await startTestHub();
  const db = hub.database.db;
  const org = await makeOrg(db);
  const adminUser = await makeUser(db, org.id, { role: 'administrator' });
  admin = await signInCookies(hub.app, adminUser.email, adminUser.password);
  const monitorUser = await makeUser(db, org.id, { role: 'monitor' });
  monitor = await signInCookies(hub.app, monitorUser.email, monitorUser.password);
  const other = await makeOrg(db);
  const strangerUser = await makeUser(db, other.id);
  stranger = await signInCookies(hub.app, strangerUser.email, strangerUser.password);
  const made = await makeDevices(db, org.id, 3);
  agent = made.agent;
  const list = await hub.app.inject({ method: 'GET', url: '/api/v1/devices?limit=10', cookies: admin });
  deviceIds = list.json<{ items: { id: string }[] }>().items.map((device) => device.id);
  // The agent "is connected": the dispatcher releases targets to it and what it sends is kept here.
  const socket = {
    OPEN: 1,
    readyState: 1,
    send(text: string) {
      const message = hubMessageSchema.parse(JSON.parse(text));
      if (message.type === 'command' && message.command.name === 'job.run') sentJobs.push(message.command.job);
    },
  };
  hub.context.agentLinks.sockets.set(agent.id, socket as unknown as WebSocket);
}, 120_000);
afterAll(async () => {
  hub?.context.agentLinks.sockets.delete(agent.id);
  await hub?.close();
});

const createJob = (cookies: Record<string, string>, payload: Record<string, unknown>) =>
  hub.app.inject({ method: 'POST', url: '/api/v1/jobs', cookies, payload });

async function report(job: JobDetail, serial: string, body: Partial<JobTargetEventBody>) {
  const target = job.targets.find((candidate) => candidate.serial === serial)!;
  seq += 1;
  const result = await ingestAgentEvents(hub.database.db, agent, [
    {
      seq,
      at: new Date().toISOString(),
      kind: 'job.target',
      jobId: job.id,
      targetId: target.id,
      attempt: target.attempt,
      serial,
      state: 'running',
      progress: 0,
      ...body,
    },
  ]);
  await hub.context.jobs.targetsChanged(agent.orgId, result.jobTargets);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function upload(targetId: string, token: string, content: Buffer, checksum = sha256(content)) {
  return hub.app.inject({
    method: 'PUT',
    url: `${DEVICE_LOG_FILES_PATH}/${targetId}/1`,
    headers: { [JOB_TOKEN_HEADER]: token, [SHA256_HEADER]: checksum, 'content-type': 'application/octet-stream' },
    payload: content,
  });
}

describe('change of device credentials', () => {
  it('needs a password, and only with a change of credentials', async () => {
    const noPassword = await createJob(admin, {
      operation: { kind: 'change_credentials', username: 'clearone' },
      deviceIds: deviceIds.slice(0, 1),
    });
    expect(noPassword.json().error.code).toBe('VALIDATION_FAILED');
    const stray = await createJob(admin, {
      operation: { kind: 'reboot' },
      deviceIds: deviceIds.slice(0, 1),
      password: NEW_PASSWORD,
    });
    expect(stray.json().error.code).toBe('VALIDATION_FAILED');
    const denied = await createJob(monitor, {
      operation: { kind: 'change_credentials', username: 'clearone' },
      deviceIds: deviceIds.slice(0, 1),
      password: NEW_PASSWORD,
    });
    expect(denied.json().error.code).toBe('FORBIDDEN');
  });

  it('hands the password to the agent but never stores, audits or returns it in clear', async () => {
    const response = await createJob(admin, {
      operation: { kind: 'change_credentials', username: 'tech' },
      deviceIds: deviceIds.slice(0, 2),
      password: NEW_PASSWORD,
    });
    expect(response.statusCode).toBe(201);
    expect(response.body).not.toContain(NEW_PASSWORD);
    const job = response.json<JobDetail>();
    const sent = sentJobs.find((candidate) => candidate.jobId === job.id);
    expect(sent?.newPassword).toBe(NEW_PASSWORD);
    expect(sent?.operation).toEqual({ kind: 'change_credentials', username: 'tech' });

    const stored = rowsOf<{ text: string }>(
      await hub.database.db.execute(sql`
        SELECT row_to_json(jobs)::text AS text FROM jobs WHERE id = ${job.id}
        UNION ALL SELECT row_to_json(job_targets)::text FROM job_targets WHERE job_id = ${job.id}
        UNION ALL SELECT row_to_json(audit_log)::text FROM audit_log WHERE target = ${`job:${job.id}`}`),
    );
    expect(stored.length).toBeGreaterThanOrEqual(4);
    for (const row of stored) expect(row.text).not.toContain(NEW_PASSWORD);
    expect(stored.some((row) => row.text.includes('sealedPassword'))).toBe(true);
    const read = await hub.app.inject({ method: 'GET', url: `/api/v1/jobs/${job.id}`, cookies: admin });
    expect(read.body).not.toContain(NEW_PASSWORD);
  });
});

describe('FTP', () => {
  it('shows what the newest succeeded FTP job set', async () => {
    const url = `/api/v1/devices/${deviceIds[2]}/ftp`;
    expect((await hub.app.inject({ method: 'GET', url, cookies: admin })).json()).toEqual({
      enabled: null,
      setAt: null,
      jobId: null,
      reported: null,
    });
    const job = (
      await createJob(admin, { operation: { kind: 'ftp', on: true }, deviceIds: [deviceIds[2]] })
    ).json<JobDetail>();
    await report(job, job.targets[0]!.serial, { state: 'succeeded', progress: 100, result: { ftpEnabled: true } });
    expect((await hub.app.inject({ method: 'GET', url, cookies: admin })).json()).toMatchObject({
      enabled: true,
      jobId: job.id,
    });
    // Another organization's device does not exist for a stranger.
    const hidden = await hub.app.inject({ method: 'GET', url, cookies: stranger });
    expect([hidden.statusCode, hidden.json().error.code]).toEqual([404, 'DEVICE_NOT_FOUND']);
  });
});

describe('device logs', () => {
  it('stores uploads with their checksum, lists, downloads and zips them per job', async () => {
    const job = (
      await createJob(admin, { operation: { kind: 'collect_logs' }, deviceIds: deviceIds.slice(0, 2) })
    ).json<JobDetail>();
    const sent = sentJobs.find((candidate) => candidate.jobId === job.id)!;
    expect(sent.fileToken).toBeTruthy();
    const [first, second] = job.targets;
    const logOf = (serial: string) => Buffer.from(`2026-12-01T05:00:00.000Z LOGIN clearone signed in (${serial})\n`);

    const mismatch = await upload(first!.id, sent.fileToken!, logOf(first!.serial), 'b'.repeat(64));
    expect(mismatch.json().error.code).toBe('VALIDATION_FAILED');
    expect((await upload(first!.id, 'forged', logOf(first!.serial))).json().error.code).toBe('JOB_TOKEN_INVALID');

    const stored = await upload(first!.id, sent.fileToken!, logOf(first!.serial));
    expect(stored.statusCode).toBe(200);
    const { logId } = stored.json<{ logId: string }>();
    // The same attempt uploaded again (its answer was lost) stores nothing new.
    expect((await upload(first!.id, sent.fileToken!, logOf(first!.serial))).json().logId).toBe(logId);
    await upload(second!.id, sent.fileToken!, logOf(second!.serial));

    const list = await hub.app.inject({ method: 'GET', url: `/api/v1/device-logs?jobId=${job.id}`, cookies: admin });
    expect(list.json<{ items: unknown[] }>().items).toHaveLength(2);
    const hidden = await hub.app.inject({
      method: 'GET',
      url: `/api/v1/device-logs?jobId=${job.id}`,
      cookies: stranger,
    });
    expect(hidden.json<{ items: unknown[] }>().items).toHaveLength(0);

    const one = await hub.app.inject({ method: 'GET', url: `/api/v1/device-logs/${logId}/download`, cookies: admin });
    expect(one.body).toBe(logOf(first!.serial).toString());
    expect(one.headers['content-disposition']).toContain(first!.serial);

    const zip = await hub.app.inject({ method: 'GET', url: `/api/v1/jobs/${job.id}/logs.zip`, cookies: admin });
    expect(zip.headers['content-type']).toBe('application/zip');
    const files = unzipSync(new Uint8Array(zip.rawPayload));
    const names = Object.keys(files).sort();
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(new RegExp(`^${first!.serial}-.*\\.log$`));
    expect(Buffer.from(files[names[1]!]!).toString()).toBe(logOf(second!.serial).toString());

    // A damaged copy is never handed out.
    await hub.database.db.execute(sql`UPDATE device_logs SET content = 'x'::bytea WHERE id = ${logId}`);
    const corrupt = await hub.app.inject({
      method: 'GET',
      url: `/api/v1/device-logs/${logId}/download`,
      cookies: admin,
    });
    expect(corrupt.json().error.code).toBe('DEVICE_LOG_CORRUPT');

    // Kept 90 days: the daily sweep deletes the older one and keeps the other.
    await hub.database.db.execute(
      sql`UPDATE device_logs SET created_at = now() - interval '91 days' WHERE id = ${logId}`,
    );
    expect(await pruneDeviceLogs(hub.database.db, new Date())).toBe(1);
    const kept = await hub.app.inject({ method: 'GET', url: `/api/v1/device-logs?jobId=${job.id}`, cookies: admin });
    expect(kept.json<{ items: { id: string }[] }>().items.map((item) => item.id)).not.toContain(logId);
    expect(kept.json<{ items: unknown[] }>().items).toHaveLength(1);
  });

  it('refuses a log upload for a job of another kind', async () => {
    const job = (
      await createJob(admin, { operation: { kind: 'locate', on: true }, deviceIds: deviceIds.slice(0, 1) })
    ).json<JobDetail>();
    const sent = sentJobs.find((candidate) => candidate.jobId === job.id);
    expect(sent?.fileToken).toBeUndefined();
    const other = (
      await createJob(admin, { operation: { kind: 'collect_logs' }, deviceIds: deviceIds.slice(0, 1) })
    ).json<JobDetail>();
    const token = sentJobs.find((candidate) => candidate.jobId === other.id)!.fileToken!;
    const refused = await upload(job.targets[0]!.id, token, Buffer.from('x\n'));
    expect(refused.json().error.code).toBe('JOB_TOKEN_INVALID');
  });
});

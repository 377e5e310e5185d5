import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { AGENT_JOB_CONCURRENCY, buildFirmwarePackage, type JobDetail, type JobTargetEventBody } from '@tutti/protocol';
import { ingestAgentEvents } from '../agents/index.ts';
import type { AuthenticatedAgent } from '../agents/agents.service.ts';
import { rowsOf } from '../db/index.ts';
import { makeDevices, makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';
import { releasableTargets } from './jobs.queries.ts';

let hub: TestHub;
let agent: AuthenticatedAgent;
let deviceIds: string[];
let seq = 100;
const cookies: Record<'admin' | 'technician' | 'monitor' | 'stranger', Record<string, string>> = {
  admin: {},
  technician: {},
  monitor: {},
  stranger: {},
};
let technicianEmail = '';

beforeAll(async () => {
  hub = await startTestHub();
  const db = hub.database.db;
  const org = await makeOrg(db);
  for (const role of ['administrator', 'technician', 'monitor'] as const) {
    const user = await makeUser(db, org.id, { role });
    cookies[role === 'administrator' ? 'admin' : role] = await signInCookies(hub.app, user.email, user.password);
    if (role === 'technician') technicianEmail = user.email;
  }
  const other = await makeOrg(db);
  const stranger = await makeUser(db, other.id);
  cookies.stranger = await signInCookies(hub.app, stranger.email, stranger.password);
  const made = await makeDevices(db, org.id, 4);
  agent = made.agent;
  seq = 100;
  const list = await hub.app.inject({ method: 'GET', url: '/api/v1/devices?limit=10', cookies: cookies.admin });
  deviceIds = list.json<{ items: { id: string }[] }>().items.map((device) => device.id);
});
afterAll(async () => hub?.close());

const as = (who: keyof typeof cookies) => ({
  create: (payload: Record<string, unknown>) =>
    hub.app.inject({ method: 'POST', url: '/api/v1/jobs', cookies: cookies[who], payload }),
  get: (id: string) => hub.app.inject({ method: 'GET', url: `/api/v1/jobs/${id}`, cookies: cookies[who] }),
  post: (url: string) => hub.app.inject({ method: 'POST', url, cookies: cookies[who], payload: {} }),
});

/** Reports target outcomes as the agent would, through ingestion, then lets the dispatcher look at the job. */
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
  return (await as('admin').get(job.id)).json<JobDetail>();
}

describe('jobs', () => {
  it('requires the permission of each operation', async () => {
    const locate = { operation: { kind: 'locate', on: true }, deviceIds: deviceIds.slice(0, 1) };
    expect((await as('monitor').create(locate)).json().error.code).toBe('FORBIDDEN');
    expect((await as('technician').create(locate)).statusCode).toBe(201);
    const upload = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/firmware',
      cookies: cookies.technician,
      payload: {
        modelFamily: 'converge_pro_2',
        version: '1.0',
        fileName: 'x',
        sha256: 'a'.repeat(64),
        contentBase64: 'eA==',
      },
    });
    expect(upload.json().error.code).toBe('FORBIDDEN');
    expect((await as('stranger').create(locate)).json().error.code).toBe('DEVICE_NOT_FOUND');
  });

  it('counts progress, cancels what has not started, finishes and audits the outcome', async () => {
    const created = (
      await as('admin').create({
        operation: { kind: 'reboot' },
        deviceIds: deviceIds.slice(0, 3),
      })
    ).json<JobDetail>();
    expect(created.counts).toMatchObject({ total: 3, queued: 3 });
    expect((await as('stranger').get(created.id)).json().error.code).toBe('JOB_NOT_FOUND');
    const [first, second] = created.targets.map((target) => target.serial);
    let job = await report(created, first!, { state: 'running', progress: 50 });
    expect(job.progress).toBe(16);
    job = await report(created, first!, { state: 'succeeded', progress: 100 });
    job = await report(created, second!, {
      state: 'failed',
      progress: 10,
      failureCode: 'device_unreachable',
      reason: 'gone',
    });
    expect(job.counts).toMatchObject({ succeeded: 1, failed: 1, queued: 1 });
    // A late report cannot undo an outcome.
    job = await report(created, first!, { state: 'running', progress: 20 });
    expect(job.targets.find((target) => target.serial === first)?.state).toBe('succeeded');

    const cancelled = (await as('admin').post(`/api/v1/jobs/${created.id}/cancel`)).json<JobDetail>();
    expect(cancelled.counts).toMatchObject({ cancelled: 1, queued: 0 });
    job = (await as('admin').get(created.id)).json<JobDetail>();
    expect(job.state).toBe('cancelled');
    expect(job.finishedAt).not.toBeNull();
    const audit = rowsOf<{ action: string; after: { failed: number; failedSerials: string[] } | null }>(
      await hub.database.db.execute(
        sql`SELECT action, after FROM audit_log WHERE target = ${`job:${created.id}`} ORDER BY id`,
      ),
    );
    expect(audit.map((row) => row.action)).toEqual(['job.create', 'job.cancel', 'job.finish']);
    expect(audit.at(-1)?.after).toMatchObject({ failed: 1, failedSerials: [second] });
  });

  it('retries failed targets as a new attempt and ignores reports of the old one', async () => {
    const created = (
      await as('admin').create({
        operation: { kind: 'locate', on: false },
        deviceIds: deviceIds.slice(0, 1),
      })
    ).json<JobDetail>();
    const serial = created.targets[0]!.serial;
    let job = await report(created, serial, { state: 'failed', failureCode: 'timeout', reason: 'slow' });
    expect(job.state).toBe('completed');
    job = (await as('admin').post(`/api/v1/jobs/${created.id}/retry`)).json<JobDetail>();
    expect(job.state).toBe('running');
    expect(job.targets[0]).toMatchObject({ state: 'queued', attempt: 2, failureCode: null });
    job = await report(created, serial, { state: 'failed', failureCode: 'timeout' });
    expect(job.targets[0]!.state).toBe('queued');
    expect((await as('admin').post(`/api/v1/jobs/${created.id}/retry`)).json().error.code).toBe('CONFLICT');
  });

  it('marks devices whose family has newer firmware in the catalog as Update Available, and filters by it', async () => {
    const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    const upload = async (version: string) => {
      const content = buildFirmwarePackage('converge_pro_2', version, new Uint8Array(32), sha256Hex);
      const response = await hub.app.inject({
        method: 'POST',
        url: '/api/v1/firmware',
        cookies: cookies.admin,
        payload: {
          modelFamily: 'converge_pro_2',
          version,
          fileName: `cp2-${version}.tfw`,
          sha256: sha256Hex(content),
          contentBase64: Buffer.from(content).toString('base64'),
        },
      });
      expect(response.statusCode).toBe(201);
    };
    const list = async (query: string) =>
      (await hub.app.inject({ method: 'GET', url: `/api/v1/devices?limit=10${query}`, cookies: cookies.admin })).json<{
        items: { updateAvailable: string | null }[];
      }>().items;
    await upload('5.1.0.0');
    expect(await list('&updateAvailable=true')).toEqual([]);
    await upload('5.10.0.1');
    await upload('5.9.9.9');
    const updatable = await list('&updateAvailable=true');
    expect(updatable).toHaveLength(4);
    expect(updatable.every((device) => device.updateAvailable === '5.10.0.1')).toBe(true);
    expect(await list('&updateAvailable=false')).toEqual([]);
  });

  it('halts a job once failures pass its threshold and refuses firmware of another family', async () => {
    const created = (
      await as('admin').create({
        operation: { kind: 'safety_mute', on: true },
        deviceIds: deviceIds.slice(0, 4),
        rollout: { concurrency: 1, failureThresholdPercent: 0 },
      })
    ).json<JobDetail>();
    const job = await report(created, created.targets[0]!.serial, { state: 'failed', failureCode: 'device_refused' });
    expect(job.state).toBe('halted');
    expect(job.targets.filter((target) => target.failureCode === 'halted')).toHaveLength(3);

    const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    const content = buildFirmwarePackage('converge_huddle', '2.0.0.1', new Uint8Array(64), sha256Hex);
    const upload = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/firmware',
      cookies: cookies.admin,
      payload: {
        modelFamily: 'converge_huddle',
        version: '2.0.0.1',
        fileName: 'huddle.tfw',
        sha256: sha256Hex(content),
        contentBase64: Buffer.from(content).toString('base64'),
      },
    });
    expect(upload.statusCode).toBe(201);
    const refused = await as('admin').create({
      operation: { kind: 'firmware_update', packageId: upload.json().id },
      deviceIds: deviceIds.slice(0, 2),
    });
    expect(refused.json().error.code).toBe('FIRMWARE_WRONG_MODEL');
  });

  it('hands targets out in turns across agents, never more per agent than it runs at once', async () => {
    const db = hub.database.db;
    const org = await makeOrg(db);
    const owner = await makeUser(db, org.id);
    const ownerCookies = await signInCookies(hub.app, owner.email, owner.password);
    const sites = [await makeDevices(db, org.id, 20), await makeDevices(db, org.id, 20)];
    const list = await hub.app.inject({ method: 'GET', url: '/api/v1/devices?limit=100', cookies: ownerCookies });
    const ids = list.json<{ items: { id: string }[] }>().items.map((device) => device.id);
    const created = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      cookies: ownerCookies,
      payload: { operation: { kind: 'locate', on: true }, deviceIds: ids, rollout: { concurrency: 40 } },
    });
    const agentIds = sites.map((site) => site.agent.id);
    const released = await releasableTargets(db, created.json<JobDetail>().id, 1, agentIds, 40);
    // Two agents of 16 each, alternating: the first two targets already go to different sites.
    expect(released).toHaveLength(2 * AGENT_JOB_CONCURRENCY);
    for (const id of agentIds) expect(released.filter((target) => target.agentId === id)).toHaveLength(16);
    expect(new Set(released.slice(0, 2).map((target) => target.agentId)).size).toBe(2);
  });

  it('lists jobs newest first by default and sorts by a list column either way', async () => {
    const list = async (query: string) => {
      const response = await hub.app.inject({ method: 'GET', url: `/api/v1/jobs${query}`, cookies: cookies.admin });
      expect(response.statusCode).toBe(200);
      return response.json<{ items: Array<{ operation: { kind: string }; createdAt: string }> }>().items;
    };
    const newest = await list('');
    expect(newest.map((job) => job.createdAt)).toEqual(
      newest
        .map((job) => job.createdAt)
        .sort()
        .reverse(),
    );
    const kinds = (await list('?sort=operation')).map((job) => job.operation.kind);
    expect(new Set(kinds).size).toBeGreaterThan(1);
    expect(kinds).toEqual([...kinds].sort());
    expect((await list('?sort=-operation')).map((job) => job.operation.kind)).toEqual([...kinds].reverse());
    const unknown = await hub.app.inject({ method: 'GET', url: '/api/v1/jobs?sort=progress', cookies: cookies.admin });
    expect(unknown.statusCode).toBe(400);
  });

  it('searches operation, creator and id prefix, and filters by operation, creator and creation dates', async () => {
    type Listed = { id: string; operation: { kind: string }; createdBy: string; createdAt: string };
    const list = async (query: string) => {
      const response = await hub.app.inject({ method: 'GET', url: `/api/v1/jobs?${query}`, cookies: cookies.admin });
      expect(response.statusCode).toBe(200);
      return response.json<{ items: Listed[]; total: number }>();
    };
    const all = (await list('limit=500')).items;
    const mutes = all.filter((job) => job.operation.kind === 'safety_mute');
    expect(mutes.length).toBeGreaterThan(0);
    expect(mutes.length).toBeLessThan(all.length);
    // Words of the operation as the list shows them, or the kind itself.
    for (const q of ['Safety mute', 'safety_m']) {
      expect((await list(`q=${encodeURIComponent(q)}&limit=500`)).items.map((job) => job.id)).toEqual(
        mutes.map((job) => job.id),
      );
    }
    expect((await list('kind=safety_mute&limit=500')).total).toBe(mutes.length);
    const one = all[all.length - 1]!;
    expect((await list(`q=${one.id.slice(0, 8)}`)).items.map((job) => job.id)).toEqual([one.id]);

    const byTechnician = all.filter((job) => job.createdBy === technicianEmail);
    expect(byTechnician.length).toBeGreaterThan(0);
    expect(byTechnician.length).toBeLessThan(all.length);
    const technicianIds = byTechnician.map((job) => job.id);
    expect(
      (await list(`createdBy=${encodeURIComponent(technicianEmail.toUpperCase())}`)).items.map((job) => job.id),
    ).toEqual(technicianIds);
    expect((await list(`q=${encodeURIComponent(technicianEmail)}`)).items.map((job) => job.id)).toEqual(technicianIds);
    // The creator's name is looked up on their account (every test user is "Test User").
    expect((await list('createdBy=test%20user&limit=500')).total).toBe(all.length);
    expect((await list('createdBy=nobody-here')).total).toBe(0);

    const at = encodeURIComponent(one.createdAt);
    expect((await list(`from=${at}&to=${at}`)).items.map((job) => job.id)).toContain(one.id);
    expect((await list(`from=${encodeURIComponent('2999-01-01T00:00:00Z')}`)).total).toBe(0);
    expect((await list(`to=${encodeURIComponent('2000-01-01T00:00:00+02:00')}`)).total).toBe(0);

    for (const bad of [
      'kind=format_disk',
      'from=yesterday',
      `from=${encodeURIComponent('2030-01-01T00:00:00Z')}&to=${encodeURIComponent('2020-01-01T00:00:00Z')}`,
      `q=${'x'.repeat(201)}`,
    ]) {
      const response = await hub.app.inject({ method: 'GET', url: `/api/v1/jobs?${bad}`, cookies: cookies.admin });
      expect(response.statusCode).toBe(400);
      expect(response.json<{ error: { code: string } }>().error.code).toBe('VALIDATION_FAILED');
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import {
  webhookEventBodySchema,
  type AgentEventBody,
  type JobDetail,
  type WebhookEventBody,
  type WebhookSecretResponse,
} from '@tutti/protocol';
import { ingestAgentEvents } from '../agents/index.ts';
import { evaluateAlerts } from '../alerts/index.ts';
import { createManualClock } from '../clock/index.ts';
import { rowsOf } from '../db/index.ts';
import { makeDevices, makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

const MINUTE = 60_000;
const clock = createManualClock(new Date(Date.now() + MINUTE));
let hub: TestHub;
let orgId: string;
let cookies: Record<string, string>;
let devices: Awaited<ReturnType<typeof makeDevices>>;
let deviceIds: string[];
let seq = 500;

const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
  hub.app.inject({ method, url: `/api/v1${url}`, cookies, ...(payload === undefined ? {} : { payload }) });

/** The events queued for the organization's subscriptions, of one type, oldest first. */
async function queued(type: string): Promise<WebhookEventBody[]> {
  const rows = rowsOf<{ body: unknown }>(
    await hub.database.db.execute(
      sql`SELECT body FROM webhook_deliveries WHERE org_id = ${orgId} AND event_type = ${type} ORDER BY created_at, id`,
    ),
  );
  return rows.map((row) => webhookEventBodySchema.parse(row.body));
}

async function report(events: AgentEventBody[]) {
  const stamped = events.map((event) => ({ ...event, seq: (seq += 1), at: clock.now().toISOString() }));
  const result = await ingestAgentEvents(hub.database.db, devices.agent, stamped);
  await hub.context.jobs.targetsChanged(orgId, result.jobTargets);
}

beforeAll(async () => {
  hub = await startTestHub({ clock, config: { webhooks: { allowLoopbackTargets: true } } });
  orgId = (await makeOrg(hub.database.db)).id;
  const admin = await makeUser(hub.database.db, orgId);
  cookies = await signInCookies(hub.app, admin.email, admin.password);
  const subscribed = await api('POST', '/webhooks', {
    // Never called here: deliveries are only queued (the test does not run the delivery task).
    url: 'http://127.0.0.1:9/hooks',
    eventTypes: ['job.finished', 'alert.raised', 'alert.resolved'],
    description: 'Operations',
  });
  expect(subscribed.statusCode, subscribed.body).toBe(201);
  expect(subscribed.json<WebhookSecretResponse>().subscription.eventTypes).toContain('job.finished');
  devices = await makeDevices(hub.database.db, orgId, 3);
  deviceIds = (await api('GET', '/devices?limit=10')).json<{ items: { id: string }[] }>().items.map((d) => d.id);
});
afterAll(async () => hub?.close());

describe('webhook events the hub emits', () => {
  it('job.finished once when a job completes, with its counts and the devices that failed', async () => {
    const job = (await api('POST', '/jobs', { operation: { kind: 'locate', on: true }, deviceIds })).json<JobDetail>();
    const [first, second, third] = job.targets as [
      JobDetail['targets'][0],
      JobDetail['targets'][0],
      JobDetail['targets'][0],
    ];
    const outcome = (target: typeof first, state: 'succeeded' | 'failed') => ({
      kind: 'job.target' as const,
      jobId: job.id,
      targetId: target.id,
      attempt: target.attempt,
      serial: target.serial,
      state,
      progress: 100,
      ...(state === 'failed' ? { failureCode: 'device_unreachable' as const, reason: 'No answer.' } : {}),
    });
    await report([outcome(first, 'succeeded'), outcome(second, 'succeeded')]);
    expect(await queued('job.finished')).toEqual([]);
    await report([outcome(third, 'failed')]);
    // A repeated report changes nothing and emits nothing more.
    await report([outcome(third, 'failed')]);

    const events = await queued('job.finished');
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({
      job: { id: job.id, state: 'completed', counts: { total: 3, succeeded: 2, failed: 1 } },
      failedSerials: [third.serial],
    });
    expect(events[0]!.occurredAt).toBe(clock.now().toISOString());
  });

  it('job.finished with state cancelled when a job is cancelled before its devices were reached', async () => {
    const job = (await api('POST', '/jobs', { operation: { kind: 'reboot' }, deviceIds })).json<JobDetail>();
    expect((await api('POST', `/jobs/${job.id}/cancel`, {})).statusCode).toBe(200);
    const event = (await queued('job.finished')).find(
      (candidate) => (candidate.data as { job: { id: string } }).job.id === job.id,
    );
    expect(event?.data).toMatchObject({ job: { state: 'cancelled', counts: { cancelled: 3 } }, failedSerials: [] });
  });

  it('alert.raised when an alert opens and alert.resolved when it ends, each once', async () => {
    const rule = await api('POST', '/alert-rules', {
      name: 'Devices down',
      condition: { kind: 'device_status', severities: ['down'], forMinutes: 5 },
      recipients: { roles: ['administrator'] },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const serial = devices.reports[0]!.serial;
    await report([{ kind: 'device.status', serial, status: 'down', since: clock.now().toISOString() }]);
    await evaluateAlerts(hub.context);
    expect(await queued('alert.raised')).toEqual([]);

    clock.advance(6 * MINUTE);
    await evaluateAlerts(hub.context);
    await evaluateAlerts(hub.context);
    const raised = await queued('alert.raised');
    expect(raised).toHaveLength(1);
    expect(raised[0]!.data).toMatchObject({
      alert: {
        ruleId: rule.json<{ id: string }>().id,
        subject: { kind: 'device', name: expect.any(String) },
        problem: 'down',
      },
    });
    const alertId = (raised[0]!.data as { alert: { id: string } }).alert.id;

    await report([{ kind: 'device.status', serial, status: 'healthy', since: clock.now().toISOString() }]);
    await evaluateAlerts(hub.context);
    await evaluateAlerts(hub.context);
    const resolved = await queued('alert.resolved');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.data).toMatchObject({ alert: { id: alertId, resolvedAt: clock.now().toISOString() } });
  });
});

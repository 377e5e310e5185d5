import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent, AlertDeliveryList, AlertDto, AlertList, AlertRuleRequest } from '@tutti/protocol';
import { sql } from 'drizzle-orm';
import { ingestAgentEvents } from '../agents/index.ts';
import { createManualClock } from '../clock/index.ts';
import { rowsOf, withTenant } from '../db/index.ts';
import { deliverPending } from '../notifications/index.ts';
import { ensureMember } from '../orgs/index.ts';
import { makeDevices, makeOrg, makeUser, TEST_PASSWORD } from '../testing/factories.ts';
import { startHttpSink, type HttpSink } from '../testing/http-sink.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { linkToken, startSmtpSink, type SmtpSink } from '../testing/smtp-sink.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';
import { evaluateAlerts } from './index.ts';

const MINUTE = 60_000;
const clock = createManualClock(new Date(Date.now() + MINUTE));
let hub: TestHub;
let smtp: SmtpSink;
let http: HttpSink;
let cookies: Record<string, string>;
let orgId: string;

const french = 'claire@example.test';
const german = 'jonas@example.test';

async function member(email: string, role: 'administrator' | 'technician', language: 'fr' | 'de') {
  await ensureMember(
    hub.database.db,
    { orgId, email, name: email.split('@')[0]!, password: TEST_PASSWORD, role, language },
    'test',
  );
}

const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  hub.app.inject({ method, url: `/api/v1${url}`, cookies, ...(payload === undefined ? {} : { payload }) });

async function addRule(rule: AlertRuleRequest): Promise<string> {
  const response = await api('POST', '/alert-rules', rule);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string }>().id;
}

async function deliveries(): Promise<AlertDeliveryList> {
  return (await api('GET', '/alerts/deliveries?limit=500')).json<AlertDeliveryList>();
}

/** One tick as the scheduler runs it: evaluate, then send what that queued. */
async function tick() {
  const evaluated = await evaluateAlerts(hub.context);
  const delivered = await deliverPending(hub.context);
  return { queued: evaluated.messagesQueued, ...delivered };
}

beforeAll(async () => {
  [smtp, http] = await Promise.all([startSmtpSink(), startHttpSink()]);
  hub = await startTestHub({
    clock,
    config: {
      publicUrl: 'http://127.0.0.1:8080',
      smtp: { host: '127.0.0.1', port: smtp.port, ignoreTLS: true },
      sms: { provider: 'http', url: `${http.url}/sms`, token: 'sms-secret' },
      alerts: { allowLoopbackWebhooks: true },
    },
  });
  orgId = (await makeOrg(hub.database.db, { name: 'Acme AV' })).id;
  const admin = await makeUser(hub.database.db, orgId);
  cookies = await signInCookies(hub.app, admin.email, admin.password);
  await member(french, 'technician', 'fr');
  await member(german, 'technician', 'de');
});
afterAll(async () => {
  await hub.close();
  await Promise.all([smtp.close(), http.close()]);
});

describe('alerts', () => {
  let devicesDown: Awaited<ReturnType<typeof makeDevices>>;
  let stormMails: typeof smtp.messages;

  it('turns a storm of 500 devices going down into one grouped message per recipient, in their language', async () => {
    await addRule({
      name: 'Devices down',
      condition: { kind: 'device_status', severities: ['down'], forMinutes: 5 },
      recipients: {
        roles: ['technician'],
        smsNumbers: ['+18015550100'],
        slackWebhooks: [`${http.url}/slack`],
        teamsWebhooks: [`${http.url}/teams`],
      },
    });
    devicesDown = await makeDevices(hub.database.db, orgId, 500, {
      status: 'down',
      statusSince: new Date(clock.now().getTime() - MINUTE).toISOString(),
    });
    // Down for one minute: the rule waits for five.
    expect(await tick()).toEqual({ queued: 0, sent: 0, failed: 0 });
    clock.advance(5 * MINUTE);
    // Just opened: more of the storm may still be coming, so the messages wait for the group to settle.
    expect(await tick()).toEqual({ queued: 0, sent: 0, failed: 0 });
    clock.advance(10_000);
    expect(await tick()).toEqual({ queued: 5, sent: 5, failed: 0 });

    const frenchMail = await smtp.next(french);
    const germanMail = await smtp.next(german);
    stormMails = [frenchMail, germanMail];
    expect(smtp.messages).toHaveLength(2);
    expect(frenchMail.text).toContain('500 nouvelles alertes dans Acme AV');
    expect(frenchMail.text).toMatch(/Sans emplacement : DSP .* \(Hors service\)/);
    expect(frenchMail.text).toContain('et 490 autres');
    expect(germanMail.text).toContain('500 neue Alarme in Acme AV');
    expect(germanMail.text).toContain('(Ausgefallen)');

    const sms = http.requests.find((request) => request.path === '/sms')!;
    expect(sms.headers.authorization).toBe('Bearer sms-secret');
    expect(sms.body).toMatchObject({ to: '+18015550100', text: expect.stringContaining('500 new alerts in Acme AV') });
    const slack = http.requests.find((request) => request.path === '/slack')!.body as {
      text: string;
      blocks: unknown[];
    };
    expect(slack.text).toBe('[Tutti] 500 new alerts in Acme AV');
    expect(slack.blocks).toHaveLength(3);
    const teams = http.requests.find((request) => request.path === '/teams')!.body as {
      attachments: Array<{ contentType: string }>;
    };
    expect(teams.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');

    // Still down on the next tick: nothing new to say.
    expect(await tick()).toEqual({ queued: 0, sent: 0, failed: 0 });
    const listed = await deliveries();
    expect(listed.items.map((item) => item.status)).toEqual(Array(5).fill('sent'));
    expect(listed.items.find((item) => item.channel === 'slack')!.target).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('acknowledges the alerts of a message through its link, once', async () => {
    const token = linkToken(stormMails[0]!, '/alerts/acknowledge');
    const first = await hub.app.inject({ method: 'POST', url: '/api/v1/alerts/acknowledge-link', payload: { token } });
    expect(first.json()).toEqual({ acknowledged: 500 });
    const again = await hub.app.inject({ method: 'POST', url: '/api/v1/alerts/acknowledge-link', payload: { token } });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('ACK_LINK_INVALID');
    const forged = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/alerts/acknowledge-link',
      payload: { token: `${token.slice(0, -4)}AAAA` },
    });
    expect(forged.json().error.code).toBe('ACK_LINK_INVALID');
    const open = await api('GET', '/alerts?state=open');
    expect(open.json().total).toBe(0);
    const acknowledged = await api('GET', '/alerts?state=acknowledged&limit=1');
    expect(acknowledged.json()).toMatchObject({
      total: 500,
      items: [{ acknowledgedBy: `link:${french.split('@')[0]}` }],
    });
  });

  it('tells the same recipients once when the devices recover', async () => {
    const events: AgentEvent[] = devicesDown.reports.map((report, index) => ({
      seq: 1000 + index,
      at: clock.now().toISOString(),
      kind: 'device.status',
      serial: report.serial,
      status: 'healthy',
      since: clock.now().toISOString(),
    }));
    await ingestAgentEvents(hub.database.db, devicesDown.agent, events);
    const before = smtp.messages.length;
    expect(await tick()).toEqual({ queued: 5, sent: 5, failed: 0 });
    expect((await smtp.next(french, before)).text).toContain('Résolues : 500 alertes dans Acme AV');
    expect(await tick()).toEqual({ queued: 0, sent: 0, failed: 0 });
    expect((await api('GET', '/alerts?state=resolved')).json().total).toBe(500);
  });

  it('holds messages through quiet hours and maintenance windows, then escalates what nobody acknowledged', async () => {
    const now = clock.now();
    const hhmm = (at: Date) => at.toISOString().slice(11, 16);
    await addRule({
      name: 'Overheating',
      condition: { kind: 'device_status', statuses: ['overheating'] },
      recipients: { emails: ['desk@example.test'], language: 'en' },
      quietHours: { start: hhmm(now), end: hhmm(new Date(now.getTime() + 60 * MINUTE)), timeZone: 'UTC' },
      escalation: { afterMinutes: 10, recipients: { emails: ['manager@example.test'], language: 'en' } },
    });
    const hot = await makeDevices(hub.database.db, orgId, 1, { status: 'overheating', name: 'Boardroom DSP' });
    expect((await tick()).queued).toBe(0);
    clock.advance(61 * MINUTE);
    expect((await tick()).queued).toBe(1);
    expect((await smtp.next('desk@example.test')).text).toContain('Boardroom DSP: OVERHEATING!');

    const window = await api('POST', '/maintenance-windows', {
      name: 'Refit',
      scope: { kind: 'organization' },
      schedule: {
        kind: 'once',
        startsAt: clock.now().toISOString(),
        endsAt: new Date(clock.now().getTime() + 30 * MINUTE).toISOString(),
      },
    });
    expect(window.json()).toMatchObject({ name: 'Refit', active: true });
    clock.advance(11 * MINUTE);
    // Due for escalation, but the organization is in maintenance.
    expect((await tick()).queued).toBe(0);
    expect((await api('DELETE', `/maintenance-windows/${window.json<{ id: string }>().id}`)).statusCode).toBe(204);
    expect((await tick()).queued).toBe(1);
    const escalation = await smtp.next('manager@example.test');
    expect(escalation.text).toContain('Still not acknowledged');
    expect(escalation.text).toContain('Boardroom DSP (OVERHEATING!)');
    expect(hot.reports).toHaveLength(1);
  });

  it('records a failed attempt with its reason and retries with backoff', async () => {
    http.answerWith(503);
    await addRule({
      name: 'Login failures',
      condition: { kind: 'device_status', statuses: ['login_failed'] },
      recipients: { smsNumbers: ['+18015550199'] },
    });
    await makeDevices(hub.database.db, orgId, 1, { status: 'login_failed' });
    await tick();
    clock.advance(10_000);
    expect(await tick()).toEqual({ queued: 1, sent: 0, failed: 1 });
    const failed = (await api('GET', '/alerts/deliveries?status=queued')).json<AlertDeliveryList>().items[0]!;
    expect(failed).toMatchObject({ attempts: 1, lastError: 'The SMS provider answered HTTP 503.' });
    expect(Date.parse(failed.nextAttemptAt ?? '') - clock.now().getTime()).toBe(30_000);
    expect(await deliverPending(hub.context)).toEqual({ sent: 0, failed: 0 });
    http.answerWith(200);
    clock.advance(30_000);
    expect(await deliverPending(hub.context)).toEqual({ sent: 1, failed: 0 });
    const sent = (await deliveries()).items.find((item) => item.id === failed.id)!;
    expect(sent).toMatchObject({ status: 'sent', attempts: 2 });
    expect(sent.attemptLog.map((attempt) => attempt.outcome)).toEqual(['failed', 'sent']);

    // Acknowledged from the screen: once; a second time changes nothing.
    const open = (await api('GET', '/alerts?state=open')).json<AlertList>().items;
    const loginAlert = open.find((alert) => alert.problem === 'login_failed')!;
    const acknowledged = await api('POST', `/alerts/${loginAlert.id}/acknowledge`, {});
    expect(acknowledged.json()).toMatchObject({ state: 'acknowledged', acknowledgedBy: expect.stringContaining('@') });
    const again = await api('POST', `/alerts/${loginAlert.id}/acknowledge`, {});
    expect(again.json<AlertDto>().acknowledgedAt).toBe(acknowledged.json<AlertDto>().acknowledgedAt);
  });

  it('checks rules: known members only, and a role without alerts.manage cannot change them', async () => {
    const stranger = await api('POST', '/alert-rules', {
      name: 'x',
      condition: { kind: 'plan_overflow' },
      recipients: { userIds: ['00000000-0000-4000-8000-000000000000'] },
    });
    expect(stranger.json().error.code).toBe('ALERT_RECIPIENT_UNKNOWN');
    const invalid = await api('POST', '/alert-rules', {
      name: 'x',
      condition: { kind: 'device_status' },
      recipients: {},
    });
    expect(invalid.json().error.code).toBe('VALIDATION_FAILED');
    const monitor = await makeUser(hub.database.db, orgId, { role: 'monitor' });
    const monitorCookies = await signInCookies(hub.app, monitor.email, monitor.password);
    const denied = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/alert-rules',
      cookies: monitorCookies,
      payload: { name: 'x', condition: { kind: 'plan_overflow' }, recipients: { roles: ['owner'] } },
    });
    expect(denied.statusCode).toBe(403);
    const seen = await hub.app.inject({ method: 'GET', url: '/api/v1/alerts', cookies: monitorCookies });
    expect(seen.statusCode).toBe(200);
  });

  it("keeps other organizations' rules, alerts, messages and windows out of reach (row-level security)", async () => {
    const other = await makeOrg(hub.database.db, { name: 'Other AV' });
    const otherAdmin = await makeUser(hub.database.db, other.id);
    const otherCookies = await signInCookies(hub.app, otherAdmin.email, otherAdmin.password);
    const created = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/alert-rules',
      cookies: otherCookies,
      payload: { name: 'Theirs', condition: { kind: 'plan_overflow' }, recipients: { roles: ['owner'] } },
    });
    expect(created.statusCode).toBe(201);
    const theirRule = created.json<{ id: string }>().id;
    expect(
      (
        await api('PUT', `/alert-rules/${theirRule}`, {
          name: 'Mine',
          condition: { kind: 'plan_overflow' },
          recipients: { roles: ['owner'] },
        })
      ).statusCode,
    ).toBe(404);
    const seen = await withTenant(hub.database.db, [orgId], async (tx) => {
      const orgsOf = async (table: string) =>
        rowsOf<{ org_id: string }>(await tx.execute(sql`SELECT org_id FROM ${sql.identifier(table)}`)).map(
          (row) => row.org_id,
        );
      return [
        ...(await orgsOf('alert_rules')),
        ...(await orgsOf('alerts')),
        ...(await orgsOf('alert_deliveries')),
        ...(await orgsOf('maintenance_windows')),
      ];
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set([orgId]));
  });
});

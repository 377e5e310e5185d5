import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../clock/index.ts';
import { createTestDatabase, testDatabaseKinds, type Database } from '../db/index.ts';
import { createHub, type Hub } from '../hub.ts';
import { deliverPending } from '../notifications/index.ts';
import { makeDevices, makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startSmtpSink, type SmtpSink } from '../testing/smtp-sink.ts';
import { evaluateAlerts } from './index.ts';

/**
 * Several hub nodes on one database, and a hub restarted on the same database: the queue in PostgreSQL is the only
 * state, so no message is sent twice and none is lost.
 */
describe.each(await testDatabaseKinds())('alert delivery across hub nodes on %s', (kind) => {
  const clock = createManualClock(new Date(Date.now() + 60_000));
  const secretKey = randomBytes(32).toString('base64url');
  let database: Database;
  let smtp: SmtpSink;
  const hubs: Hub[] = [];

  async function node(): Promise<Hub> {
    const hub = await createHub({
      database,
      clock,
      config: {
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
        secretKey,
        smtp: { host: '127.0.0.1', port: smtp.port, ignoreTLS: true },
        alerts: { groupWaitSeconds: 0 },
      },
    });
    await hub.app.ready();
    hubs.push(hub);
    return hub;
  }

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    smtp = await startSmtpSink();
  });
  afterAll(async () => {
    for (const hub of hubs) await hub.close();
    await database.close();
    await smtp.close();
  });

  it('sends each queued message once when two nodes deliver at the same time, and once more after a restart', async () => {
    const first = await node();
    const orgId = (await makeOrg(database.db, { name: 'Nodes Inc' })).id;
    const admin = await makeUser(database.db, orgId);
    const cookies = await signInCookies(first.app, admin.email, admin.password);
    const emails = Array.from({ length: 20 }, (_, index) => `desk-${index}@example.test`);
    const rule = await first.app.inject({
      method: 'POST',
      url: '/api/v1/alert-rules',
      cookies,
      payload: {
        name: 'Down',
        condition: { kind: 'device_status', severities: ['down'] },
        recipients: { emails },
      },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    await makeDevices(database.db, orgId, 3, { status: 'down' });

    expect((await evaluateAlerts(first.context)).messagesQueued).toBe(20);
    const second = await node();
    const runs = await Promise.all([deliverPending(first.context), deliverPending(second.context)]);
    expect(runs[0].sent + runs[1].sent).toBe(20);
    expect(smtp.messages).toHaveLength(20);
    expect(new Set(smtp.messages.map((mail) => mail.to[0])).size).toBe(20);

    // More devices go down; the first node queues the messages and stops before sending them.
    await makeDevices(database.db, orgId, 2, { status: 'down' });
    expect((await evaluateAlerts(first.context)).messagesQueued).toBe(20);
    await first.close();
    hubs.splice(hubs.indexOf(first), 1);

    const restarted = await node();
    expect((await evaluateAlerts(restarted.context)).messagesQueued).toBe(0);
    expect(await deliverPending(restarted.context)).toEqual({ sent: 20, failed: 0 });
    expect(await deliverPending(second.context)).toEqual({ sent: 0, failed: 0 });
    expect(smtp.messages).toHaveLength(40);
    expect(smtp.messages.slice(20).every((mail) => mail.text.includes('2 new alerts in Nodes Inc'))).toBe(true);

    // A hub that does not allow loopback webhooks refuses them in a rule.
    const loopback = await restarted.app.inject({
      method: 'POST',
      url: '/api/v1/alert-rules',
      cookies: await signInCookies(restarted.app, admin.email, admin.password),
      payload: {
        name: 'Chat',
        condition: { kind: 'agent_disconnected' },
        recipients: { slackWebhooks: ['http://127.0.0.1:9/hook'] },
      },
    });
    expect(loopback.statusCode).toBe(400);
    expect(loopback.json().error.code).toBe('WEBHOOK_URL_NOT_ALLOWED');
  });
});

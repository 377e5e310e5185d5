import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  AGENT_LINK_PATH,
  webhookEventBodySchema,
  webhookHeaders,
  type HubMessage,
  type WebhookDeliveryList,
  type WebhookSecretResponse,
  type WebhookSubscriptionDto,
} from '@tutti/protocol';
import { createManualClock } from '../clock/index.ts';
import { makeAgent, makeDeviceReport, makeOrg, makeUser, TEST_PASSWORD } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';
import { deliverDueWebhooks, emitWebhookEvent } from './index.ts';
import { postSignedWebhook } from './webhook-sender.ts';

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
}

/** A webhook receiver on 127.0.0.1 that keeps the raw bodies (the signature covers the exact bytes). */
async function startReceiver() {
  const received: Received[] = [];
  let status = 200;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, raw: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/tutti`,
    received,
    answerWith(next: number) {
      status = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const clock = createManualClock(new Date('2026-07-01T08:00:00Z'));
let hub: TestHub;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let orgId: string;
let cookies: Record<string, string>;

beforeAll(async () => {
  hub = await startTestHub({
    listen: true,
    clock,
    config: { webhooks: { allowLoopbackTargets: true, maxAttempts: 3, disableAfterFailures: 4 } },
  });
  receiver = await startReceiver();
  orgId = (await makeOrg(hub.database.db)).id;
  const admin = await makeUser(hub.database.db, orgId);
  cookies = await signInCookies(hub.app, admin.email, admin.password);
});
afterAll(async () => {
  await hub?.close();
  await receiver?.close();
});
beforeEach(() => {
  receiver.received.length = 0;
  receiver.answerWith(200);
});

async function subscribe(eventTypes: string[], as = cookies): Promise<WebhookSecretResponse> {
  const response = await hub.app.inject({
    method: 'POST',
    url: '/api/v1/webhooks',
    cookies: as,
    payload: { url: receiver.url, eventTypes, description: 'Ops desk' },
  });
  expect(response.statusCode).toBe(201);
  return response.json<WebhookSecretResponse>();
}

async function deliveriesOf(id: string): Promise<WebhookDeliveryList> {
  const response = await hub.app.inject({ method: 'GET', url: `/api/v1/webhooks/${id}/deliveries`, cookies });
  expect(response.statusCode).toBe(200);
  return response.json<WebhookDeliveryList>();
}

async function remove(id: string) {
  const response = await hub.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${id}`, cookies });
  expect(response.statusCode).toBe(204);
}

describe('webhook subscriptions', () => {
  it('shows the secret once, validates URLs without connecting, and needs webhooks.manage', async () => {
    const { subscription, secret } = await subscribe(['device.status', 'job.finished']);
    expect(secret).toMatch(/^whsec_/);
    const list = await hub.app.inject({ method: 'GET', url: '/api/v1/webhooks', cookies });
    expect(list.json()).toEqual({ items: [expect.objectContaining({ id: subscription.id, enabled: true })] });
    expect(list.body).not.toContain(secret);

    for (const url of ['https://10.0.0.8/hook', 'http://hooks.example.com/in', 'https://169.254.169.254/']) {
      const refused = await hub.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        cookies,
        payload: { url, eventTypes: ['device.status'] },
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    }

    const monitor = await makeUser(hub.database.db, orgId, { role: 'monitor' });
    const monitorCookies = await signInCookies(hub.app, monitor.email, monitor.password);
    const forbidden = await hub.app.inject({ method: 'GET', url: '/api/v1/webhooks', cookies: monitorCookies });
    expect(forbidden.statusCode).toBe(403);

    const otherOrg = await makeOrg(hub.database.db);
    const stranger = await makeUser(hub.database.db, otherOrg.id);
    const strangerCookies = await signInCookies(hub.app, stranger.email, stranger.password);
    const hidden = await hub.app.inject({
      method: 'PATCH',
      url: `/api/v1/webhooks/${subscription.id}`,
      cookies: strangerCookies,
      payload: { enabled: false },
    });
    expect(hidden.statusCode).toBe(404);
    await remove(subscription.id);
  });

  it('refuses loopback targets at send time where the hub does not allow them', async () => {
    const outcome = await postSignedWebhook(
      { url: receiver.url, secret: 's', deliveryId: 'd', eventType: 'job.finished', body: '{}', timestamp: 0 },
      { allowLoopback: false },
    );
    expect(outcome).toEqual({ ok: false, statusCode: null, error: 'Loopback targets are not allowed on this hub.' });
    expect(receiver.received).toHaveLength(0);
  });
});

describe('webhook deliveries', () => {
  it('signs a device.status event an agent reported with HMAC-SHA256 over timestamp and body', async () => {
    const { subscription, secret } = await subscribe(['device.status']);
    const agent = await makeAgent(hub.database.db, orgId);
    const socket = new WebSocket(`${hub.url().replace('http', 'ws')}${AGENT_LINK_PATH}`);
    const messages: HubMessage[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data)) as HubMessage));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(
      JSON.stringify({ type: 'hello', protocol: 1, agentName: agent.name, password: TEST_PASSWORD, version: 'test' }),
    );
    await expect.poll(() => messages.some((message) => message.type === 'welcome')).toBe(true);
    const device = makeDeviceReport({ status: 'healthy' });
    const since = '2026-07-01T07:59:00.000Z';
    socket.send(
      JSON.stringify({
        type: 'events',
        events: [
          { seq: 1, at: since, kind: 'device.seen', device },
          { seq: 2, at: since, kind: 'device.status', serial: device.serial, status: 'down', since },
        ],
      }),
    );
    // The link queues the webhook right after the ack; the queue then sends it.
    await expect
      .poll(async () => {
        await deliverDueWebhooks(hub.context);
        return receiver.received.length;
      })
      .toBe(1);
    socket.close();

    const [request] = receiver.received as [Received];
    const timestamp = request.headers[webhookHeaders.timestamp] as string;
    const expected = createHmac('sha256', secret).update(`${timestamp}.${request.raw}`).digest('hex');
    expect(request.headers[webhookHeaders.signature]).toBe(`sha256=${expected}`);
    expect(request.headers[webhookHeaders.event]).toBe('device.status');
    expect(Number(timestamp)).toBe(clock.now().getTime() / 1000);
    const body = webhookEventBodySchema.parse(JSON.parse(request.raw));
    expect(body).toMatchObject({
      type: 'device.status',
      orgId,
      occurredAt: since,
      data: { device: { serial: device.serial }, status: 'down', severity: 'down', since },
    });
    const [delivery] = (await deliveriesOf(subscription.id)).items;
    expect(delivery).toMatchObject({ id: request.headers[webhookHeaders.delivery], status: 'succeeded' });
    await remove(subscription.id);
  });

  it('retries with backoff by the hub clock and logs every attempt', async () => {
    const { subscription } = await subscribe(['job.finished']);
    receiver.answerWith(500);
    await emitWebhookEvent(hub.context, orgId, 'job.finished', { jobId: 'j-1', outcome: 'succeeded' });
    expect(await deliverDueWebhooks(hub.context)).toBe(1);
    const [pending] = (await deliveriesOf(subscription.id)).items;
    expect(pending).toMatchObject({ status: 'pending', attempts: [{ statusCode: 500 }] });
    expect(pending!.nextAttemptAt).toBe(new Date(clock.now().getTime() + 10_000).toISOString());

    expect(await deliverDueWebhooks(hub.context)).toBe(0);
    receiver.answerWith(204);
    clock.advance(10_000);
    expect(await deliverDueWebhooks(hub.context)).toBe(1);

    const [done] = (await deliveriesOf(subscription.id)).items;
    expect(done).toMatchObject({ status: 'succeeded', nextAttemptAt: null });
    expect(done!.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 204]);
    const eventIds = receiver.received.map((request) => (JSON.parse(request.raw) as { id: string }).id);
    expect(new Set(eventIds).size).toBe(1);
    await remove(subscription.id);
  });

  it('gives a delivery up after the last attempt and turns the subscription off after failures in a row', async () => {
    const { subscription } = await subscribe(['alert.raised']);
    receiver.answerWith(503);
    await emitWebhookEvent(hub.context, orgId, 'alert.raised', { alertId: 'a-1' });
    await emitWebhookEvent(hub.context, orgId, 'alert.raised', { alertId: 'a-2' });
    await emitWebhookEvent(hub.context, orgId, 'alert.raised', { alertId: 'a-3' });
    expect(await deliverDueWebhooks(hub.context)).toBe(3);
    clock.advance(10_000);
    // The fourth failure in a row turns the subscription off; what is still queued gives up.
    expect(await deliverDueWebhooks(hub.context)).toBeGreaterThanOrEqual(1);

    const list = await hub.app.inject({ method: 'GET', url: '/api/v1/webhooks', cookies });
    const off = list.json<{ items: WebhookSubscriptionDto[] }>().items.find((item) => item.id === subscription.id);
    expect(off).toMatchObject({ enabled: false, disabledReason: 'failures', consecutiveFailures: 4 });
    expect(receiver.received).toHaveLength(4);
    const deliveries = (await deliveriesOf(subscription.id)).items;
    expect(deliveries.every((delivery) => delivery.status === 'failed')).toBe(true);
    const audit = await hub.app.inject({ method: 'GET', url: '/api/v1/audit?limit=5', cookies });
    expect(audit.body).toContain('webhook.disable');

    await emitWebhookEvent(hub.context, orgId, 'alert.raised', { alertId: 'a-4' });
    clock.advance(60_000);
    const before = receiver.received.length;
    await deliverDueWebhooks(hub.context);
    expect(receiver.received.length).toBe(before);

    const enabled = await hub.app.inject({
      method: 'PATCH',
      url: `/api/v1/webhooks/${subscription.id}`,
      cookies,
      payload: { enabled: true },
    });
    expect(enabled.json()).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0 });
    await remove(subscription.id);
  });

  it('sends a signed test delivery on request, shows it as the last delivery, and signs with a rotated secret', async () => {
    const { subscription, secret } = await subscribe(['job.finished']);
    const test = await hub.app.inject({ method: 'POST', url: `/api/v1/webhooks/${subscription.id}/test`, cookies });
    expect(test.statusCode).toBe(202);
    expect(test.json<WebhookSubscriptionDto>().lastDelivery).toMatchObject({ status: 'pending', statusCode: null });
    expect(await deliverDueWebhooks(hub.context)).toBe(1);
    const [first] = receiver.received as [Received];
    expect(first.headers[webhookHeaders.event]).toBe('webhook.test');
    const signed = (key: string, request: Received) =>
      `sha256=${createHmac('sha256', key)
        .update(`${String(request.headers[webhookHeaders.timestamp])}.${request.raw}`)
        .digest('hex')}`;
    expect(first.headers[webhookHeaders.signature]).toBe(signed(secret, first));
    expect(webhookEventBodySchema.parse(JSON.parse(first.raw))).toMatchObject({ type: 'webhook.test', orgId });

    const list = await hub.app.inject({ method: 'GET', url: '/api/v1/webhooks', cookies });
    const listed = list.json<{ items: WebhookSubscriptionDto[] }>().items.find((item) => item.id === subscription.id);
    expect(listed?.lastDelivery).toMatchObject({ status: 'succeeded', statusCode: 200 });
    expect((await deliveriesOf(subscription.id)).items).toMatchObject([
      { eventType: 'webhook.test', status: 'succeeded', attempts: [{ statusCode: 200 }] },
    ]);

    const rotated = await hub.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${subscription.id}/secret`,
      cookies,
    });
    const fresh = rotated.json<WebhookSecretResponse>().secret;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(secret);
    await hub.app.inject({ method: 'POST', url: `/api/v1/webhooks/${subscription.id}/test`, cookies });
    await deliverDueWebhooks(hub.context);
    const second = receiver.received[1]!;
    expect(second.headers[webhookHeaders.signature]).toBe(signed(fresh, second));

    // Turning it off gives up what is still queued.
    receiver.answerWith(500);
    await hub.app.inject({ method: 'POST', url: `/api/v1/webhooks/${subscription.id}/test`, cookies });
    await deliverDueWebhooks(hub.context);
    const off = await hub.app.inject({
      method: 'PATCH',
      url: `/api/v1/webhooks/${subscription.id}`,
      cookies,
      payload: { enabled: false },
    });
    expect(off.json()).toMatchObject({ enabled: false, disabledReason: 'manual', lastDelivery: { status: 'failed' } });
    const refused = await hub.app.inject({ method: 'POST', url: `/api/v1/webhooks/${subscription.id}/test`, cookies });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'WEBHOOK_DISABLED' } });
    await remove(subscription.id);
  });
});

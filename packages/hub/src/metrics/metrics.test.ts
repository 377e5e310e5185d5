import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { AGENT_LINK_PATH, type AgentEvent, type HubMessage } from '@tutti/protocol';
import { makeAgent, makeDeviceReport, makeOrg, TEST_PASSWORD } from '../testing/factories.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

const METRICS_TOKEN = 'scrape-token-0123456789';
let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub({ listen: true, config: { metricsToken: METRICS_TOKEN } });
});
afterAll(async () => hub?.close());

async function scrape(): Promise<string> {
  const response = await hub.app.inject({
    method: 'GET',
    url: '/metrics',
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toContain('text/plain');
  return response.body;
}

/** The value of one series, e.g. `tutti_agents_connected` or `name{label="x"}`. */
function valueOf(body: string, series: string): number | undefined {
  const line = body.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  it('refuses a scraper without the configured token', async () => {
    const anonymous = await hub.app.inject({ method: 'GET', url: '/metrics' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    const wrong = await hub.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
  });

  it('counts ingested and duplicate agent events and the connected agents', async () => {
    const org = await makeOrg(hub.database.db);
    const agent = await makeAgent(hub.database.db, org.id);
    const socket = new WebSocket(`${hub.url().replace('http', 'ws')}${AGENT_LINK_PATH}`);
    const messages: HubMessage[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data)) as HubMessage));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(
      JSON.stringify({ type: 'hello', protocol: 1, agentName: agent.name, password: TEST_PASSWORD, version: 'test' }),
    );
    await expect.poll(() => messages.some((message) => message.type === 'welcome')).toBe(true);
    expect(valueOf(await scrape(), 'tutti_agents_connected')).toBe(1);

    const device = makeDeviceReport();
    const events: AgentEvent[] = [
      { seq: 1, at: new Date().toISOString(), kind: 'device.seen', device },
      { seq: 2, at: new Date().toISOString(), kind: 'device.lost', serial: device.serial },
    ];
    // Sent twice, as after a lost ack: the second batch is all duplicates.
    for (const expectedAcks of [1, 2]) {
      socket.send(JSON.stringify({ type: 'events', events }));
      await expect.poll(() => messages.filter((message) => message.type === 'ack').length).toBe(expectedAcks);
    }
    const body = await scrape();
    expect(valueOf(body, 'tutti_agent_events_ingested_total')).toBe(2);
    expect(valueOf(body, 'tutti_agent_events_duplicate_total')).toBe(2);
    socket.close();
    await expect.poll(async () => valueOf(await scrape(), 'tutti_agents_connected')).toBe(0);
  });

  it('times HTTP requests by route pattern and lists process metrics', async () => {
    await hub.app.inject({ method: 'GET', url: '/health/live' });
    await hub.app.inject({ method: 'GET', url: '/no/such/page/42' });
    const body = await scrape();
    expect(
      valueOf(body, 'tutti_http_request_duration_seconds_count{method="GET",route="/health/live",status="200"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(body).toContain('route="unmatched",status="404"');
    expect(body).not.toContain('/no/such/page');
    expect(valueOf(body, 'tutti_live_browsers')).toBe(0);
    expect(body).toContain('tutti_process_resident_memory_bytes');
  });

  it('serves gauges features register, and a failing reading makes only that gauge unknown', async () => {
    hub.context.metrics.gauge({
      name: 'tutti_test_queue_depth',
      help: 'Items waiting, by queue.',
      labelNames: ['queue'],
      read: async () => [
        { labels: { queue: 'mail' }, value: 3 },
        { labels: { queue: 'sms' }, value: 0 },
      ],
    });
    hub.context.metrics.gauge({
      name: 'tutti_test_broken',
      help: 'Always fails.',
      read: () => {
        throw new Error('database restarting');
      },
    });
    const body = await scrape();
    expect(valueOf(body, 'tutti_test_queue_depth{queue="mail"}')).toBe(3);
    expect(valueOf(body, 'tutti_test_queue_depth{queue="sms"}')).toBe(0);
    expect(valueOf(body, 'tutti_test_broken')).toBeNaN();
  });
});

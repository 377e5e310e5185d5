import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookSecretResponse } from '@tutti/protocol';
import { testDatabaseKinds } from '../db/index.ts';
import { makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHubNodes, type TestHubNodes } from '../testing/test-hub-nodes.ts';
import { deliverDueWebhooks, emitWebhookEvents } from './index.ts';

const kinds = await testDatabaseKinds();

describe.each(kinds)('webhook queue worked by two hub nodes on %s', (kind) => {
  let cluster: TestHubNodes;
  const eventIds: string[] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      eventIds.push((JSON.parse(raw) as { id: string }).id);
      // A little latency, so both nodes are sending at the same time.
      setTimeout(() => response.writeHead(200).end(), 5);
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cluster = await startTestHubNodes({
      kind,
      count: 2,
      config: { webhooks: { allowLoopbackTargets: true, maxAttempts: 8, disableAfterFailures: 20 } },
    });
  });
  afterAll(async () => {
    await cluster?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends every queued event exactly once while both nodes deliver at once', async () => {
    const [nodeA, nodeB] = cluster.nodes as [TestHubNodes['nodes'][0], TestHubNodes['nodes'][0]];
    const org = await makeOrg(cluster.database.db);
    const admin = await makeUser(cluster.database.db, org.id);
    const cookies = await signInCookies(nodeA.app, admin.email, admin.password);
    const created = await nodeA.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      cookies,
      payload: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`, eventTypes: ['job.finished'] },
    });
    expect(created.json<WebhookSecretResponse>().secret).toBeTruthy();

    const jobs = Array.from({ length: 60 }, (_, index) => ({ type: 'job.finished' as const, data: { job: index } }));
    await emitWebhookEvents(nodeB.context, org.id, jobs);
    const [sentByA, sentByB] = await Promise.all([
      deliverDueWebhooks(nodeA.context),
      deliverDueWebhooks(nodeB.context),
    ]);

    expect(sentByA + sentByB).toBe(60);
    expect(eventIds).toHaveLength(60);
    expect(new Set(eventIds).size).toBe(60);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  AGENT_LINK_PATH,
  LIVE_PATH,
  SESSION_COOKIE,
  agentLinkCloseCodes,
  type HubMessage,
  type LiveMessage,
} from '@tutti/protocol';
import { testDatabaseKinds } from '../db/index.ts';
import { makeAgent, makeDeviceReport, makeOrg, makeUser, TEST_PASSWORD } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHubNodes, type TestHubNodes } from '../testing/test-hub-nodes.ts';

/** The machine's NATS server (CI runs one at the same address). */
const NATS_URL = process.env.TUTTI_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const kinds = await testDatabaseKinds();

function socketUrl(base: string, path: string) {
  return `${base.replace('http', 'ws')}${path}`;
}

function collect<T>(socket: WebSocket): T[] {
  const received: T[] = [];
  socket.on('message', (data) => received.push(JSON.parse(String(data)) as T));
  return received;
}

describe.each(kinds)('two hub nodes on one %s database and NATS', (kind) => {
  let cluster: TestHubNodes;
  let orgId: string;
  let cookies: Record<string, string>;

  beforeAll(async () => {
    cluster = await startTestHubNodes({ kind, count: 2, listen: true, config: { natsUrl: NATS_URL } });
    const db = cluster.database.db;
    orgId = (await makeOrg(db)).id;
    const admin = await makeUser(db, orgId);
    cookies = await signInCookies(cluster.nodes[1]!.app, admin.email, admin.password);
  });
  afterAll(async () => cluster?.close());

  async function agentLinkTo(nodeIndex: number, agentName: string) {
    const socket = new WebSocket(socketUrl(cluster.nodes[nodeIndex]!.url(), AGENT_LINK_PATH));
    const messages = collect<HubMessage>(socket);
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ type: 'hello', protocol: 1, agentName, password: TEST_PASSWORD, version: 'test' }));
    await expect.poll(() => messages.some((message) => message.type === 'welcome')).toBe(true);
    return { socket, messages, closed };
  }

  it('shows a browser on node B a device change an agent sent to node A', async () => {
    const browser = new WebSocket(socketUrl(cluster.nodes[1]!.url(), LIVE_PATH), {
      headers: { cookie: `${SESSION_COOKIE}=${cookies[SESSION_COOKIE]}` },
    });
    const live = collect<LiveMessage>(browser);
    await expect.poll(() => live.some((message) => message.type === 'ready')).toBe(true);

    const agent = await makeAgent(cluster.database.db, orgId);
    const link = await agentLinkTo(0, agent.name);
    const device = makeDeviceReport({ status: 'down' });
    link.socket.send(
      JSON.stringify({
        type: 'events',
        events: [{ seq: 1, at: new Date().toISOString(), kind: 'device.seen', device }],
      }),
    );
    await expect.poll(() => link.messages.some((message) => message.type === 'ack')).toBe(true);

    await expect
      .poll(() =>
        live.flatMap((message) => (message.type === 'devices.changed' ? message.devices : [])).map((d) => d.serial),
      )
      .toContain(device.serial);
    link.socket.close();
    browser.close();
  });

  it('hands chat and call signalling published on node A to the chat sockets of node B', async () => {
    const heardOnB: unknown[] = [];
    const unsubscribe = cluster.nodes[1]!.context.chatBus.subscribe(orgId, (event) => heardOnB.push(event));
    const typing = {
      orgId,
      userIds: null,
      message: { type: 'typing' as const, conversationId: crypto.randomUUID(), userId: 'u-1', name: 'Avery' },
    };
    cluster.nodes[0]!.context.chatBus.publish(typing);
    cluster.nodes[0]!.context.chatBus.publish({ ...typing, orgId: crypto.randomUUID() });
    await expect.poll(() => heardOnB).toEqual([typing]);
    unsubscribe();
  });

  it('ends the link an agent left half-open on node A once it reconnects through node B, and keeps it connected', async () => {
    const agent = await makeAgent(cluster.database.db, orgId);
    const old = await agentLinkTo(0, agent.name);
    const fresh = await agentLinkTo(1, agent.name);
    expect(await old.closed).toBe(agentLinkCloseCodes.replaced);
    // Node A's close handler must not record the agent as disconnected: it is connected to node B.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const server = await cluster.nodes[1]!.app.inject({ method: 'GET', url: `/api/v1/servers/${agent.id}`, cookies });
    expect(server.json()).toMatchObject({ status: 'connected' });
    fresh.socket.close();
  });

  it('closes a disabled agent’s link on the node that holds it, whichever node took the request', async () => {
    const agent = await makeAgent(cluster.database.db, orgId);
    const link = await agentLinkTo(0, agent.name);

    const disabled = await cluster.nodes[1]!.app.inject({
      method: 'PATCH',
      url: `/api/v1/servers/${agent.id}`,
      cookies,
      payload: { enabled: false },
    });
    expect(disabled.statusCode).toBe(200);
    expect(await link.closed).toBe(agentLinkCloseCodes.disabled);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { sql } from 'drizzle-orm';
import { AGENT_LINK_PATH, type HubMessage, type JobDetail } from '@tutti/protocol';
import { rowsOf, testDatabaseKinds } from '../db/index.ts';
import { makeDevices, makeOrg, makeUser, TEST_PASSWORD } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHubNodes, type TestHubNodes } from '../testing/test-hub-nodes.ts';

/** The machine's NATS server (CI runs one at the same address). */
const NATS_URL = process.env.TUTTI_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
/** Far below the dispatcher's 30 s safety sweep: only a wake-up can explain a command this soon. */
const PROMPTLY = { timeout: 3_000, interval: 20 };
// One database kind (PostgreSQL when reachable): two nodes with their own pools, as deployed.
const kind = (await testDatabaseKinds()).at(-1)!;

describe(`job dispatch without polling, across two hub nodes on ${kind}`, () => {
  let cluster: TestHubNodes;
  let orgId: string;
  let cookies: Record<string, string>;

  beforeAll(async () => {
    cluster = await startTestHubNodes({ kind, count: 2, listen: true, config: { natsUrl: NATS_URL } });
    orgId = (await makeOrg(cluster.database.db)).id;
    const admin = await makeUser(cluster.database.db, orgId);
    cookies = await signInCookies(cluster.nodes[1]!.app, admin.email, admin.password);
  });
  afterAll(async () => cluster?.close());

  /** An agent linked to node A (index 0); commands it receives are collected. */
  async function agentOnNodeA(agentName: string) {
    const socket = new WebSocket(`${cluster.nodes[0]!.url().replace('http', 'ws')}${AGENT_LINK_PATH}`);
    const messages: HubMessage[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data)) as HubMessage));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ type: 'hello', protocol: 1, agentName, password: TEST_PASSWORD, version: 'test' }));
    await expect.poll(() => messages.some((message) => message.type === 'welcome')).toBe(true);
    const commands = () => messages.flatMap((message) => (message.type === 'command' ? [message.command] : []));
    const runs = () => commands().flatMap((command) => (command.name === 'job.run' ? [command.job.jobId] : []));
    const cancels = () => commands().flatMap((command) => (command.name === 'job.cancel' ? [command.jobId] : []));
    return { socket, runs, cancels };
  }

  async function devicesOf(agentId: string): Promise<string[]> {
    const result = await cluster.database.db.execute(sql`SELECT id FROM devices WHERE agent_id = ${agentId}`);
    return rowsOf<{ id: string }>(result).map((row) => row.id);
  }

  /** A job created through node B (index 1). */
  async function createJob(payload: object): Promise<JobDetail> {
    const response = await cluster.nodes[1]!.app.inject({ method: 'POST', url: '/api/v1/jobs', cookies, payload });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<JobDetail>();
  }

  it('hands a job created on node B to the agent on node A at once, and cancels it there from node B', async () => {
    const { agent } = await makeDevices(cluster.database.db, orgId, 2);
    const link = await agentOnNodeA(agent.name);
    const deviceIds = await devicesOf(agent.id);

    const job = await createJob({ operation: { kind: 'locate', on: true }, deviceIds, rollout: { concurrency: 1 } });
    await expect.poll(() => link.runs(), PROMPTLY).toEqual([job.id]);

    const cancelled = await cluster.nodes[1]!.app.inject({
      method: 'POST',
      url: `/api/v1/jobs/${job.id}/cancel`,
      cookies,
      payload: {},
    });
    expect(cancelled.statusCode).toBe(200);
    await expect.poll(() => link.cancels(), PROMPTLY).toEqual([job.id]);
    link.socket.close();
  });

  it('hands waiting targets to an agent as soon as it connects', async () => {
    const { agent } = await makeDevices(cluster.database.db, orgId, 1);
    const deviceIds = await devicesOf(agent.id);
    expect(deviceIds).toHaveLength(1);
    const job = await createJob({ operation: { kind: 'reboot' }, deviceIds });

    const link = await agentOnNodeA(agent.name);
    await expect.poll(() => link.runs(), PROMPTLY).toEqual([job.id]);
    link.socket.close();
  });
});

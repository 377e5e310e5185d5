import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { AGENT_LINK_PATH, type HubMessage } from '@tutti/protocol';
import { rowsOf, testDatabaseKinds } from '../db/index.ts';
import { makeAgent, makeOrg, TEST_PASSWORD } from '../testing/factories.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';
import { disconnectSilentAgents, setAgentConnection } from './agents.queries.ts';

describe.each(await testDatabaseKinds())('agent liveness across hub nodes on %s', (kind) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ kind, listen: true, config: { agentHeartbeatSeconds: 1 } });
  });
  afterAll(async () => hub?.close());

  const agentRow = async (id: string) =>
    rowsOf<{ connected: boolean; silent_seconds: number }>(
      await hub.database.db.execute(
        sql`SELECT connected, extract(epoch FROM now() - last_seen_at)::float AS silent_seconds
            FROM agents WHERE id = ${id}::uuid`,
      ),
    )[0]!;

  it('keeps vouching for linked agents, and marks those whose node went away disconnected', async () => {
    const org = await makeOrg(hub.database.db);
    const linked = await makeAgent(hub.database.db, org.id);
    const socket = new WebSocket(`${hub.url().replace('http', 'ws')}${AGENT_LINK_PATH}`);
    const messages: HubMessage[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data)) as HubMessage));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(
      JSON.stringify({ type: 'hello', protocol: 1, agentName: linked.name, password: TEST_PASSWORD, version: 'test' }),
    );
    await expect.poll(() => messages.some((message) => message.type === 'welcome')).toBe(true);

    // An agent whose node was killed: still marked connected, no node holds its link.
    const orphan = await makeAgent(hub.database.db, org.id);
    await setAgentConnection(hub.database.db, orphan.id, true, 'test');
    await hub.database.db.execute(
      sql`UPDATE agents SET last_seen_at = now() - interval '1 hour' WHERE id IN (${linked.id}::uuid, ${orphan.id}::uuid)`,
    );
    // This node vouches for its own agent at its next heartbeat.
    await expect.poll(async () => (await agentRow(linked.id)).silent_seconds < 30, { timeout: 5000 }).toBe(true);

    // The hub's own 'agents.disconnect-silent' task may sweep the orphan first; either way, never the linked agent.
    const swept = await disconnectSilentAgents(hub.database.db, 4);
    expect(swept.filter((id) => id !== orphan.id)).toEqual([]);
    expect(await agentRow(orphan.id)).toMatchObject({ connected: false });
    expect(await agentRow(linked.id)).toMatchObject({ connected: true });
    socket.close();
  });
});

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, testDatabaseKinds, withTenant } from '../db/index.ts';
import { makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

const chatTables = ['conversations', 'conversation_members', 'messages', 'message_attachments', 'calls'] as const;

/** Row-level security keeps one organization's chat and call log from another, on PGlite and PostgreSQL. */
describe.each(await testDatabaseKinds())('chat tenancy on %s', (kind) => {
  let hub: TestHub;
  let ownOrg = '';
  let otherOrg = '';

  beforeAll(async () => {
    hub = await startTestHub({ kind });
    const db = hub.database.db;
    ownOrg = (await makeOrg(db)).id;
    otherOrg = (await makeOrg(db)).id;
    const author = await makeUser(db, ownOrg);
    const colleague = await makeUser(db, ownOrg);
    const cookies = await signInCookies(hub.app, author.email, author.password);
    const api = (url: string, payload: Record<string, unknown>) =>
      hub.app.inject({ method: 'POST', url: `/api/v1${url}`, cookies, payload });
    const colleagueId = (
      await hub.app.inject({
        method: 'GET',
        url: '/api/v1/auth/me',
        cookies: await signInCookies(hub.app, colleague.email, colleague.password),
      })
    ).json<{ user: { id: string } }>().user.id;
    const channel = (await api('/chat/conversations', { kind: 'channel', title: 'Ops' })).json<{ id: string }>();
    const posted = await api(`/chat/conversations/${channel.id}/messages`, {
      body: 'log attached',
      attachment: { name: 'dsp.log', contentType: 'text/plain', content: Buffer.from('boot ok').toString('base64') },
    });
    expect(posted.statusCode).toBe(201);
    expect((await api('/calls', { calleeUserId: colleagueId, media: 'audio' })).statusCode).toBe(201);
  });
  afterAll(async () => hub?.close());

  async function countAs(orgIds: string[]): Promise<Record<string, number>> {
    return withTenant(hub.database.db, orgIds, async (tx) => {
      const counts: Record<string, number> = {};
      for (const table of chatTables) {
        const [row] = rowsOf<{ n: number }>(
          await tx.execute(sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`),
        );
        counts[table] = row?.n ?? -1;
      }
      return counts;
    });
  }

  it('shows the organization its own rows and nobody else any', async () => {
    expect(await countAs([ownOrg])).toEqual({
      conversations: 1,
      conversation_members: 1,
      messages: 1,
      message_attachments: 1,
      calls: 1,
    });
    const none = { conversations: 0, conversation_members: 0, messages: 0, message_attachments: 0, calls: 0 };
    expect(await countAs([otherOrg])).toEqual(none);
    expect(await countAs([])).toEqual(none);
  });

  it('refuses to write a row into another organization', async () => {
    const attempt = withTenant(hub.database.db, [otherOrg], (tx) =>
      tx.execute(sql`INSERT INTO conversations (org_id, kind, title) VALUES (${ownOrg}::uuid, 'channel', 'smuggled')`),
    );
    const failure: unknown = await attempt.then(
      () => null,
      (error: unknown) => error,
    );
    // Drizzle wraps the driver's error; the database's reason is its cause.
    expect(String((failure as { cause?: unknown } | null)?.cause)).toMatch(/row-level security/);
  });
});

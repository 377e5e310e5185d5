import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallList } from '@tutti/protocol';
import { createManualClock } from '../clock/index.ts';
import { calls } from '../db/schema.ts';
import { makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

const clock = createManualClock(new Date('2026-12-01T09:00:00Z'));
let hub: TestHub;
let cookies: Record<string, string>;

beforeAll(async () => {
  hub = await startTestHub({ clock, config: { callRingSeconds: 30 } });
  const org = await makeOrg(hub.database.db);
  const user = await makeUser(hub.database.db, org.id);
  cookies = await signInCookies(hub.app, user.email, user.password);
  const me = await hub.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies });
  // A call whose node stopped while it rang: no timer of this node will ever end it.
  await hub.database.db.insert(calls).values({
    orgId: org.id,
    callerUserId: me.json<{ user: { id: string } }>().user.id,
    callerName: 'Test User',
    calleeName: 'Someone',
    media: 'audio',
    state: 'ringing',
    createdAt: new Date(clock.now().getTime() - 10 * 60_000),
  });
});
afterAll(async () => hub?.close());

describe('call sweep', () => {
  it('logs a call left ringing by a stopped node as missed', async () => {
    clock.advance(2 * 60_000);
    await hub.context.scheduler.runDue();
    const log = await hub.app.inject({ method: 'GET', url: '/api/v1/calls', cookies });
    expect(log.json<CallList>().items).toEqual([
      expect.objectContaining({ state: 'missed', endedAt: clock.now().toISOString() }),
    ]);
  });
});

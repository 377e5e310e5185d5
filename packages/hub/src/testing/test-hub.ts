import { randomBytes } from 'node:crypto';
import { createHub, type Hub } from '../hub.ts';
import type { Clock } from '../clock/index.ts';
import type { HubConfigInput } from '../config/hub-config.ts';
import { createTestDatabase, type TestDatabaseKind } from '../db/index.ts';

export interface TestHub extends Hub {
  close(): Promise<void>;
}

/** A hub on a fresh copy of the migrated template; `listen` also opens its port on 127.0.0.1. */
export async function startTestHub(
  options: { kind?: TestDatabaseKind; listen?: boolean; config?: HubConfigInput; clock?: Clock } = {},
): Promise<TestHub> {
  const database = await createTestDatabase(options.kind ?? 'pglite');
  const hub = await createHub({
    database,
    ...(options.clock ? { clock: options.clock } : {}),
    config: {
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      agentHeartbeatSeconds: 5,
      liveFlushMs: 50,
      // Never the developer's ~/.tutti key file.
      secretKey: randomBytes(32).toString('base64url'),
      ...options.config,
    },
  });
  if (options.listen) await hub.start();
  else await hub.app.ready();
  return {
    ...hub,
    async close() {
      await hub.close();
      await database.close();
    },
  };
}

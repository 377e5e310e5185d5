import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock/index.ts';
import type { HubConfigInput } from '../config/hub-config.ts';
import { createTestDatabase, openDatabase, type Database, type TestDatabaseKind } from '../db/index.ts';
import { createHub, type Hub } from '../hub.ts';

export interface TestHubNodes {
  nodes: Hub[];
  database: Database;
  close(): Promise<void>;
}

/**
 * Several hub nodes on one fresh test database, as in a scaled-out deployment: on PostgreSQL each node has its own
 * connection pool; PGlite is one embedded engine, shared by the nodes of this process.
 */
export async function startTestHubNodes(options: {
  kind: TestDatabaseKind;
  count: number;
  listen?: boolean;
  config?: HubConfigInput;
  clock?: Clock;
}): Promise<TestHubNodes> {
  const database = await createTestDatabase(options.kind);
  const url = database.url;
  const nodeDatabases: Database[] = [database];
  for (let node = 1; node < options.count; node++) {
    nodeDatabases.push(url ? await openDatabase({ kind: 'postgres', url }) : database);
  }
  // All nodes of a deployment share the key that seals secrets.
  const secretKey = randomBytes(32).toString('base64url');
  const nodes = await Promise.all(
    nodeDatabases.map((nodeDatabase) =>
      createHub({
        database: nodeDatabase,
        ...(options.clock ? { clock: options.clock } : {}),
        config: {
          host: '127.0.0.1',
          port: 0,
          logLevel: 'silent',
          agentHeartbeatSeconds: 5,
          liveFlushMs: 50,
          secretKey,
          ...options.config,
        },
      }),
    ),
  );
  await Promise.all(nodes.map((node) => (options.listen ? node.start() : node.app.ready())));
  return {
    nodes,
    database,
    async close() {
      await Promise.all(nodes.map((node) => node.close()));
      for (const nodeDatabase of nodeDatabases.slice(1)) if (nodeDatabase !== database) await nodeDatabase.close();
      await database.close();
    },
  };
}

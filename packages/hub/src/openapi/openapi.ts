import { fileURLToPath } from 'node:url';
import { createHub } from '../hub.ts';
import { openDatabase } from '../db/index.ts';

export const openApiFile = fileURLToPath(new URL('../../openapi.json', import.meta.url));

/** The OpenAPI document the hub serves at /api/docs/json, as committed text. */
export async function renderOpenApi(): Promise<string> {
  const database = await openDatabase({ kind: 'pglite', dataDir: null });
  const hub = await createHub({ database, config: { logLevel: 'silent' } });
  try {
    await hub.app.ready();
    return `${JSON.stringify(hub.app.swagger(), null, 2)}\n`;
  } finally {
    await hub.close();
    await database.close();
  }
}

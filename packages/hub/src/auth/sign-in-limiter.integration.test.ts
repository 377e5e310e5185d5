import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '../hub.ts';
import { createTestDatabase, testDatabaseKinds, type Database } from '../db/index.ts';
import { makeOrg, makeUser } from '../testing/factories.ts';

/** Two hub nodes on one database, as behind a load balancer. */
describe.each((await testDatabaseKinds()).filter((kind) => kind === 'postgres'))(
  'sign-in throttling across hub nodes (%s)',
  (kind) => {
    let database: Database;
    const nodes: Hub[] = [];

    beforeAll(async () => {
      database = await createTestDatabase(kind);
      const secretKey = randomBytes(32).toString('base64url');
      for (let node = 0; node < 2; node += 1) {
        const hub = await createHub({
          database,
          config: { host: '127.0.0.1', port: 0, logLevel: 'silent', secretKey },
        });
        await hub.app.ready();
        nodes.push(hub);
      }
    });
    afterAll(async () => {
      for (const hub of nodes) await hub.close();
      await database?.close();
    });

    const signIn = (node: number, email: string, password: string, address: string) =>
      nodes[node]!.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email, password },
        remoteAddress: address,
      });

    it('counts an account’s failures on every node together, so a second node does not double the guesses', async () => {
      const org = await makeOrg(database.db);
      const victim = await makeUser(database.db, org.id);
      const codes: number[] = [];
      for (let attempt = 0; attempt < 5; attempt += 1) {
        // Each guess from its own address through the other node: only the account's counter can stop them.
        codes.push(
          (await signIn(attempt % 2, victim.email, `Guess-${attempt}!x`, `127.0.0.${attempt + 10}`)).statusCode,
        );
      }
      expect(codes).toEqual([401, 401, 401, 401, 401]);
      for (const node of [0, 1]) {
        const locked = await signIn(node, victim.email, victim.password, '127.0.0.20');
        expect(locked.statusCode).toBe(429);
        expect(locked.json().error.code).toBe('RATE_LIMITED');
        expect(locked.json().error.details.retryAfterSeconds).toBeGreaterThan(50);
      }
    });

    it('counts an address’s failures on every node together', async () => {
      const codes: number[] = [];
      for (let attempt = 0; attempt < 21; attempt += 1) {
        const response = await signIn(attempt % 2, `nobody-${attempt}@example.test`, 'Wrong-pass-1!', '127.0.0.99');
        codes.push(response.statusCode);
      }
      expect(codes.slice(0, 20).every((code) => code === 401)).toBe(true);
      expect(codes[20]).toBe(429);
    });
  },
);

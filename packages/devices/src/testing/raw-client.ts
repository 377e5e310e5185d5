import { createConnection, type Socket } from 'node:net';

/** A bare TCP client for tests that need to see exact bytes (prompts, line endings, garbage input). */
export interface RawClient {
  /** Everything received so far, latin1-decoded. */
  text(): string;
  send(data: string | Buffer): void;
  /** Resolves once the received text matches; the test's own timeout bounds the wait. */
  waitFor(pattern: RegExp): Promise<string>;
  /** Resolves when the server closed the connection. */
  closed: Promise<void>;
  logIn(username?: string, password?: string): Promise<void>;
  /** Sends a line and waits for the next `=> ` line after what was received so far. */
  ask(line: string): Promise<string>;
  destroy(): void;
}

export function connectRaw(host: string, port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket: Socket = createConnection({ host, port });
    let received = '';
    const waiters = new Set<() => void>();
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      for (const waiter of [...waiters]) waiter();
    });
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      const client: RawClient = {
        text: () => received,
        send: (data) => void socket.write(data),
        waitFor(pattern) {
          return new Promise((done) => {
            const check = (): void => {
              const match = pattern.exec(received);
              if (match) {
                waiters.delete(check);
                done(match[0]);
              }
            };
            waiters.add(check);
            check();
          });
        },
        closed,
        async logIn(username = 'clearone', password = 'converge') {
          await client.waitFor(/Username: $/);
          client.send(`${username}\r\n`);
          await client.waitFor(/Password: $/);
          client.send(`${password}\r\n`);
          await client.waitFor(/=> LOGIN_OK\r\n/);
        },
        async ask(line) {
          const start = received.length;
          client.send(`${line}\r\n`);
          return new Promise((done) => {
            const check = (): void => {
              const match = /=> ([^\r\n]*)\r\n/.exec(received.slice(start));
              if (match) {
                waiters.delete(check);
                done(match[1] ?? '');
              }
            };
            waiters.add(check);
            check();
          });
        },
        destroy: () => socket.destroy(),
      };
      resolve(client);
    });
    socket.once('error', reject);
  });
}

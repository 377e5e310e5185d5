import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubUnreachableError, patientHubFileRequest } from './hub-files.ts';

let server: Server;
let url: string;
let answers: number[] = [];
const bodies: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(answers.shift() ?? 200).end('{"stored":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const options = (patienceMs: number) => ({ patienceMs, signal: new AbortController().signal });

describe('patientHubFileRequest', () => {
  it('offers the same bytes again while the hub answers that it is unavailable, then returns its answer', async () => {
    answers = [503, 502];
    bodies.length = 0;
    const response = await patientHubFileRequest(
      () => ({ url }),
      'PUT',
      '/files/1',
      {},
      1024,
      Buffer.from('project'),
      options(10_000),
    );
    expect(response.status).toBe(200);
    expect(bodies).toEqual(['project', 'project', 'project']);
  });

  it('does not repeat an answer that is final (a refusal is not an outage)', async () => {
    answers = [403];
    bodies.length = 0;
    const response = await patientHubFileRequest(
      () => ({ url }),
      'GET',
      '/files/2',
      {},
      1024,
      undefined,
      options(10_000),
    );
    expect(response.status).toBe(403);
    expect(bodies).toHaveLength(1);
  });

  it('gives up after its patience with what the last try met', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const started = Date.now();
    const failure = await patientHubFileRequest(
      () => ({ url: closedUrl }),
      'GET',
      '/files/3',
      {},
      1024,
      undefined,
      options(700),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HubUnreachableError);
    expect((failure as Error).message).toMatch(/could not be reached for 1 s \(.*ECONNREFUSED.*\)/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

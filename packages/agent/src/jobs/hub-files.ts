import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

const ANSWER_TOO_LARGE = 'the answer is larger than expected';

export interface HubEndpoint {
  url: string;
  caFile?: string | undefined;
}

export interface HubFileResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One HTTP exchange with the hub's file endpoints (firmware images, configuration backups), over the hub's own
 * TLS settings. Answers larger than `maxBytes` are cut off as errors.
 */
export function hubFileRequest(
  hub: HubEndpoint,
  method: 'GET' | 'PUT',
  path: string,
  headers: Record<string, string>,
  maxBytes: number,
  body?: Uint8Array,
): Promise<HubFileResponse> {
  const url = new URL(path, hub.url);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const call = request(
      url,
      {
        method,
        headers: {
          ...headers,
          ...(body ? { 'content-type': 'application/octet-stream', 'content-length': String(body.byteLength) } : {}),
        },
        ...(hub.caFile ? { ca: readFileSync(hub.caFile) } : {}),
        timeout: 60_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size > maxBytes) response.destroy(new Error(ANSWER_TOO_LARGE));
          else chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    call.on('timeout', () => call.destroy(new Error('the hub did not answer in time')));
    call.on('error', reject);
    call.end(body);
  });
}

/** How long a job target waits for a hub that restarts or changes node before it fails as hub_unreachable. */
export const HUB_FILE_PATIENCE_MS = 2 * 60_000;

export interface PatientHubFileRequestOptions {
  /** How long to keep trying while the hub cannot be reached or answers that it is unavailable. */
  patienceMs: number;
  /** Stops the waiting (the agent is closing). */
  signal: AbortSignal;
}

/** Thrown when the hub stayed out of reach for the whole patience; says for how long and what the last try met. */
export class HubUnreachableError extends Error {
  constructor(patienceMs: number, cause: string) {
    super(`The hub could not be reached for ${Math.round(patienceMs / 1000)} s (${cause}).`);
    this.name = 'HubUnreachableError';
  }
}

const retriableStatus = (status: number) => status === 502 || status === 503 || status === 504;

/**
 * `hubFileRequest` that rides out a hub restart or a node change behind a balancer: connection failures and
 * 502/503/504 are tried again with a growing pause until `patienceMs` has passed. Repeating is safe because the
 * hub's file endpoints are idempotent per job target and attempt (a second upload of a backup stores nothing new).
 */
export async function patientHubFileRequest(
  hub: () => HubEndpoint | null,
  method: 'GET' | 'PUT',
  path: string,
  headers: Record<string, string>,
  maxBytes: number,
  body: Uint8Array | undefined,
  options: PatientHubFileRequestOptions,
): Promise<HubFileResponse> {
  const deadline = Date.now() + options.patienceMs;
  let pauseMs = 200;
  for (;;) {
    let problem: string;
    const endpoint = hub();
    if (!endpoint) {
      problem = 'no hub connection configured';
    } else {
      try {
        const response = await hubFileRequest(endpoint, method, path, headers, maxBytes, body);
        if (!retriableStatus(response.status)) return response;
        problem = `HTTP ${response.status}`;
      } catch (error) {
        if (error instanceof Error && error.message === ANSWER_TOO_LARGE) throw error;
        problem = error instanceof Error ? error.message : String(error);
      }
    }
    options.signal.throwIfAborted();
    if (Date.now() + pauseMs > deadline) throw new HubUnreachableError(options.patienceMs, problem);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    options.signal.throwIfAborted();
    pauseMs = Math.min(pauseMs * 2, 5_000);
  }
}

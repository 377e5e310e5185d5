import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

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
          if (size > maxBytes) response.destroy(new Error('the answer is larger than expected'));
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

import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { appError, AGENT_LINK_PATH } from '@tutti/protocol';
import type { HubSettings } from '../config/agent-config.ts';

/** Largest archive the agent accepts; real packages are a few megabytes. */
const MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024;

/** `wss://hub.example/agent/v1` or `https://hub.example` → `https://hub.example/agent/v1/packages/<path>`. */
export function agentPackageUrl(hubUrl: string, path: string): string {
  const url = new URL(hubUrl);
  if (url.protocol === 'wss:') url.protocol = 'https:';
  if (url.protocol === 'ws:') url.protocol = 'http:';
  const base = url.pathname.replace(/\/+$/, '').replace(new RegExp(`${AGENT_LINK_PATH}$`), '');
  url.pathname = `${base}${AGENT_LINK_PATH}/packages/${path}`;
  return url.toString();
}

/**
 * GETs a package file from the hub with the agent's own account (HTTP Basic over the same TLS settings as the
 * link: Node's certificate checks, with the configured CA when there is one).
 */
export function downloadFromHub(hub: HubSettings, path: string): Promise<Buffer> {
  const url = new URL(agentPackageUrl(hub.url, path));
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = {
    authorization: `Basic ${Buffer.from(`${hub.agentName}:${hub.password}`, 'utf8').toString('base64')}`,
  };
  if (hub.organization) headers['x-tutti-organization'] = hub.organization;
  return new Promise<Buffer>((resolve, reject) => {
    const outgoing = request(
      url,
      { method: 'GET', headers, timeout: 60_000, ...(hub.caFile ? { ca: readFileSync(hub.caFile) } : {}) },
      (response) => {
        const chunks: Buffer[] = [];
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_DOWNLOAD_BYTES) {
            response.destroy(appError('AGENT_PACKAGE_REJECTED', { reason: 'download larger than allowed' }));
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          if (response.statusCode === 200) return resolve(body);
          if (response.statusCode === 404) return reject(appError('AGENT_PACKAGE_NOT_FOUND', { path }));
          reject(new Error(`the hub answered ${response.statusCode ?? '?'} for ${url.pathname}`));
        });
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer from the hub for ${url.pathname}`)));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

import { appError, AGENT_LINK_PATH } from '@tutti/protocol';
import type { HubSettings } from '../config/agent-config.ts';
import { hubFileRequest } from '../jobs/hub-files.ts';

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
export async function downloadFromHub(hub: HubSettings, path: string): Promise<Buffer> {
  const url = agentPackageUrl(hub.url, path);
  const headers: Record<string, string> = {
    authorization: `Basic ${Buffer.from(`${hub.agentName}:${hub.password}`, 'utf8').toString('base64')}`,
  };
  if (hub.organization) headers['x-tutti-organization'] = hub.organization;
  const response = await hubFileRequest({ url, caFile: hub.caFile }, 'GET', url, headers, MAX_DOWNLOAD_BYTES);
  if (response.status === 200) return response.body;
  if (response.status === 404) throw appError('AGENT_PACKAGE_NOT_FOUND', { path });
  throw new Error(`the hub answered ${response.status} for ${new URL(url).pathname}`);
}

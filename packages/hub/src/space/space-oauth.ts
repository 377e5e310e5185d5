import { createHash, randomBytes } from 'node:crypto';
import { spaceApi } from '@tutti/devices';

/** The service refused the grant (invalid_grant, revoked or expired tokens, refused consent): link again. */
export class SpaceGrantRefused extends Error {}
/** The service did not answer, or answered 5xx. */
export class SpaceUnreachable extends Error {}

export interface SpaceTokenSet {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
}

const TIMEOUT_MS = 5_000;

export function newPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** RFC 6749 §4.1.1 with RFC 7636 S256. */
export function authorizeUrl(
  baseUrl: string,
  params: { clientId: string; redirectUri: string; challenge: string; state: string },
): string {
  const url = new URL(spaceApi.authorize, baseUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: params.clientId,
    redirect_uri: params.redirectUri,
    code_challenge: params.challenge,
    code_challenge_method: 'S256',
    state: params.state,
    scope: 'read',
  }).toString();
  return url.toString();
}

function oauthError(body: Record<string, unknown>, fallback: string): string {
  return typeof body.error === 'string' ? body.error : fallback;
}

async function call(url: URL, init: RequestInit): Promise<Response> {
  try {
    const response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (response.status >= 500) throw new SpaceUnreachable(`${url.host} answered ${response.status}`);
    return response;
  } catch (error) {
    if (error instanceof SpaceUnreachable) throw error;
    throw new SpaceUnreachable(error instanceof Error ? error.message : String(error));
  }
}

async function tokenRequest(baseUrl: string, fields: Record<string, string>, now: Date): Promise<SpaceTokenSet> {
  const response = await call(new URL(spaceApi.token, baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new SpaceGrantRefused(oauthError(body, String(response.status)));
  const { access_token: access, refresh_token: refresh, expires_in: expiresIn } = body;
  if (typeof access !== 'string' || typeof refresh !== 'string' || typeof expiresIn !== 'number') {
    throw new SpaceUnreachable('token answer without tokens');
  }
  return { accessToken: access, refreshToken: refresh, expiresAt: new Date(now.getTime() + expiresIn * 1000) };
}

export function exchangeCode(
  baseUrl: string,
  params: { clientId: string; code: string; redirectUri: string; verifier: string },
  now: Date,
): Promise<SpaceTokenSet> {
  return tokenRequest(
    baseUrl,
    {
      grant_type: 'authorization_code',
      client_id: params.clientId,
      code: params.code,
      redirect_uri: params.redirectUri,
      code_verifier: params.verifier,
    },
    now,
  );
}

/** Refresh token rotation: the answer carries a new refresh token; the old one is spent. */
export function refreshTokens(
  baseUrl: string,
  params: { clientId: string; refreshToken: string },
  now: Date,
): Promise<SpaceTokenSet> {
  return tokenRequest(
    baseUrl,
    { grant_type: 'refresh_token', client_id: params.clientId, refresh_token: params.refreshToken },
    now,
  );
}

export async function spaceGet(baseUrl: string, path: string, accessToken: string): Promise<Record<string, unknown>> {
  const response = await call(new URL(path, baseUrl), { headers: { authorization: `Bearer ${accessToken}` } });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status === 401) throw new SpaceGrantRefused(oauthError(body, 'invalid_token'));
  if (!response.ok) throw new SpaceUnreachable(`${path} answered ${response.status}`);
  return body;
}

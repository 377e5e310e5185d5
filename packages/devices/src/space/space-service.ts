import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appError, isLoopbackIpv4 } from '@tutti/protocol';
import { spaceAccountStates, spaceApi, type SpaceAccountState } from '../system-commands.ts';

/*
 * A simulated COLLABORATE Space cloud service (DEVICE-PROTOCOL §5: no public API is known, so all of this
 * is [INV], shaped after OAuth 2.0 (RFC 6749), PKCE (RFC 7636) and bearer tokens (RFC 6750)).
 */

export interface SpaceUser {
  id: string;
  email: string;
  name: string;
  accountId: string;
}

export interface SpaceAccount {
  /** Letters, digits and dashes: it is the account's serial in the fleet. */
  id: string;
  name: string;
  status: SpaceAccountState;
  plan: string;
}

export interface SpaceRoom {
  id: string;
  accountId: string;
  name: string;
}

export interface SpaceClient {
  clientId: string;
  redirectUris: string[];
  /** Confidential clients also authenticate with a secret; public clients rely on PKCE alone. */
  clientSecret?: string;
}

export type ConsentDecision = 'approve' | 'deny';

export interface CreateSpaceServiceOptions {
  address: string;
  /** 0 (default) picks a free port. */
  port?: number;
  clients?: SpaceClient[];
  accounts?: SpaceAccount[];
  users?: SpaceUser[];
  rooms?: SpaceRoom[];
  /** Default 15 min. */
  accessTokenTtlMs?: number;
  /** Default 30 days. */
  refreshTokenTtlMs?: number;
  /** Default 60 s. */
  codeTtlMs?: number;
  /** The service version reported by the API. */
  version?: string;
}

export interface SpaceService {
  /** `http://<address>:<port>` once started. */
  readonly url: string;
  start(): Promise<void>;
  close(): Promise<void>;
  /** What the (simulated) user answers on the consent screen. Default approve. */
  setConsent(decision: ConsentDecision): void;
  /** Down: every request is answered 503, as during an outage. */
  setDown(down: boolean): void;
  /** Revokes every access and refresh token (an admin signed the app out everywhere). */
  revokeAll(): void;
  /** Access tokens issued so far expire now; refresh tokens stay valid. */
  expireAccessTokens(): void;
  /** Moves the service clock: a positive skew makes tokens expire that much earlier. */
  setClockSkewMs(skewMs: number): void;
  setAccountStatus(accountId: string, status: SpaceAccountState): void;
  accounts(): SpaceAccount[];
}

interface Grant {
  clientId: string;
  userId: string;
  scope: string;
  /** Every token of one authorization shares a family, so a replayed code or refresh token revokes them all. */
  family: string;
}

interface IssuedCode extends Grant {
  redirectUri: string;
  challenge: string;
  expiresAt: number;
  used: boolean;
}

interface IssuedToken extends Grant {
  expiresAt: number;
  revoked: boolean;
}

const DEFAULT_ACCESS_TTL_MS = 15 * 60_000;
const DEFAULT_REFRESH_TTL_MS = 30 * 24 * 60 * 60_000;
const DEFAULT_CODE_TTL_MS = 60_000;
const MAX_BODY_BYTES = 16 * 1024;

const defaultAccounts: SpaceAccount[] = [
  { id: 'SPACE-ACME-01', name: 'Acme Corp', status: 'active', plan: 'business' },
];
const defaultUsers: SpaceUser[] = [
  { id: 'u-1', email: 'admin@acme.example', name: 'Ada Admin', accountId: 'SPACE-ACME-01' },
  { id: 'u-2', email: 'tech@acme.example', name: 'Tom Tech', accountId: 'SPACE-ACME-01' },
];
const defaultRooms: SpaceRoom[] = [
  { id: 'r-1', accountId: 'SPACE-ACME-01', name: 'Boardroom' },
  { id: 'r-2', accountId: 'SPACE-ACME-01', name: 'Huddle 1' },
];
const defaultClients: SpaceClient[] = [{ clientId: 'tutti', redirectUris: ['http://127.0.0.1/callback'] }];

function token(): string {
  return randomBytes(24).toString('base64url');
}

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** RFC 7636 §4.1: 43–128 characters of [A-Z a-z 0-9 - . _ ~]. */
function isVerifier(value: string): boolean {
  return /^[A-Za-z0-9\-._~]{43,128}$/.test(value);
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  response.end(JSON.stringify(body));
}

function oauthError(response: ServerResponse, status: number, error: string, description: string): void {
  send(response, status, { error, error_description: description });
}

function redirect(response: ServerResponse, target: URL): void {
  response.writeHead(302, { location: target.toString() });
  response.end();
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', () => resolve(undefined));
  });
}

/** Form fields of a token request (RFC 6749 uses application/x-www-form-urlencoded); JSON is accepted too. */
function parseForm(request: IncomingMessage, body: string): Map<string, string> {
  const fields = new Map<string, string>();
  if ((request.headers['content-type'] ?? '').includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed && typeof parsed === 'object') {
        for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') fields.set(key, value);
      }
    } catch {
      return fields;
    }
    return fields;
  }
  for (const [key, value] of new URLSearchParams(body)) fields.set(key, value);
  return fields;
}

/**
 * Starts nothing until `start()`. Refuses a non-loopback address before any socket exists.
 */
export function createSpaceService(options: CreateSpaceServiceOptions): SpaceService {
  if (!isLoopbackIpv4(options.address)) throw appError('ADDRESS_NOT_LOOPBACK', { address: options.address });
  const clients = options.clients ?? defaultClients;
  const accounts = new Map((options.accounts ?? defaultAccounts).map((account) => [account.id, { ...account }]));
  const users = options.users ?? defaultUsers;
  const rooms = options.rooms ?? defaultRooms;
  const accessTtl = options.accessTokenTtlMs ?? DEFAULT_ACCESS_TTL_MS;
  const refreshTtl = options.refreshTokenTtlMs ?? DEFAULT_REFRESH_TTL_MS;
  const codeTtl = options.codeTtlMs ?? DEFAULT_CODE_TTL_MS;
  const version = options.version ?? '3.2.0';
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Map<string, IssuedToken>();
  const refreshTokens = new Map<string, IssuedToken>();
  let consent: ConsentDecision = 'approve';
  let down = false;
  let skewMs = 0;
  let server: Server | undefined;
  let url = '';

  const now = (): number => Date.now() + skewMs;

  function revokeFamily(family: string): void {
    for (const issued of [...accessTokens.values(), ...refreshTokens.values()]) {
      if (issued.family === family) issued.revoked = true;
    }
  }

  function issueTokens(grant: Grant): Record<string, unknown> {
    const access = token();
    const refresh = token();
    accessTokens.set(access, { ...grant, expiresAt: now() + accessTtl, revoked: false });
    refreshTokens.set(refresh, { ...grant, expiresAt: now() + refreshTtl, revoked: false });
    return {
      access_token: access,
      token_type: 'Bearer',
      expires_in: Math.floor(accessTtl / 1000),
      refresh_token: refresh,
      scope: grant.scope,
    };
  }

  function authorize(request: URL, response: ServerResponse): void {
    const params = request.searchParams;
    const client = clients.find((candidate) => candidate.clientId === params.get('client_id'));
    const redirectUri = params.get('redirect_uri') ?? '';
    // Without a registered client and redirect URI there is nowhere safe to send the error (RFC 6749 §4.1.2.1).
    if (!client || !client.redirectUris.includes(redirectUri)) {
      oauthError(response, 400, 'invalid_request', 'Unknown client or redirect URI');
      return;
    }
    const back = new URL(redirectUri);
    const state = params.get('state');
    if (state !== null) back.searchParams.set('state', state);
    const fail = (error: string, description: string): void => {
      back.searchParams.set('error', error);
      back.searchParams.set('error_description', description);
      redirect(response, back);
    };
    if (params.get('response_type') !== 'code') return fail('unsupported_response_type', 'Only code is supported');
    const challenge = params.get('code_challenge') ?? '';
    if (params.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
      return fail('invalid_request', 'PKCE with code_challenge_method=S256 is required');
    }
    if (consent === 'deny') return fail('access_denied', 'The user denied access');
    const hint = params.get('login_hint');
    const user = users.find((candidate) => candidate.email === hint) ?? users[0];
    if (!user) return fail('access_denied', 'No user can sign in');
    const code = token();
    codes.set(code, {
      clientId: client.clientId,
      userId: user.id,
      scope: params.get('scope') ?? 'read',
      family: token(),
      redirectUri,
      challenge,
      expiresAt: now() + codeTtl,
      used: false,
    });
    back.searchParams.set('code', code);
    redirect(response, back);
  }

  async function tokenEndpoint(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    if (body === undefined) return oauthError(response, 413, 'invalid_request', 'Request too large');
    const form = parseForm(request, body);
    const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    const clientId = basicId ?? form.get('client_id');
    const client = clients.find((candidate) => candidate.clientId === clientId);
    const secret = basicSecret ?? form.get('client_secret');
    if (!client || (client.clientSecret !== undefined && client.clientSecret !== secret)) {
      return send(
        response,
        401,
        { error: 'invalid_client', error_description: 'Client authentication failed' },
        {
          'www-authenticate': 'Basic realm="space"',
        },
      );
    }
    switch (form.get('grant_type') ?? '') {
      case 'authorization_code': {
        const code = codes.get(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (!code || code.clientId !== client.clientId)
          return oauthError(response, 400, 'invalid_grant', 'Unknown code');
        if (code.used) {
          // A replayed code may be stolen: everything it produced is revoked (RFC 6749 §4.1.2).
          revokeFamily(code.family);
          return oauthError(response, 400, 'invalid_grant', 'Code already used');
        }
        code.used = true;
        if (code.expiresAt <= now()) return oauthError(response, 400, 'invalid_grant', 'Code expired');
        if (form.get('redirect_uri') !== code.redirectUri) {
          return oauthError(response, 400, 'invalid_grant', 'redirect_uri does not match');
        }
        if (!isVerifier(verifier) || pkceChallenge(verifier) !== code.challenge) {
          return oauthError(response, 400, 'invalid_grant', 'PKCE verification failed');
        }
        return send(response, 200, issueTokens(code));
      }
      case 'refresh_token': {
        const presented = form.get('refresh_token') ?? '';
        const refresh = refreshTokens.get(presented);
        if (!refresh || refresh.clientId !== client.clientId) {
          return oauthError(response, 400, 'invalid_grant', 'Unknown refresh token');
        }
        if (refresh.revoked) {
          // Reuse of a rotated token: the whole family goes (refresh token rotation, OAuth 2.1 §4.3.1).
          revokeFamily(refresh.family);
          return oauthError(response, 400, 'invalid_grant', 'Refresh token revoked');
        }
        if (refresh.expiresAt <= now()) return oauthError(response, 400, 'invalid_grant', 'Refresh token expired');
        refresh.revoked = true;
        return send(response, 200, issueTokens(refresh));
      }
      default:
        return oauthError(response, 400, 'unsupported_grant_type', 'Use authorization_code or refresh_token');
    }
  }

  function bearer(request: IncomingMessage, response: ServerResponse): SpaceUser | undefined {
    const presented = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const issued = presented === undefined ? undefined : accessTokens.get(presented);
    const reason =
      presented === undefined
        ? undefined
        : !issued || issued.revoked
          ? 'The access token is not valid'
          : issued.expiresAt <= now()
            ? 'The access token expired'
            : undefined;
    const user = issued && reason === undefined ? users.find((candidate) => candidate.id === issued.userId) : undefined;
    if (user) return user;
    const challenge =
      presented === undefined
        ? 'Bearer realm="space"'
        : `Bearer realm="space", error="invalid_token", error_description="${reason ?? 'Unknown user'}"`;
    send(
      response,
      401,
      { error: 'invalid_token', error_description: reason ?? 'Sign in first' },
      {
        'www-authenticate': challenge,
      },
    );
    return undefined;
  }

  function api(path: string, request: IncomingMessage, response: ServerResponse): void {
    const user = bearer(request, response);
    if (!user) return;
    const headers = { [spaceApi.versionHeader]: version };
    if (request.method !== 'GET') return send(response, 405, { error: 'method_not_allowed' }, headers);
    const account = accounts.get(user.accountId);
    if (path === spaceApi.me) return send(response, 200, { ...user }, headers);
    if (path === spaceApi.accounts) return send(response, 200, { items: account ? [account] : [] }, headers);
    if (path.startsWith(`${spaceApi.accounts}/`)) {
      const id = decodeURIComponent(path.slice(spaceApi.accounts.length + 1));
      if (id !== user.accountId || !account) return send(response, 404, { error: 'not_found' }, headers);
      return send(response, 200, { ...account, version }, headers);
    }
    if (path === spaceApi.rooms) {
      return send(response, 200, { items: rooms.filter((room) => room.accountId === user.accountId) }, headers);
    }
    if (path === spaceApi.users) {
      const members = users.filter((candidate) => candidate.accountId === user.accountId);
      return send(response, 200, { items: members }, headers);
    }
    send(response, 404, { error: 'not_found' }, headers);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (down) return send(response, 503, { error: 'service_unavailable' }, { 'retry-after': '30' });
    const target = new URL(request.url ?? '/', 'http://space.invalid');
    if (target.pathname === spaceApi.authorize && request.method === 'GET') return authorize(target, response);
    if (target.pathname === spaceApi.token) {
      if (request.method !== 'POST') return send(response, 405, { error: 'method_not_allowed' });
      return tokenEndpoint(request, response);
    }
    if (target.pathname.startsWith('/api/v1/')) return api(target.pathname, request, response);
    send(response, 404, { error: 'not_found' });
  }

  return {
    get url() {
      return url;
    },
    async start() {
      if (server) return;
      const created = createServer((request, response) => {
        handle(request, response).catch(() => send(response, 500, { error: 'server_error' }));
      });
      await new Promise<void>((resolve, reject) => {
        created.once('error', reject);
        created.listen({ host: options.address, port: options.port ?? 0, exclusive: true }, () => {
          created.off('error', reject);
          resolve();
        });
      });
      server = created;
      url = `http://${options.address}:${(created.address() as AddressInfo).port}`;
    },
    async close() {
      const current = server;
      server = undefined;
      if (!current) return;
      current.closeAllConnections();
      await new Promise<void>((resolve) => current.close(() => resolve()));
    },
    setConsent(decision) {
      consent = decision;
    },
    setDown(value) {
      down = value;
    },
    revokeAll() {
      for (const issued of [...accessTokens.values(), ...refreshTokens.values()]) issued.revoked = true;
    },
    expireAccessTokens() {
      const at = now();
      for (const issued of accessTokens.values()) issued.expiresAt = Math.min(issued.expiresAt, at);
    },
    setClockSkewMs(value) {
      skewMs = value;
    },
    setAccountStatus(accountId, status) {
      const account = accounts.get(accountId);
      if (!account) throw appError('CONFIG_INVALID', { accountId }, `No Space account ${accountId}`);
      if (!(spaceAccountStates as readonly string[]).includes(status)) throw appError('CONFIG_INVALID', { status });
      account.status = status;
    },
    accounts() {
      return [...accounts.values()].map((account) => ({ ...account }));
    },
  };
}

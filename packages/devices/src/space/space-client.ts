import { randomBytes } from 'node:crypto';
import { appError, isLoopbackIpv4, type DeviceStatus } from '@tutti/protocol';
import { DeviceLoginError, DeviceProtocolError, DeviceUnreachableError } from '../driver/errors.ts';
import { spaceAccountStates, spaceApi, type SpaceAccountState } from '../system-commands.ts';
import { pkceChallenge } from './space-service.ts';

export interface ConnectSpaceOptions {
  /** `http://127.x.y.z:port` of the service. */
  baseUrl: string;
  clientId: string;
  redirectUri: string;
  clientSecret?: string;
  scope?: string;
  /** Which user signs in on the (simulated) consent screen. */
  loginHint?: string;
}

export interface SpaceTokens {
  accessToken: string;
  refreshToken: string;
  /** Client clock, ms since epoch. */
  expiresAt: number;
}

/** A Space account as the fleet records it: the account id is its serial, the service version its firmware. */
export interface SpaceIdentity {
  model: 'COLLABORATE_SPACE';
  serial: string;
  name: string;
  firmware: string;
  accountStatus: SpaceAccountState;
}

export interface SpaceSession {
  readonly tokens: SpaceTokens;
  /** Uses the refresh token (rotating it); DeviceLoginError when the grant is no longer valid. */
  refresh(): Promise<void>;
  /** GET on the API; refreshes once and retries when the access token expired. */
  get(path: string): Promise<unknown>;
  readIdentity(): Promise<SpaceIdentity>;
}

const fetchTimeoutMs = 5_000;

function checkBaseUrl(baseUrl: string): URL {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw appError('CONFIG_INVALID', { baseUrl });
  if (!isLoopbackIpv4(url.hostname)) throw appError('ADDRESS_NOT_LOOPBACK', { address: url.hostname });
  return url;
}

async function request(url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(fetchTimeoutMs) });
  } catch (error) {
    throw new DeviceUnreachableError(`${url.host}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function unavailable(response: Response, url: URL): DeviceUnreachableError | undefined {
  return response.status >= 500 ? new DeviceUnreachableError(`${url.host} answered ${response.status}`) : undefined;
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  const body: unknown = await response.json().catch(() => undefined);
  if (!body || typeof body !== 'object') throw new DeviceProtocolError(`Unreadable answer (${response.status})`);
  return body as Record<string, unknown>;
}

/**
 * Signs in to a COLLABORATE Space service with the authorization code grant and PKCE (S256), as a browser
 * would: the authorization request is followed to its redirect, whose code is exchanged for tokens.
 * DeviceLoginError when the user (or the service) refuses; DeviceUnreachableError when the service is down.
 */
export async function connectSpace(options: ConnectSpaceOptions): Promise<SpaceSession> {
  const base = checkBaseUrl(options.baseUrl);
  const verifier = randomBytes(48).toString('base64url');
  const state = randomBytes(12).toString('base64url');
  const authorize = new URL(spaceApi.authorize, base);
  const query: Record<string, string> = {
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    code_challenge: pkceChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    scope: options.scope ?? 'read',
    ...(options.loginHint ? { login_hint: options.loginHint } : {}),
  };
  for (const [key, value] of Object.entries(query)) authorize.searchParams.set(key, value);
  const answer = await request(authorize, { method: 'GET' });
  const down = unavailable(answer, base);
  if (down) throw down;
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) {
    throw new DeviceLoginError(`Authorization refused (${answer.status})`);
  }
  const back = new URL(location);
  if (back.searchParams.get('state') !== state) throw new DeviceProtocolError('Authorization state does not match');
  const code = back.searchParams.get('code');
  if (!code) throw new DeviceLoginError(`Authorization refused: ${back.searchParams.get('error') ?? 'no code'}`);
  const session = new SpaceSessionImpl(base, options);
  await session.grant({
    grant_type: 'authorization_code',
    code,
    redirect_uri: options.redirectUri,
    code_verifier: verifier,
  });
  return session;
}

class SpaceSessionImpl implements SpaceSession {
  private current: SpaceTokens | undefined;
  private readonly base: URL;
  private readonly options: ConnectSpaceOptions;

  constructor(base: URL, options: ConnectSpaceOptions) {
    this.base = base;
    this.options = options;
  }

  get tokens(): SpaceTokens {
    if (!this.current) throw new DeviceProtocolError('Not signed in');
    return { ...this.current };
  }

  async grant(fields: Record<string, string>): Promise<void> {
    const body = new URLSearchParams({ ...fields, client_id: this.options.clientId });
    if (this.options.clientSecret !== undefined) body.set('client_secret', this.options.clientSecret);
    const url = new URL(spaceApi.token, this.base);
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const down = unavailable(response, this.base);
    if (down) throw down;
    const json = await readJson(response);
    if (!response.ok) {
      // invalid_grant (expired, revoked, replayed) and invalid_client both mean: sign in again.
      throw new DeviceLoginError(`Token request refused: ${String(json.error)}`);
    }
    const { access_token: access, refresh_token: refresh, expires_in: expiresIn } = json;
    if (typeof access !== 'string' || typeof refresh !== 'string' || typeof expiresIn !== 'number') {
      throw new DeviceProtocolError('Token answer lacks tokens');
    }
    this.current = { accessToken: access, refreshToken: refresh, expiresAt: Date.now() + expiresIn * 1000 };
  }

  refresh(): Promise<void> {
    return this.grant({ grant_type: 'refresh_token', refresh_token: this.tokens.refreshToken });
  }

  async get(path: string): Promise<unknown> {
    const first = await this.fetchApi(path);
    if (first.status !== 401) return this.answer(first);
    await this.refresh();
    const second = await this.fetchApi(path);
    if (second.status === 401) throw new DeviceLoginError('Access token refused after a refresh');
    return this.answer(second);
  }

  private fetchApi(path: string): Promise<Response> {
    return request(new URL(path, this.base), {
      method: 'GET',
      headers: { authorization: `Bearer ${this.tokens.accessToken}` },
    });
  }

  private async answer(response: Response): Promise<unknown> {
    const down = unavailable(response, this.base);
    if (down) throw down;
    const json = await readJson(response);
    if (!response.ok) throw new DeviceProtocolError(`API answered ${response.status}: ${String(json.error)}`);
    return { ...json, version: json.version ?? response.headers.get(spaceApi.versionHeader) ?? '' };
  }

  async readIdentity(): Promise<SpaceIdentity> {
    const me = await this.get(spaceApi.me);
    const accountId = (me as { accountId?: unknown }).accountId;
    if (typeof accountId !== 'string') throw new DeviceProtocolError('No account in /me');
    const account = (await this.get(`${spaceApi.accounts}/${encodeURIComponent(accountId)}`)) as Record<
      string,
      unknown
    >;
    const status = account.status;
    if (typeof status !== 'string' || !(spaceAccountStates as readonly string[]).includes(status)) {
      throw new DeviceProtocolError(`Unknown account status ${String(status)}`);
    }
    return {
      model: 'COLLABORATE_SPACE',
      serial: accountId,
      name: typeof account.name === 'string' ? account.name : accountId,
      firmware: typeof account.version === 'string' ? account.version : '',
      accountStatus: status as SpaceAccountState,
    };
  }
}

export interface DeriveSpaceStatusInput {
  /** The service answered (not down, not 5xx). */
  reachable: boolean;
  /** Tokens still valid (no invalid_grant, no refused consent). */
  authorized: boolean;
  accountStatus?: SpaceAccountState;
}

/**
 * A Space account uses the video statuses: Down when the service does not answer; Communication Service
 * Failed when Tutti lost its authorization or the account is not active; else Healthy.
 */
export function deriveSpaceStatus(input: DeriveSpaceStatusInput): DeviceStatus {
  if (!input.reachable) return 'down';
  if (!input.authorized || (input.accountStatus !== undefined && input.accountStatus !== 'active')) {
    return 'communication_service_failed';
  }
  return 'healthy';
}

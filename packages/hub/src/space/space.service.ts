import { randomBytes } from 'node:crypto';
import { spaceApi } from '@tutti/devices';
import {
  appError,
  SPACE_SCREEN_PATH,
  type SpaceAccountDto,
  type SpaceAccountList,
  type SpaceDirectory,
  type spaceCallbackQuerySchema,
} from '@tutti/protocol';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import type { AuthContext, ClientInfo } from '../auth/index.ts';
import { withTenant, type Db, type Tx } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import {
  authorizeUrl,
  exchangeCode,
  newPkcePair,
  refreshTokens,
  spaceGet,
  SpaceGrantRefused,
  SpaceUnreachable,
  type SpaceTokenSet,
} from './space-oauth.ts';
import {
  deleteExpiredLinkRequests,
  deleteSpaceAccount,
  findSpaceAccount,
  insertLinkRequest,
  listAccountsDueForRefresh,
  listSpaceAccountRows,
  lockSpaceAccount,
  takeLinkRequest,
  updateSpaceAccount,
  upsertSpaceAccount,
  type SpaceAccountRow,
} from './space.queries.ts';

/** How often one hub node refreshes the tokens that would expire before its next run. */
export const REFRESH_SWEEP_MS = 5 * 60_000;
const REFRESH_BATCH = 200;
/** How long the consent screen may take. */
const LINK_REQUEST_TTL_MS = 10 * 60_000;
/** Access tokens are refreshed this long before they expire, so a request never goes out with a dying token. */
export const REFRESH_MARGIN_MS = 60_000;

type SpaceContext = Pick<HubContext, 'config' | 'secrets' | 'clock' | 'db' | 'log'>;

function baseUrlOf(context: SpaceContext): string {
  if (!context.config.spaceBaseUrl) throw appError('SPACE_NOT_CONFIGURED');
  return context.config.spaceBaseUrl;
}

const tokensPurpose = (orgId: string, accountId: string) => `space-tokens:${orgId}:${accountId}`;
const verifierPurpose = (orgId: string, state: string) => `space-link:${orgId}:${state}`;

export function toSpaceAccountDto(row: SpaceAccountRow): SpaceAccountDto {
  const status =
    row.linkState === 'unreachable'
      ? 'down'
      : row.linkState === 'relink_required' || row.accountStatus !== 'active'
        ? 'communication_service_failed'
        : 'healthy';
  return {
    id: row.id,
    accountId: row.accountId,
    name: row.name,
    plan: row.plan,
    accountStatus: row.accountStatus,
    linkState: row.linkState,
    status,
    linkedEmail: row.linkedEmail,
    checkedAt: row.checkedAt?.toISOString() ?? null,
  };
}

export async function listSpaceAccounts(tx: Tx, orgId: string): Promise<SpaceAccountList> {
  return { items: (await listSpaceAccountRows(tx, orgId)).map(toSpaceAccountDto) };
}

/** Step 1: a PKCE verifier (sealed) and state kept for the callback; the browser goes to the returned URL. */
export async function startSpaceLink(
  context: SpaceContext,
  auth: AuthContext,
  redirectUri: string,
): Promise<{ authorizeUrl: string }> {
  const baseUrl = baseUrlOf(context);
  if (!auth.userId) throw appError('SESSION_REQUIRED');
  const userId = auth.userId;
  const now = context.clock.now();
  const state = randomBytes(24).toString('base64url');
  const { verifier, challenge } = newPkcePair();
  await withTenant(context.db, auth.orgIds, async (tx) => {
    await deleteExpiredLinkRequests(tx, auth.orgId, now);
    await insertLinkRequest(tx, {
      state,
      orgId: auth.orgId,
      userId,
      sealedVerifier: context.secrets.seal(verifier, verifierPurpose(auth.orgId, state)),
      expiresAt: new Date(now.getTime() + LINK_REQUEST_TTL_MS),
    });
  });
  return {
    authorizeUrl: authorizeUrl(baseUrl, { clientId: context.config.spaceClientId, redirectUri, challenge, state }),
  };
}

/**
 * Step 2, where the service sends the browser back: the code is exchanged with the verifier, the account read and
 * stored with its tokens sealed. Answers the web screen to go back to, with `linked` or an error code.
 */
export async function completeSpaceLink(
  context: SpaceContext,
  auth: AuthContext,
  query: z.output<typeof spaceCallbackQuerySchema>,
  redirectUri: string,
  client: ClientInfo,
): Promise<string> {
  const back = (params: Record<string, string>) => `${SPACE_SCREEN_PATH}?${new URLSearchParams(params).toString()}`;
  const baseUrl = baseUrlOf(context);
  const now = context.clock.now();
  const request = await withTenant(context.db, auth.orgIds, (tx) => takeLinkRequest(tx, auth.orgId, query.state, now));
  if (!request || request.userId !== auth.userId) return back({ error: 'SPACE_LINK_INVALID' });
  if (query.error)
    return back({ error: query.error === 'access_denied' ? 'SPACE_CONSENT_DENIED' : 'SPACE_LINK_INVALID' });
  if (!query.code) return back({ error: 'SPACE_LINK_INVALID' });
  const verifier = context.secrets.open(request.sealedVerifier, verifierPurpose(auth.orgId, query.state));
  let tokens: SpaceTokenSet;
  let me: Record<string, unknown>;
  let account: Record<string, unknown>;
  try {
    tokens = await exchangeCode(
      baseUrl,
      { clientId: context.config.spaceClientId, code: query.code, redirectUri, verifier },
      now,
    );
    me = await spaceGet(baseUrl, spaceApi.me, tokens.accessToken);
    account = await spaceGet(
      baseUrl,
      `${spaceApi.accounts}/${encodeURIComponent(String(me.accountId))}`,
      tokens.accessToken,
    );
  } catch (error) {
    if (error instanceof SpaceGrantRefused) return back({ error: 'SPACE_CONSENT_DENIED' });
    if (error instanceof SpaceUnreachable) return back({ error: 'SPACE_UNAVAILABLE' });
    throw error;
  }
  const accountId = String(me.accountId);
  const row = await withTenant(context.db, auth.orgIds, async (tx) => {
    const stored = await upsertSpaceAccount(tx, {
      orgId: auth.orgId,
      accountId,
      name: typeof account.name === 'string' ? account.name : accountId,
      plan: typeof account.plan === 'string' ? account.plan : null,
      accountStatus: typeof account.status === 'string' ? account.status : null,
      linkedEmail: typeof me.email === 'string' ? me.email : null,
      sealedTokens: sealTokens(context, auth.orgId, accountId, tokens),
      accessExpiresAt: tokens.expiresAt,
      linkState: 'linked',
      checkedAt: now,
      linkedByUserId: auth.userId,
    });
    await recordAudit(tx, {
      orgId: auth.orgId,
      actorUserId: auth.userId,
      actorLabel: auth.email,
      action: 'space.link',
      target: `space_account:${stored.id}`,
      after: { accountId, linkedEmail: stored.linkedEmail },
      ip: client.ip,
    });
    return stored;
  });
  return back({ linked: row.id });
}

function sealTokens(context: SpaceContext, orgId: string, accountId: string, tokens: SpaceTokenSet): string {
  return context.secrets.seal(
    JSON.stringify({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }),
    tokensPurpose(orgId, accountId),
  );
}

function openTokens(context: SpaceContext, row: SpaceAccountRow): { accessToken: string; refreshToken: string } {
  return JSON.parse(context.secrets.open(row.sealedTokens ?? '', tokensPurpose(row.orgId, row.accountId))) as {
    accessToken: string;
    refreshToken: string;
  };
}

/**
 * A valid access token for the account, refreshed first when it expires within the margin. A refused refresh
 * (expired or revoked refresh token) forgets the tokens and leaves the account asking to be linked again.
 */
type TokenOutcome =
  | { accessToken: string; error?: never }
  | { accessToken?: never; error: 'SPACE_RELINK_REQUIRED' | 'SPACE_UNAVAILABLE' };

async function accessTokenOf(
  context: SpaceContext,
  orgId: string,
  id: string,
  /** Refresh when the token expires before this instant; default: within the margin from now. */
  refreshBefore?: Date,
): Promise<string> {
  const baseUrl = baseUrlOf(context);
  const outcome = await withTenant(context.db, [orgId], async (tx): Promise<TokenOutcome> => {
    const row = await lockSpaceAccount(tx, orgId, id);
    if (!row) throw appError('SPACE_ACCOUNT_NOT_FOUND', { id });
    if (row.linkState === 'relink_required' || !row.sealedTokens) return { error: 'SPACE_RELINK_REQUIRED' };
    const tokens = openTokens(context, row);
    const now = context.clock.now();
    const due = refreshBefore ?? new Date(now.getTime() + REFRESH_MARGIN_MS);
    if (row.accessExpiresAt && row.accessExpiresAt > due) {
      return { accessToken: tokens.accessToken };
    }
    try {
      const fresh = await refreshTokens(
        baseUrl,
        { clientId: context.config.spaceClientId, refreshToken: tokens.refreshToken },
        now,
      );
      await updateSpaceAccount(tx, orgId, id, {
        sealedTokens: sealTokens(context, orgId, row.accountId, fresh),
        accessExpiresAt: fresh.expiresAt,
        linkState: 'linked',
        lastError: null,
      });
      return { accessToken: fresh.accessToken };
    } catch (error) {
      if (error instanceof SpaceGrantRefused) {
        await markRelinkRequired(tx, orgId, id, error.message, now);
        return { error: 'SPACE_RELINK_REQUIRED' };
      }
      if (error instanceof SpaceUnreachable) {
        await updateSpaceAccount(tx, orgId, id, { linkState: 'unreachable', lastError: error.message, checkedAt: now });
        return { error: 'SPACE_UNAVAILABLE' };
      }
      throw error;
    }
  });
  // Errors are raised after the transaction, so the state it recorded (relink required, unreachable) is kept.
  if (outcome.accessToken === undefined) throw appError(outcome.error, { id });
  return outcome.accessToken;
}

async function markRelinkRequired(tx: Tx, orgId: string, id: string, reason: string, now: Date) {
  await updateSpaceAccount(tx, orgId, id, {
    sealedTokens: null,
    accessExpiresAt: null,
    linkState: 'relink_required',
    lastError: reason,
    checkedAt: now,
  });
}

/** Reads from the service with the account's token; a token refused anyway means the grant is gone. */
async function readSpace<T>(
  context: SpaceContext,
  orgId: string,
  id: string,
  read: (baseUrl: string, accessToken: string) => Promise<T>,
): Promise<T> {
  const accessToken = await accessTokenOf(context, orgId, id);
  try {
    return await read(baseUrlOf(context), accessToken);
  } catch (error) {
    const now = context.clock.now();
    if (error instanceof SpaceGrantRefused) {
      await withTenant(context.db, [orgId], (tx) => markRelinkRequired(tx, orgId, id, error.message, now));
      throw appError('SPACE_RELINK_REQUIRED', { id });
    }
    if (error instanceof SpaceUnreachable) {
      await withTenant(context.db, [orgId], (tx) =>
        updateSpaceAccount(tx, orgId, id, { linkState: 'unreachable', lastError: error.message, checkedAt: now }),
      );
      throw appError('SPACE_UNAVAILABLE', { id });
    }
    throw error;
  }
}

/** Asks the service for the account's current status (refreshing tokens first when due). */
export async function checkSpaceAccount(context: SpaceContext, orgId: string, id: string): Promise<SpaceAccountDto> {
  const row = await withTenant(context.db, [orgId], (tx) => findSpaceAccount(tx, orgId, id));
  if (!row) throw appError('SPACE_ACCOUNT_NOT_FOUND', { id });
  const account = await readSpace(context, orgId, id, (baseUrl, token) =>
    spaceGet(baseUrl, `${spaceApi.accounts}/${encodeURIComponent(row.accountId)}`, token),
  );
  const updated = await withTenant(context.db, [orgId], (tx) =>
    updateSpaceAccount(tx, orgId, id, {
      name: typeof account.name === 'string' ? account.name : row.name,
      accountStatus: typeof account.status === 'string' ? account.status : row.accountStatus,
      linkState: 'linked',
      lastError: null,
      checkedAt: context.clock.now(),
    }),
  );
  return toSpaceAccountDto(updated);
}

/**
 * Keeps linked accounts' tokens fresh without waiting for someone to look: every run refreshes the access tokens
 * that would expire before the next one. A refused refresh leaves the account asking to be linked again.
 */
export async function refreshDueSpaceTokens(context: SpaceContext, tickAt: Date): Promise<void> {
  const before = new Date(tickAt.getTime() + REFRESH_SWEEP_MS + REFRESH_MARGIN_MS);
  for (const account of await listAccountsDueForRefresh(context.db, before, REFRESH_BATCH)) {
    try {
      await accessTokenOf(context, account.orgId, account.id, before);
    } catch (error) {
      // Recorded on the account (re-link or unreachable); the other accounts still get their turn.
      context.log.info({ err: error, spaceAccount: account.id }, 'Space token refresh did not succeed');
    }
  }
}

function items(body: Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(body.items) ? (body.items as Record<string, unknown>[]) : [];
}

export async function spaceDirectory(context: SpaceContext, orgId: string, id: string): Promise<SpaceDirectory> {
  return readSpace(context, orgId, id, async (baseUrl, token) => {
    const rooms = items(await spaceGet(baseUrl, spaceApi.rooms, token));
    const users = items(await spaceGet(baseUrl, spaceApi.users, token));
    return {
      rooms: rooms.map((room) => ({ id: String(room.id), name: String(room.name) })),
      users: users.map((user) => ({ id: String(user.id), name: String(user.name), email: String(user.email) })),
    };
  });
}

export async function unlinkSpaceAccount(db: Db, auth: AuthContext, id: string, client: ClientInfo): Promise<void> {
  await withTenant(db, auth.orgIds, async (tx) => {
    const row = await findSpaceAccount(tx, auth.orgId, id);
    if (!row) throw appError('SPACE_ACCOUNT_NOT_FOUND', { id });
    await deleteSpaceAccount(tx, auth.orgId, id);
    await recordAudit(tx, {
      orgId: auth.orgId,
      actorUserId: auth.userId,
      actorLabel: auth.email,
      action: 'space.unlink',
      target: `space_account:${id}`,
      before: { accountId: row.accountId },
      ip: client.ip,
    });
  });
}

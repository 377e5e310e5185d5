import { appError, languageSchema, type Role, type SessionInfo, type SignInRequest } from '@tutti/protocol';
import type { Db } from '../db/index.ts';
import { recordAudit } from '../audit/index.ts';
import {
  findLiveSessionByTokenHash,
  findUserByEmail,
  findUserById,
  insertSession,
  listMemberships,
  markUserAccessed,
  revokeSession,
  touchSession,
} from './auth.queries.ts';
import { decoyPasswordHash, verifyPassword } from './passwords.ts';
import type { SignInLimiter } from './sign-in-limiter.ts';
import { hashToken, newToken } from './tokens.ts';

const PERSISTENT_SESSION_MS = 30 * 24 * 3600_000;
const BROWSER_SESSION_MS = 12 * 3600_000;
/** Sliding expiry is written at most this often, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60_000;

/** Who is asking, resolved from the session cookie on every request. */
export interface AuthContext {
  sessionId: string;
  userId: string;
  email: string;
  orgId: string;
  role: Role;
  /** Organizations this request may see; what row-level security is set to. */
  orgIds: string[];
}

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

async function sessionInfo(db: Db, userId: string, currentOrgId: string): Promise<SessionInfo> {
  const user = await findUserById(db, userId);
  if (!user) throw appError('UNAUTHENTICATED');
  const memberships = await listMemberships(db, userId);
  const language = languageSchema.safeParse(user.language);
  return {
    user: { id: user.id, email: user.email, name: user.name, language: language.success ? language.data : 'en' },
    currentOrganizationId: currentOrgId,
    memberships,
  };
}

export async function signIn(
  db: Db,
  limiter: SignInLimiter,
  request: Required<SignInRequest>,
  client: ClientInfo,
): Promise<{ token: string; persistent: boolean; expiresAt: Date; info: SessionInfo }> {
  const retryAfter = limiter.retryAfterSeconds(request.email, client.ip);
  if (retryAfter > 0) throw appError('RATE_LIMITED', { retryAfterSeconds: retryAfter });

  const user = await findUserByEmail(db, request.email);
  const passwordOk = user?.passwordHash
    ? await verifyPassword(user.passwordHash, request.password)
    : await verifyPassword(await decoyPasswordHash(), request.password).then(() => false);
  const memberships = user && passwordOk && user.status === 'registered' ? await listMemberships(db, user.id) : [];
  const firstMembership = memberships[0];
  if (!user || !passwordOk || user.status !== 'registered' || !firstMembership) {
    limiter.recordFailure(request.email, client.ip);
    throw appError('INVALID_CREDENTIALS');
  }
  limiter.recordSuccess(request.email);

  const token = newToken();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + (request.staySignedIn ? PERSISTENT_SESSION_MS : BROWSER_SESSION_MS));
  await db.transaction(async (tx) => {
    const session = await insertSession(tx, {
      tokenHash: hashToken(token),
      userId: user.id,
      currentOrgId: firstMembership.organizationId,
      persistent: request.staySignedIn,
      ip: client.ip,
      userAgent: client.userAgent,
      expiresAt,
    });
    await markUserAccessed(tx, user.id, now);
    await recordAudit(tx, {
      orgId: firstMembership.organizationId,
      actorUserId: user.id,
      actorLabel: user.email,
      action: 'auth.sign_in',
      target: `session:${session.id}`,
      ip: client.ip,
    });
  });
  return {
    token,
    persistent: request.staySignedIn,
    expiresAt,
    info: await sessionInfo(db, user.id, firstMembership.organizationId),
  };
}

/** The signed-in caller behind a session token, or null when the token is unknown, expired or revoked. */
export async function resolveSession(db: Db, token: string): Promise<AuthContext | null> {
  const now = new Date();
  const session = await findLiveSessionByTokenHash(db, hashToken(token), now);
  if (!session) return null;
  const user = await findUserById(db, session.userId);
  if (!user || user.status !== 'registered') return null;
  const membership = (await listMemberships(db, user.id)).find((m) => m.organizationId === session.currentOrgId);
  if (!membership) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    const lifetime = session.persistent ? PERSISTENT_SESSION_MS : BROWSER_SESSION_MS;
    await touchSession(db, session.id, now, new Date(now.getTime() + lifetime));
  }
  return {
    sessionId: session.id,
    userId: user.id,
    email: user.email,
    orgId: session.currentOrgId,
    role: membership.role,
    orgIds: [session.currentOrgId],
  };
}

export function currentSessionInfo(db: Db, auth: AuthContext): Promise<SessionInfo> {
  return sessionInfo(db, auth.userId, auth.orgId);
}

export async function signOut(db: Db, auth: AuthContext, client: ClientInfo): Promise<void> {
  await db.transaction(async (tx) => {
    await revokeSession(tx, auth.sessionId, new Date());
    await recordAudit(tx, {
      orgId: auth.orgId,
      actorUserId: auth.userId,
      actorLabel: auth.email,
      action: 'auth.sign_out',
      target: `session:${auth.sessionId}`,
      ip: client.ip,
    });
  });
}

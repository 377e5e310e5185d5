import {
  API_TOKEN_PREFIX,
  appError,
  languageSchema,
  permissionsOf,
  type ChangePasswordRequest,
  type Permission,
  type PersonalSettings,
  type ResetPasswordRequest,
  type Role,
  type SessionDto,
  type SessionInfo,
  type signInRequestSchema,
  type UpdatePersonalSettings,
} from '@tutti/protocol';
import type { z } from 'zod';
import type { Db } from '../db/index.ts';
import { recordAudit } from '../audit/index.ts';
import {
  consumePasswordReset,
  findLiveApiToken,
  findLiveSessionByTokenHash,
  findUserByEmail,
  findMembership,
  findUserById,
  insertMembership,
  insertPasswordReset,
  insertSession,
  insertUser,
  listLiveSessions,
  listMemberships,
  markUserAccessed,
  revokeOwnSession,
  revokeSession,
  revokeUserSessions,
  setMembershipRole,
  setSessionOrganization,
  setUserExternalId,
  setUserPassword,
  touchApiToken,
  touchSession,
  updateUserProfile,
} from './auth.queries.ts';
import { accessMail, mailLanguage } from './mail-texts.ts';
import type { Mailer } from './mailer.ts';
import { assertStrongPassword } from './password-strength.ts';
import { decoyPasswordHash, hashPassword, verifyPassword } from './passwords.ts';
import type { SignInLimiter } from './sign-in-limiter.ts';
import { hashToken, newToken } from './tokens.ts';

const PERSISTENT_SESSION_MS = 30 * 24 * 3600_000;
const BROWSER_SESSION_MS = 12 * 3600_000;
/** Sliding expiry (and a token's last use) is written at most this often, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60_000;

/** Who is asking, resolved from the session cookie or an API token on every request. */
export interface AuthContext {
  /** A browser session, or an API token (`Authorization: Bearer tutti_…`). */
  via: 'session' | 'token';
  sessionId: string | null;
  tokenId: string | null;
  /** The person; for a token, whoever created it (null once they are gone). */
  userId: string | null;
  /** How the audit log names the caller: an email, or `token:<name>`. */
  email: string;
  orgId: string;
  role: Role;
  permissions: readonly Permission[];
  /** Organizations this request may see; what row-level security is set to. Always just the current one. */
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
  const current = memberships.find((membership) => membership.organizationId === currentOrgId);
  if (!current) throw appError('UNAUTHENTICATED');
  const language = languageSchema.safeParse(user.language);
  return {
    user: { id: user.id, email: user.email, name: user.name, language: language.success ? language.data : 'en' },
    currentOrganizationId: currentOrgId,
    role: current.role,
    permissions: [...permissionsOf(current.role)],
    memberships,
  };
}

/** A person a directory (LDAP) or identity provider (OIDC) vouched for, with the role their groups map to. */
export interface DirectoryIdentity {
  orgId: string;
  type: 'ldap' | 'sso';
  email: string;
  name: string;
  /** The LDAP DN or the OIDC subject. */
  externalId: string;
  role: Role;
}

/** How sign-in asks an organization's directory; implemented by the sign-in-providers feature. */
export interface DirectorySignIn {
  /**
   * null: no directory applies to this login. `{ identity: null }`: a directory applies and refused the password
   * (or does not know the person). Throws SIGN_IN_NOT_ALLOWED when the person is in no mapped group.
   */
  authenticate(request: {
    login: string;
    password: string;
    organization: string | undefined;
    knownIdentityOrgId: string | null;
  }): Promise<{ identity: DirectoryIdentity | null } | null>;
}

export interface SignedIn {
  token: string;
  persistent: boolean;
  expiresAt: Date;
  info: SessionInfo;
}

async function startSession(
  db: Db,
  user: { id: string; email: string },
  orgId: string,
  staySignedIn: boolean,
  client: ClientInfo,
  method: 'local' | 'ldap' | 'sso',
): Promise<SignedIn> {
  const token = newToken();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + (staySignedIn ? PERSISTENT_SESSION_MS : BROWSER_SESSION_MS));
  await db.transaction(async (tx) => {
    const session = await insertSession(tx, {
      tokenHash: hashToken(token),
      userId: user.id,
      currentOrgId: orgId,
      persistent: staySignedIn,
      ip: client.ip,
      userAgent: client.userAgent,
      expiresAt,
    });
    await markUserAccessed(tx, user.id, now);
    await recordAudit(tx, {
      orgId,
      actorUserId: user.id,
      actorLabel: user.email,
      action: 'auth.sign_in',
      target: `session:${session.id}`,
      ...(method === 'local' ? {} : { after: { method } }),
      ip: client.ip,
    });
  });
  return { token, persistent: staySignedIn, expiresAt, info: await sessionInfo(db, user.id, orgId) };
}

/**
 * Signs in a person a directory or identity provider vouched for: creates them on first sign-in (Type LDAP or SSO)
 * with the mapped role, and keeps their role in step with the directory afterwards. An address that belongs to a
 * local account, or to a person another organization's directory vouches for, is refused: a directory can only
 * speak for its own people.
 */
export async function signInDirectoryIdentity(
  db: Db,
  identity: DirectoryIdentity,
  staySignedIn: boolean,
  client: ClientInfo,
): Promise<SignedIn> {
  const user = await db.transaction(async (tx) => {
    let row = await findUserByEmail(tx, identity.email);
    if (row && (row.type !== identity.type || row.identityOrgId !== identity.orgId)) {
      throw appError('SIGN_IN_NOT_ALLOWED', { reason: 'the address belongs to another account' });
    }
    if (row && row.status !== 'registered') throw appError('SIGN_IN_NOT_ALLOWED', { reason: 'account disabled' });
    if (!row) {
      row = await insertUser(tx, {
        email: identity.email,
        name: identity.name,
        status: 'registered',
        type: identity.type,
        identityOrgId: identity.orgId,
        externalId: identity.externalId,
      });
      await recordAudit(tx, {
        orgId: identity.orgId,
        actorUserId: row.id,
        actorLabel: row.email,
        action: 'user.provision',
        target: `user:${row.id}`,
        after: { type: identity.type, role: identity.role },
        ip: client.ip,
      });
    } else if (row.externalId !== identity.externalId) {
      await setUserExternalId(tx, row.id, identity.externalId);
    }
    const membership = await findMembership(tx, identity.orgId, row.id);
    if (membership?.disabledAt) throw appError('SIGN_IN_NOT_ALLOWED', { reason: 'account disabled' });
    if (!membership) {
      await insertMembership(tx, { orgId: identity.orgId, userId: row.id, role: identity.role });
    } else if (membership.role !== identity.role) {
      await setMembershipRole(tx, identity.orgId, row.id, identity.role);
      await recordAudit(tx, {
        orgId: identity.orgId,
        actorUserId: row.id,
        actorLabel: row.email,
        action: 'user.role_sync',
        target: `user:${row.id}`,
        before: { role: membership.role },
        after: { role: identity.role },
        ip: client.ip,
      });
    }
    return row;
  });
  return startSession(db, user, identity.orgId, staySignedIn, client, identity.type);
}

/**
 * Sign-in with an email address or user name. Local accounts check their password here; LDAP people, and people
 * the hub does not know yet in an organization with LDAP, are checked by the directory.
 */
export async function signIn(
  db: Db,
  limiter: SignInLimiter,
  request: z.output<typeof signInRequestSchema>,
  client: ClientInfo,
  directory: DirectorySignIn,
): Promise<SignedIn> {
  const login = request.email ?? request.username ?? '';
  const retryAfter = await limiter.retryAfterSeconds(login, client.ip);
  if (retryAfter > 0) throw appError('RATE_LIMITED', { retryAfterSeconds: retryAfter });
  const refuse = async () => {
    await limiter.recordFailure(login, client.ip);
    return appError('INVALID_CREDENTIALS');
  };

  const user = request.email ? await findUserByEmail(db, request.email) : null;
  if (!user || user.type === 'ldap') {
    const answer = await directory.authenticate({
      login,
      password: request.password,
      organization: request.organization,
      knownIdentityOrgId: user?.identityOrgId ?? null,
    });
    if (answer) {
      if (!answer.identity) throw await refuse();
      const signedIn = await signInDirectoryIdentity(db, answer.identity, request.staySignedIn, client);
      await limiter.recordSuccess(login);
      return signedIn;
    }
  }

  const passwordOk = user?.passwordHash
    ? await verifyPassword(user.passwordHash, request.password)
    : await verifyPassword(await decoyPasswordHash(), request.password).then(() => false);
  const memberships = user && passwordOk && user.status === 'registered' ? await listMemberships(db, user.id) : [];
  const firstMembership = memberships[0];
  if (!user || !passwordOk || user.status !== 'registered' || !firstMembership) throw await refuse();
  await limiter.recordSuccess(login);
  return startSession(db, user, firstMembership.organizationId, request.staySignedIn, client, 'local');
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
    await markUserAccessed(db, user.id, now);
  }
  return {
    via: 'session',
    sessionId: session.id,
    tokenId: null,
    userId: user.id,
    email: user.email,
    orgId: session.currentOrgId,
    role: membership.role,
    permissions: permissionsOf(membership.role),
    orgIds: [session.currentOrgId],
  };
}

/** The caller behind an API token, or null when it is malformed, unknown, expired or revoked. */
export async function resolveApiToken(db: Db, token: string): Promise<AuthContext | null> {
  if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 200) return null;
  const now = new Date();
  const found = await findLiveApiToken(db, hashToken(token), now);
  if (!found) return null;
  const { token: row } = found;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await touchApiToken(db, row.id, now);
  }
  return {
    via: 'token',
    sessionId: null,
    tokenId: row.id,
    userId: row.createdByUserId,
    email: `token:${row.name}`,
    orgId: row.orgId,
    role: row.role,
    permissions: permissionsOf(row.role),
    orgIds: [row.orgId],
  };
}

/** A browser session's caller; API tokens cannot switch organizations or manage sessions and personal settings. */
export interface SessionAuth extends AuthContext {
  via: 'session';
  sessionId: string;
  userId: string;
}

export function currentSessionInfo(db: Db, auth: SessionAuth): Promise<SessionInfo> {
  return sessionInfo(db, auth.userId, auth.orgId);
}

export async function signOut(db: Db, auth: SessionAuth, client: ClientInfo): Promise<void> {
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

/** "Choose organization": moves the session to another organization the person has an active account in. */
export async function switchOrganization(
  db: Db,
  auth: SessionAuth,
  organizationId: string,
  client: ClientInfo,
): Promise<SessionInfo> {
  const membership = (await listMemberships(db, auth.userId)).find((m) => m.organizationId === organizationId);
  if (!membership) throw appError('NOT_A_MEMBER', { organizationId });
  await db.transaction(async (tx) => {
    await setSessionOrganization(tx, auth.sessionId, organizationId);
    await recordAudit(tx, {
      orgId: organizationId,
      actorUserId: auth.userId,
      actorLabel: auth.email,
      action: 'auth.switch_organization',
      target: `session:${auth.sessionId}`,
      before: { organizationId: auth.orgId },
      after: { organizationId },
      ip: client.ip,
    });
  });
  return sessionInfo(db, auth.userId, organizationId);
}

export async function listSessions(db: Db, auth: SessionAuth): Promise<SessionDto[]> {
  const rows = await listLiveSessions(db, auth.userId, new Date());
  return rows.map((row) => ({
    id: row.id,
    current: row.id === auth.sessionId,
    persistent: row.persistent,
    ip: row.ip,
    userAgent: row.userAgent,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  }));
}

export async function revokeSessionOf(db: Db, auth: SessionAuth, sessionId: string, client: ClientInfo) {
  await db.transaction(async (tx) => {
    if (!(await revokeOwnSession(tx, auth.userId, sessionId, new Date()))) {
      throw appError('SESSION_NOT_FOUND', { id: sessionId });
    }
    await recordAudit(tx, {
      orgId: auth.orgId,
      actorUserId: auth.userId,
      actorLabel: auth.email,
      action: 'auth.session_revoke',
      target: `session:${sessionId}`,
      ip: client.ip,
    });
  });
}

export async function signOutEverywhere(db: Db, auth: SessionAuth, client: ClientInfo): Promise<void> {
  await db.transaction(async (tx) => {
    const count = await revokeUserSessions(tx, auth.userId, new Date());
    await recordAudit(tx, {
      orgId: auth.orgId,
      actorUserId: auth.userId,
      actorLabel: auth.email,
      action: 'auth.sign_out_everywhere',
      target: `user:${auth.userId}`,
      after: { sessionsRevoked: count },
      ip: client.ip,
    });
  });
}

export interface MailSettings {
  publicUrl: string;
  passwordResetTtlMinutes: number;
}

/**
 * Emails a single-use reset link when the address belongs to a registered person. Answers the same either way, so
 * it does not reveal who has an account; requests per address are throttled by the sign-in limiter.
 */
export async function requestPasswordReset(
  db: Db,
  mailer: Mailer,
  limiter: SignInLimiter,
  settings: MailSettings,
  email: string,
  client: ClientInfo,
): Promise<void> {
  const key = `reset:${email}`;
  const retryAfter = await limiter.retryAfterSeconds(key, client.ip);
  if (retryAfter > 0) throw appError('RATE_LIMITED', { retryAfterSeconds: retryAfter });
  await limiter.recordFailure(key, client.ip);
  const user = await findUserByEmail(db, email);
  if (!user || user.status !== 'registered' || user.type !== 'local') return;
  const token = newToken();
  const now = new Date();
  await db.transaction(async (tx) => {
    await insertPasswordReset(tx, {
      userId: user.id,
      tokenHash: hashToken(token),
      expiresAt: new Date(now.getTime() + settings.passwordResetTtlMinutes * 60_000),
    });
    await recordAudit(tx, {
      orgId: null,
      actorUserId: user.id,
      actorLabel: user.email,
      action: 'auth.password_reset_request',
      target: `user:${user.id}`,
      ip: client.ip,
    });
  });
  const link = `${settings.publicUrl.replace(/\/$/, '')}/reset-password?token=${encodeURIComponent(token)}`;
  await mailer.send(
    accessMail(mailLanguage(user.language), user.email, {
      kind: 'passwordReset',
      name: user.name,
      link,
      ttlMinutes: settings.passwordResetTtlMinutes,
    }),
  );
}

/** Sets a new password from a reset link (single use), and signs the person out everywhere. */
export async function resetPassword(db: Db, request: ResetPasswordRequest, client: ClientInfo): Promise<void> {
  const now = new Date();
  await db.transaction(async (tx) => {
    const userId = await consumePasswordReset(tx, hashToken(request.token), now);
    const user = userId ? await findUserById(tx, userId) : null;
    if (!user || user.status !== 'registered') throw appError('RESET_LINK_INVALID');
    assertStrongPassword(request.password, [user.email, user.name]);
    await setUserPassword(tx, user.id, await hashPassword(request.password));
    await revokeUserSessions(tx, user.id, now);
    await recordAudit(tx, {
      orgId: null,
      actorUserId: user.id,
      actorLabel: user.email,
      action: 'auth.password_reset',
      target: `user:${user.id}`,
      ip: client.ip,
    });
  });
}

function toPersonalSettings(user: NonNullable<Awaited<ReturnType<typeof findUserById>>>): PersonalSettings {
  const language = languageSchema.safeParse(user.language);
  return {
    name: user.name,
    email: user.email,
    language: language.success ? language.data : 'en',
    smsNumber: user.smsNumber,
    termsAccepted: user.termsAcceptedAt !== null,
  };
}

export async function getPersonalSettings(db: Db, auth: SessionAuth): Promise<PersonalSettings> {
  const user = await findUserById(db, auth.userId);
  if (!user) throw appError('UNAUTHENTICATED');
  return toPersonalSettings(user);
}

export async function updatePersonalSettings(
  db: Db,
  auth: SessionAuth,
  changes: UpdatePersonalSettings,
  client: ClientInfo,
): Promise<PersonalSettings> {
  return db.transaction(async (tx) => {
    const before = await findUserById(tx, auth.userId);
    if (!before) throw appError('UNAUTHENTICATED');
    await updateUserProfile(tx, auth.userId, changes);
    const after = (await findUserById(tx, auth.userId))!;
    await recordAudit(tx, {
      orgId: auth.orgId,
      actorUserId: auth.userId,
      actorLabel: auth.email,
      action: 'user.settings_update',
      target: `user:${auth.userId}`,
      before: { name: before.name, language: before.language, smsNumber: before.smsNumber },
      after: { name: after.name, language: after.language, smsNumber: after.smsNumber },
      ip: client.ip,
    });
    return toPersonalSettings(after);
  });
}

/** Changes the caller's password after checking the current one; other sessions are signed out. */
export async function changePassword(
  db: Db,
  limiter: SignInLimiter,
  auth: SessionAuth,
  request: ChangePasswordRequest,
  client: ClientInfo,
): Promise<void> {
  const retryAfter = await limiter.retryAfterSeconds(auth.email, client.ip);
  if (retryAfter > 0) throw appError('RATE_LIMITED', { retryAfterSeconds: retryAfter });
  const user = await findUserById(db, auth.userId);
  if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, request.currentPassword))) {
    await limiter.recordFailure(auth.email, client.ip);
    throw appError('WRONG_PASSWORD');
  }
  assertStrongPassword(request.newPassword, [user.email, user.name]);
  const passwordHash = await hashPassword(request.newPassword);
  await db.transaction(async (tx) => {
    await setUserPassword(tx, user.id, passwordHash);
    await revokeUserSessions(tx, user.id, new Date(), auth.sessionId);
    await recordAudit(tx, {
      orgId: auth.orgId,
      actorUserId: user.id,
      actorLabel: user.email,
      action: 'user.password_change',
      target: `user:${user.id}`,
      ip: client.ip,
    });
  });
}

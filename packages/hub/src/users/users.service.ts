import {
  appError,
  canGrantRole,
  languageSchema,
  type AcceptInvitationRequest,
  type InvitationInfo,
  type Language,
  type OrgUserDto,
  type Role,
  type UpdateUserRequest,
  type UserList,
  type userListQuerySchema,
} from '@tutti/protocol';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import {
  accessMail,
  assertStrongPassword,
  hashPassword,
  hashToken,
  mailLanguage,
  newToken,
  type AuthContext,
  type ClientInfo,
  type Mailer,
} from '../auth/index.ts';
import type { Db, Tx } from '../db/index.ts';
import { activateOrganizationsOwnedBy, organizationName } from '../orgs/orgs.service.ts';
import {
  acceptTerms,
  countActiveOwners,
  deleteMembership,
  findLiveInvitation,
  findOrgUser,
  findOrInviteUser,
  insertInvitation,
  insertMembership,
  listOrgUsers,
  markInvitationAccepted,
  registerUser,
  revokeInvitations,
  updateMembership,
  type OrgUserRow,
} from './users.queries.ts';

export interface InvitationSettings {
  publicUrl: string;
  invitationTtlHours: number;
}

export function toOrgUserDto(row: OrgUserRow): OrgUserDto {
  return {
    id: row.id,
    status: row.status,
    statusSince: row.statusSince.toISOString(),
    name: row.name,
    email: row.email,
    role: row.role,
    lastAccessedAt: row.lastAccessedAt?.toISOString() ?? null,
    type: row.type,
  };
}

function assertGrantable(auth: AuthContext, role: Role): void {
  if (!canGrantRole(auth.permissions, role)) throw appError('ROLE_NOT_GRANTABLE', { role });
}

/** Sends the invitation (new person: a registration link) or a notice (someone who already has a password). */
async function sendInvitation(
  tx: Tx,
  mailer: Mailer,
  settings: InvitationSettings,
  invite: { orgId: string; organizationName: string; user: OrgUserRow; invitedBy: string },
): Promise<void> {
  const base = settings.publicUrl.replace(/\/$/, '');
  const language = mailLanguage(invite.user.language);
  if (invite.user.userStatus !== 'invited') {
    await mailer.send(
      accessMail(language, invite.user.email, {
        kind: 'accountAdded',
        organization: invite.organizationName,
        invitedBy: invite.invitedBy,
        name: invite.user.name,
        url: `${base}/`,
      }),
    );
    return;
  }
  const token = newToken();
  const now = new Date();
  await revokeInvitations(tx, invite.orgId, invite.user.id, now);
  await insertInvitation(tx, {
    orgId: invite.orgId,
    userId: invite.user.id,
    tokenHash: hashToken(token),
    invitedByLabel: invite.invitedBy,
    expiresAt: new Date(now.getTime() + settings.invitationTtlHours * 3600_000),
  });
  await mailer.send(
    accessMail(language, invite.user.email, {
      kind: 'invitation',
      organization: invite.organizationName,
      invitedBy: invite.invitedBy,
      link: `${base}/register?token=${encodeURIComponent(token)}`,
      ttlHours: settings.invitationTtlHours,
    }),
  );
}

/**
 * Gives a person (found by email, or created as Invited) a role in an organization and emails them. Runs in the
 * caller's tenant transaction, which must include `orgId`; used by Add Users and by Add Organization's initial owner.
 */
export async function addMember(
  tx: Tx,
  mailer: Mailer,
  settings: InvitationSettings,
  input: {
    orgId: string;
    organizationName: string;
    email: string;
    name: string;
    role: Role;
    language: Language;
    actor: { userId: string | null; label: string; ip: string | null };
  },
): Promise<OrgUserRow> {
  const userId = await findOrInviteUser(tx, input.email, input.name, input.language);
  if (await findOrgUser(tx, input.orgId, userId)) {
    throw appError('USER_ALREADY_MEMBER', { email: input.email });
  }
  await insertMembership(tx, { orgId: input.orgId, userId, role: input.role });
  const user = (await findOrgUser(tx, input.orgId, userId))!;
  await recordAudit(tx, {
    orgId: input.orgId,
    actorUserId: input.actor.userId,
    actorLabel: input.actor.label,
    action: user.userStatus === 'invited' ? 'user.invite' : 'membership.grant',
    target: `user:${userId}`,
    after: { email: user.email, role: input.role },
    ip: input.actor.ip,
  });
  await sendInvitation(tx, mailer, settings, {
    orgId: input.orgId,
    organizationName: input.organizationName,
    user,
    invitedBy: input.actor.label,
  });
  return user;
}

export async function inviteUsers(
  tx: Tx,
  mailer: Mailer,
  settings: InvitationSettings,
  auth: AuthContext,
  request: { emails: string[]; role: Role; language: Language },
  client: ClientInfo,
): Promise<OrgUserDto[]> {
  assertGrantable(auth, request.role);
  const orgName = await organizationName(tx, auth.orgId);
  const unique = [...new Map(request.emails.map((email) => [email.toLowerCase(), email])).values()];
  const added: OrgUserDto[] = [];
  for (const email of unique) {
    const user = await addMember(tx, mailer, settings, {
      orgId: auth.orgId,
      organizationName: orgName,
      email,
      name: email.split('@')[0]!,
      role: request.role,
      language: request.language,
      actor: { userId: auth.userId, label: auth.email, ip: client.ip },
    });
    added.push(toOrgUserDto(user));
  }
  return added;
}

export async function listUsers(tx: Tx, orgId: string, query: z.output<typeof userListQuerySchema>): Promise<UserList> {
  const result = await listOrgUsers(
    tx,
    { orgId, q: query.q, status: query.status, role: query.role },
    query.sort,
    query.page,
    query.limit,
  );
  return { items: result.items.map(toOrgUserDto), total: result.total, page: query.page, limit: query.limit };
}

export async function getUser(tx: Tx, orgId: string, userId: string): Promise<OrgUserDto> {
  const row = await findOrgUser(tx, orgId, userId);
  if (!row) throw appError('USER_NOT_FOUND', { id: userId });
  return toOrgUserDto(row);
}

/** The target person, checked for changes by the caller: not themselves, and not above the caller's own role. */
async function changeableUser(tx: Tx, auth: AuthContext, userId: string): Promise<OrgUserRow> {
  const row = await findOrgUser(tx, auth.orgId, userId);
  if (!row) throw appError('USER_NOT_FOUND', { id: userId });
  if (userId === auth.userId) throw appError('CANNOT_CHANGE_SELF');
  assertGrantable(auth, row.role);
  return row;
}

async function assertOwnerRemains(tx: Tx, orgId: string, target: OrgUserRow): Promise<void> {
  const isActiveOwner = target.role === 'owner' && target.status === 'registered';
  if (isActiveOwner && (await countActiveOwners(tx, orgId)) <= 1) throw appError('LAST_OWNER');
}

export async function updateUser(
  tx: Tx,
  auth: AuthContext,
  userId: string,
  request: UpdateUserRequest,
  client: ClientInfo,
): Promise<OrgUserDto> {
  const before = await changeableUser(tx, auth, userId);
  if (request.role) assertGrantable(auth, request.role);
  const losesOwner = (request.role !== undefined && request.role !== 'owner') || request.disabled === true;
  if (losesOwner) await assertOwnerRemains(tx, auth.orgId, before);
  await updateMembership(tx, auth.orgId, userId, {
    ...(request.role ? { role: request.role } : {}),
    ...(request.disabled === undefined ? {} : { disabledAt: request.disabled ? new Date() : null }),
  });
  const after = (await findOrgUser(tx, auth.orgId, userId))!;
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'user.update',
    target: `user:${userId}`,
    before: { role: before.role, status: before.status },
    after: { role: after.role, status: after.status },
    ip: client.ip,
  });
  return toOrgUserDto(after);
}

export async function removeUser(tx: Tx, auth: AuthContext, userId: string, client: ClientInfo): Promise<void> {
  const before = await changeableUser(tx, auth, userId);
  await assertOwnerRemains(tx, auth.orgId, before);
  await revokeInvitations(tx, auth.orgId, userId, new Date());
  await deleteMembership(tx, auth.orgId, userId);
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'user.remove',
    target: `user:${userId}`,
    before: { email: before.email, role: before.role },
    ip: client.ip,
  });
}

export async function resendInvitation(
  tx: Tx,
  mailer: Mailer,
  settings: InvitationSettings,
  auth: AuthContext,
  userId: string,
  client: ClientInfo,
): Promise<void> {
  const user = await changeableUser(tx, auth, userId);
  const orgName = await organizationName(tx, auth.orgId);
  if (user.userStatus !== 'invited') throw appError('USER_NOT_INVITED');
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'user.invite_resend',
    target: `user:${userId}`,
    ip: client.ip,
  });
  await sendInvitation(tx, mailer, settings, {
    orgId: auth.orgId,
    organizationName: orgName,
    user,
    invitedBy: auth.email,
  });
}

// ---- The invitation link (system work: the person is not signed in yet) -----------------------------------------

export async function getInvitation(db: Db, token: string): Promise<InvitationInfo> {
  const invitation = await findLiveInvitation(db, hashToken(token), new Date());
  if (!invitation) throw appError('INVITATION_INVALID');
  const language = languageSchema.safeParse(invitation.language);
  return {
    email: invitation.email,
    organizationName: invitation.organizationName,
    language: language.success ? language.data : 'en',
    needsRegistration: invitation.userStatus === 'invited',
  };
}

/** Registers the password (policy and strength), records the accepted terms and language; the link works once. */
export async function acceptInvitation(db: Db, request: AcceptInvitationRequest, client: ClientInfo): Promise<void> {
  const now = new Date();
  const passwordHash = request.password ? await hashPassword(request.password) : null;
  await db.transaction(async (tx) => {
    const invitation = await findLiveInvitation(tx, hashToken(request.token), now);
    if (!invitation || !(await markInvitationAccepted(tx, invitation.id, now))) throw appError('INVITATION_INVALID');
    if (invitation.userStatus === 'invited') {
      if (!request.password || !passwordHash) throw appError('PASSWORD_REQUIRED');
      const name = request.name ?? invitation.name;
      assertStrongPassword(request.password, [invitation.email, name]);
      await registerUser(tx, invitation.userId, {
        passwordHash,
        name,
        language: request.language ?? invitation.language,
        termsAcceptedAt: now,
      });
      await activateOrganizationsOwnedBy(tx, invitation.userId);
    } else {
      await acceptTerms(tx, invitation.userId, request.language, now);
    }
    await recordAudit(tx, {
      orgId: invitation.orgId,
      actorUserId: invitation.userId,
      actorLabel: invitation.email,
      action: 'user.register',
      target: `user:${invitation.userId}`,
      after: { termsAccepted: true, language: request.language ?? invitation.language },
      ip: client.ip,
    });
  });
}

import { randomInt } from 'node:crypto';
import { appError, type Language, type Role } from '@tutti/protocol';
import { recordAudit } from '../audit/index.ts';
import { findUserByEmail, hashPassword, insertMembership, insertUser, meetsPasswordPolicy } from '../auth/index.ts';
import type { Db } from '../db/index.ts';
import { findOrganizationByAccount, insertOrganization } from './orgs.queries.ts';

export type OrganizationKind = 'platform' | 'support' | 'client' | 'enterprise';

function newAccountNumber(): string {
  return `A${String(randomInt(10_000_000, 99_999_999))}`;
}

/** Finds an organization by account number or creates it (idempotent, for bootstrap and the demo). */
export async function ensureOrganization(
  db: Db,
  input: { name: string; kind: OrganizationKind; accountNumber?: string; parentId?: string | null },
  actorLabel: string,
): Promise<{ id: string; accountNumber: string; name: string }> {
  return db.transaction(async (tx) => {
    if (input.accountNumber) {
      const existing = await findOrganizationByAccount(tx, input.accountNumber);
      if (existing) return existing;
    }
    const created = await insertOrganization(tx, {
      name: input.name,
      kind: input.kind,
      accountNumber: input.accountNumber ?? newAccountNumber(),
      parentId: input.parentId ?? null,
    });
    await recordAudit(tx, {
      orgId: created.id,
      actorUserId: null,
      actorLabel,
      action: 'organization.create',
      target: `organization:${created.id}`,
      after: { name: created.name, kind: created.kind },
    });
    return created;
  });
}

/** Creates a registered local user with a role in an organization, or grants the role to an existing one. */
export async function ensureMember(
  db: Db,
  input: { orgId: string; email: string; name: string; password: string; role: Role; language?: Language },
  actorLabel: string,
): Promise<{ userId: string; created: boolean }> {
  if (!meetsPasswordPolicy(input.password)) {
    throw appError(
      'VALIDATION_FAILED',
      { field: 'password' },
      'The password needs at least 8 characters with a letter, a digit and a special character.',
    );
  }
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const existing = await findUserByEmail(tx, input.email);
    const user =
      existing ??
      (await insertUser(tx, {
        email: input.email,
        name: input.name,
        passwordHash,
        language: input.language ?? 'en',
        status: 'registered',
        type: 'local',
      }));
    await insertMembership(tx, { orgId: input.orgId, userId: user.id, role: input.role });
    await recordAudit(tx, {
      orgId: input.orgId,
      actorUserId: null,
      actorLabel,
      action: existing ? 'membership.grant' : 'user.create',
      target: `user:${user.id}`,
      after: { email: input.email, role: input.role },
    });
    return { userId: user.id, created: !existing };
  });
}

import { randomInt, randomUUID } from 'node:crypto';
import {
  appError,
  deviceModelCatalog,
  deviceModels,
  type createOrganizationRequestSchema,
  type Language,
  type OrganizationDto,
  type OrganizationList,
  type organizationListQuerySchema,
  type Role,
  type updateOrganizationRequestSchema,
} from '@tutti/protocol';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import {
  findUserByEmail,
  hashPassword,
  insertMembership,
  insertUser,
  meetsPasswordPolicy,
  type AuthContext,
  type ClientInfo,
  type Mailer,
} from '../auth/index.ts';
import { withTenant, type Db, type Queryable, type Tx } from '../db/index.ts';
import { addMember, type InvitationSettings } from '../users/users.service.ts';
import {
  activateOrganizationsOwnedBy as activateOwned,
  addOrganization,
  findOrganizationByAccount,
  findOrganizationRecord,
  insertOrganization,
  listOrganizations as listOrganizationRows,
  renameOwnOrganization,
  setInitialOwnerUser,
  updateOrganization as updateOrganizationRow,
  type OrganizationRow,
} from './orgs.queries.ts';

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

const proAudioModels = deviceModels.filter((model) => deviceModelCatalog[model].category === 'pro_audio');

/** Which kind of organization an organization adds below itself, if any. */
const childKind: Record<OrganizationKind, OrganizationKind | null> = {
  platform: 'support',
  support: 'client',
  client: null,
  enterprise: null,
};

function toOrganizationDto(row: OrganizationRow): OrganizationDto {
  return {
    id: row.id,
    parentId: row.parent_id,
    kind: row.kind,
    status: row.status,
    name: row.name,
    accountNumber: row.account_number,
    clientReference: row.client_reference,
    startDate: row.start_date,
    endDate: row.end_date,
    maxProAudioDevices: row.max_pro_audio_devices,
    devicesAllocated: row.max_pro_audio_devices,
    proAudioDevices: row.pro_audio_devices,
    servers: row.servers,
    initialOwner: row.initial_owner_email
      ? { email: row.initial_owner_email, name: row.initial_owner_name ?? '' }
      : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function organizationName(db: Queryable, orgId: string): Promise<string> {
  const row = await findOrganizationRecord(db, orgId);
  if (!row) throw appError('ORGANIZATION_NOT_FOUND', { id: orgId });
  return row.name;
}

/** When the initial owner registers, the client organizations waiting for them become active. */
export async function activateOrganizationsOwnedBy(tx: Tx, userId: string): Promise<void> {
  await activateOwned(tx, userId);
}

/** The Organizations table: the organizations directly below the current one (clients of a support org). */
export async function listOrganizations(
  tx: Tx,
  auth: AuthContext,
  query: z.output<typeof organizationListQuerySchema>,
): Promise<OrganizationList> {
  const result = await listOrganizationRows(
    tx,
    proAudioModels,
    {
      parentId: auth.orgId,
      q: query.q,
      status: query.status,
      startFrom: query.startFrom,
      startTo: query.startTo,
      endFrom: query.endFrom,
      endTo: query.endTo,
      hasServers: query.hasServers,
    },
    query.sort,
    query.page,
    query.limit,
  );
  return { items: result.items.map(toOrganizationDto), total: result.total, page: query.page, limit: query.limit };
}

/** The current organization or one directly below it; anything else does not exist for the caller. */
export async function getOrganization(tx: Tx, auth: AuthContext, id: string): Promise<OrganizationDto> {
  const { items } = await listOrganizationRows(tx, proAudioModels, { id }, 'name', 1, 1);
  const row = items[0];
  if (!row || (row.id !== auth.orgId && row.parent_id !== auth.orgId)) {
    throw appError('ORGANIZATION_NOT_FOUND', { id });
  }
  return toOrganizationDto(row);
}

export type CreateOrganizationInput = z.output<typeof createOrganizationRequestSchema>;

function ownerName(input: CreateOrganizationInput): string {
  const name = `${input.initialOwner.firstName} ${input.initialOwner.lastName}`.trim();
  return name || input.initialOwner.email.split('@')[0]!;
}

/**
 * Add Organization: a client organization below the current support organization (or a support organization below
 * the platform), with its service plan and an initial owner who is invited by email. `dryRun` is the Review step:
 * it validates and answers what would be created, creating nothing. Runs in its own tenant transaction scoped to
 * the parent and the new organization.
 */
export async function createOrganization(
  db: Db,
  mailer: Mailer,
  settings: InvitationSettings,
  auth: AuthContext,
  input: CreateOrganizationInput,
  client: ClientInfo,
): Promise<OrganizationDto> {
  const id = randomUUID();
  return withTenant(db, [auth.orgId, id], async (tx) => {
    const parent = await findOrganizationRecord(tx, auth.orgId);
    const kind = parent ? childKind[parent.kind] : null;
    if (!parent || !kind) throw appError('ORGANIZATION_CANNOT_HAVE_CLIENTS');
    const values = {
      id,
      parentId: parent.id,
      kind,
      name: input.name,
      accountNumber: newAccountNumber(),
      status: 'invited' as const,
      clientReference: input.clientReference ?? null,
      startDate: input.startDate ?? new Date().toISOString().slice(0, 10),
      endDate: input.endDate ?? null,
      maxProAudioDevices: input.maxProAudioDevices,
      initialOwnerEmail: input.initialOwner.email,
      initialOwnerName: ownerName(input),
    };
    if (input.dryRun) {
      return toOrganizationDto({
        id,
        parent_id: parent.id,
        kind,
        status: 'invited',
        name: values.name,
        account_number: values.accountNumber,
        client_reference: values.clientReference,
        start_date: values.startDate,
        end_date: values.endDate,
        max_pro_audio_devices: values.maxProAudioDevices,
        pro_audio_devices: 0,
        servers: 0,
        initial_owner_email: values.initialOwnerEmail,
        initial_owner_name: values.initialOwnerName,
        created_at: new Date(),
      });
    }
    await addOrganization(tx, values);
    await recordAudit(tx, {
      orgId: parent.id,
      actorUserId: auth.userId,
      actorLabel: auth.email,
      action: 'organization.create',
      target: `organization:${id}`,
      after: { ...values },
      ip: client.ip,
    });
    const owner = await addMember(tx, mailer, settings, {
      orgId: id,
      organizationName: input.name,
      email: input.initialOwner.email,
      name: ownerName(input),
      role: 'owner',
      language: input.initialOwner.language,
      actor: { userId: auth.userId, label: auth.email, ip: client.ip },
    });
    await updateOrganizationRow(tx, id, owner.userStatus === 'invited' ? {} : { status: 'active' });
    await setInitialOwnerUser(tx, id, owner.id);
    return getOrganization(tx, { ...auth, orgId: parent.id }, id);
  });
}

export async function updateOrganization(
  tx: Tx,
  auth: AuthContext,
  id: string,
  changes: z.output<typeof updateOrganizationRequestSchema>,
  client: ClientInfo,
): Promise<OrganizationDto> {
  const before = await getOrganization(tx, auth, id);
  // An organization renames itself (Settings > Organization); its plan belongs to the organization above it.
  const renamingItself = id === auth.orgId && Object.keys(changes).every((key) => key === 'name');
  if (before.parentId !== auth.orgId && !renamingItself)
    throw appError('FORBIDDEN', { reason: 'only the parent organization edits a plan' });
  const endDate = changes.endDate === undefined ? before.endDate : changes.endDate;
  const startDate = changes.startDate ?? before.startDate;
  if (endDate && startDate && endDate < startDate) {
    throw appError('VALIDATION_FAILED', {
      issues: [{ path: 'body.endDate', message: 'The end date is before the start date.' }],
    });
  }
  if (renamingItself && changes.name !== undefined) await renameOwnOrganization(tx, id, changes.name);
  else await updateOrganizationRow(tx, id, changes);
  const after = await getOrganization(tx, auth, id);
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'organization.update',
    target: `organization:${id}`,
    before,
    after,
    ip: client.ip,
  });
  return after;
}

import { z } from 'zod';
import { languageSchema, permissionSchema, roleSchema } from './api.ts';
import { isIpPrefix } from './network.ts';

/** At least 8 characters with a letter, a digit and a special character (DESIGN.md §3). */
export const PASSWORD_POLICY = /^(?=.*[A-Za-z])(?=.*\d)(?=.*[^A-Za-z0-9]).{8,}$/s;
export const passwordSchema = z
  .string()
  .max(256)
  .regex(PASSWORD_POLICY, 'At least 8 characters with a letter, a digit and a special character.');

/** E.164: a plus sign, a country code and up to 15 digits in all. */
export const smsNumberSchema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'An E.164 number such as +18015550100.');

const uuid = z.uuid();
const isoDate = z.iso.date();
const pageFields = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(50),
};
const searchField = { q: z.string().trim().max(200).optional() };

export const idParamsSchema = z.strictObject({ id: uuid });

// ---- Sign-in extras ---------------------------------------------------------------------------------------------

export const switchOrganizationRequestSchema = z.strictObject({ organizationId: uuid });

export const sessionDtoSchema = z.object({
  id: z.string(),
  current: z.boolean(),
  persistent: z.boolean(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
});
export type SessionDto = z.infer<typeof sessionDtoSchema>;
export const sessionListSchema = z.object({ items: z.array(sessionDtoSchema) });

export const forgotPasswordRequestSchema = z.strictObject({ email: z.email().max(254) });
export const resetPasswordRequestSchema = z.strictObject({
  token: z.string().min(10).max(200),
  password: passwordSchema,
});
export type ResetPasswordRequest = z.infer<typeof resetPasswordRequestSchema>;

export const personalSettingsSchema = z.object({
  name: z.string(),
  email: z.string(),
  language: languageSchema,
  smsNumber: z.string().nullable(),
  termsAccepted: z.boolean(),
});
export type PersonalSettings = z.infer<typeof personalSettingsSchema>;
export const updatePersonalSettingsSchema = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  language: languageSchema.optional(),
  /** null removes the number. */
  smsNumber: smsNumberSchema.nullable().optional(),
});
export type UpdatePersonalSettings = z.infer<typeof updatePersonalSettingsSchema>;
export const changePasswordRequestSchema = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: passwordSchema,
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;

// ---- Organizations ----------------------------------------------------------------------------------------------

export const organizationKinds = ['platform', 'support', 'client', 'enterprise'] as const;
export const organizationKindSchema = z.enum(organizationKinds);
export const organizationStatuses = ['active', 'expired', 'invited', 'overflow'] as const;
export const organizationStatusSchema = z.enum(organizationStatuses);
export type OrganizationStatus = z.infer<typeof organizationStatusSchema>;

export const organizationDtoSchema = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  kind: organizationKindSchema,
  status: organizationStatusSchema,
  name: z.string(),
  accountNumber: z.string(),
  clientReference: z.string().nullable(),
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  maxProAudioDevices: z.number().int(),
  devicesAllocated: z.number().int(),
  proAudioDevices: z.number().int(),
  servers: z.number().int(),
  initialOwner: z.object({ email: z.string(), name: z.string() }).nullable(),
  createdAt: z.string(),
});
export type OrganizationDto = z.infer<typeof organizationDtoSchema>;

export const organizationSorts = [
  'status',
  'name',
  'accountNumber',
  'startDate',
  'endDate',
  'devicesAllocated',
  'proAudioDevices',
  'servers',
] as const;
const organizationSortSchema = z.enum([...organizationSorts, ...organizationSorts.map((s) => `-${s}` as const)]);

const dateRangeFine = (from: string | undefined, to: string | undefined) => !from || !to || from <= to;

export const organizationListQuerySchema = z
  .strictObject({
    ...searchField,
    status: organizationStatusSchema.optional(),
    /** Plan start date on or after / on or before these days. */
    startFrom: isoDate.optional(),
    startTo: isoDate.optional(),
    /** Plan end date on or after / on or before these days (renewals due); an open-ended plan never matches. */
    endFrom: isoDate.optional(),
    endTo: isoDate.optional(),
    /** `false`: only organizations without a server (agent) yet; `true`: only those with one or more. */
    hasServers: z.stringbool().optional(),
    sort: organizationSortSchema.default('name'),
    ...pageFields,
  })
  .refine((value) => dateRangeFine(value.startFrom, value.startTo), {
    message: '`startFrom` is after `startTo`.',
    path: ['startTo'],
  })
  .refine((value) => dateRangeFine(value.endFrom, value.endTo), {
    message: '`endFrom` is after `endTo`.',
    path: ['endTo'],
  });
export type OrganizationListQuery = z.input<typeof organizationListQuerySchema>;
export const organizationListSchema = z.object({
  items: z.array(organizationDtoSchema),
  total: z.number().int(),
  page: z.number().int(),
  limit: z.number().int(),
});
export type OrganizationList = z.infer<typeof organizationListSchema>;

const planFields = {
  clientReference: z.string().trim().max(64).nullable().optional(),
  maxProAudioDevices: z.number().int().min(0).max(1_000_000),
  startDate: isoDate.optional(),
  endDate: isoDate.nullable().optional(),
};

export const createOrganizationRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120),
    initialOwner: z.strictObject({
      email: z.email().max(254),
      firstName: z.string().trim().max(60).default(''),
      lastName: z.string().trim().max(60).default(''),
      /** The language of the invitation email and of the owner's account when they are new. */
      language: languageSchema.default('en'),
    }),
    ...planFields,
    maxProAudioDevices: planFields.maxProAudioDevices.default(0),
    /** Validate only: answers what would be created, creates nothing (the "Review" step). */
    dryRun: z.boolean().default(false),
  })
  .refine((value) => !value.endDate || !value.startDate || value.endDate >= value.startDate, {
    message: 'The end date is before the start date.',
    path: ['endDate'],
  });
export type CreateOrganizationRequest = z.input<typeof createOrganizationRequestSchema>;

export const updateOrganizationRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    clientReference: planFields.clientReference,
    maxProAudioDevices: planFields.maxProAudioDevices.optional(),
    startDate: isoDate.optional(),
    endDate: isoDate.nullable().optional(),
    /** Ends (expired) or restores (active) the service. */
    status: z.enum(['active', 'expired']).optional(),
  })
  .refine((value) => Object.keys(value).length > 0, { message: 'Nothing to change.' });
export type UpdateOrganizationRequest = z.input<typeof updateOrganizationRequestSchema>;

// ---- Users ------------------------------------------------------------------------------------------------------

export const userStatuses = ['invited', 'registered', 'disabled'] as const;
export const userStatusSchema = z.enum(userStatuses);
export const userTypes = ['local', 'ldap', 'sso'] as const;

export const orgUserDtoSchema = z.object({
  id: z.string(),
  status: userStatusSchema,
  /** When the status began: invitation or membership date for Invited/Registered. */
  statusSince: z.string(),
  name: z.string(),
  email: z.string(),
  role: roleSchema,
  lastAccessedAt: z.string().nullable(),
  type: z.enum(userTypes),
});
export type OrgUserDto = z.infer<typeof orgUserDtoSchema>;

export const userSorts = ['status', 'name', 'email', 'role', 'lastAccessedAt', 'type'] as const;
const userSortSchema = z.enum([...userSorts, ...userSorts.map((s) => `-${s}` as const)]);
export const userListQuerySchema = z.strictObject({
  ...searchField,
  status: userStatusSchema.optional(),
  role: roleSchema.optional(),
  sort: userSortSchema.default('name'),
  ...pageFields,
});
export type UserListQuery = z.input<typeof userListQuerySchema>;
export const userListSchema = z.object({
  items: z.array(orgUserDtoSchema),
  total: z.number().int(),
  page: z.number().int(),
  limit: z.number().int(),
});
export type UserList = z.infer<typeof userListSchema>;

export const inviteUsersRequestSchema = z.strictObject({
  emails: z.array(z.email().max(254)).min(1).max(50),
  role: roleSchema,
  language: languageSchema.default('en'),
});
export type InviteUsersRequest = z.input<typeof inviteUsersRequestSchema>;
export const inviteUsersResultSchema = z.object({ items: z.array(orgUserDtoSchema) });

export const updateUserRequestSchema = z.strictObject({
  role: roleSchema.optional(),
  disabled: z.boolean().optional(),
});
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>;

export const invitationTokenParamsSchema = z.strictObject({ token: z.string().min(10).max(200) });
export const invitationInfoSchema = z.object({
  email: z.string(),
  organizationName: z.string(),
  language: languageSchema,
  /** False when the person already has a password (another org invited them): no registration needed. */
  needsRegistration: z.boolean(),
});
export type InvitationInfo = z.infer<typeof invitationInfoSchema>;
export const acceptInvitationRequestSchema = z.strictObject({
  token: z.string().min(10).max(200),
  name: z.string().trim().min(1).max(120).optional(),
  password: passwordSchema.optional(),
  language: languageSchema.optional(),
  acceptTerms: z.literal(true),
});
export type AcceptInvitationRequest = z.infer<typeof acceptInvitationRequestSchema>;

// ---- Agent server accounts ("Servers") --------------------------------------------------------------------------

export const serverDtoSchema = z.object({
  id: z.string(),
  status: z.enum(['connected', 'disconnected']),
  enabled: z.boolean(),
  name: z.string(),
  organizationName: z.string(),
  devices: z.number().int(),
  monitoringSystem: z.enum(['active', 'issue', 'off']),
  version: z.string().nullable(),
  enabledSubnets: z.object({ enabled: z.number().int(), total: z.number().int() }),
  lastSeenAt: z.string().nullable(),
  createdAt: z.string(),
});
export type ServerDto = z.infer<typeof serverDtoSchema>;
export const serverSorts = ['status', 'name', 'devices', 'monitoringSystem', 'version'] as const;
const serverSortSchema = z.enum([...serverSorts, ...serverSorts.map((s) => `-${s}` as const)]);
export const serverListQuerySchema = z.strictObject({
  /** Matches the server's name or its agent version. */
  ...searchField,
  status: z.enum(['connected', 'disconnected']).optional(),
  monitoringSystem: serverDtoSchema.shape.monitoringSystem.optional(),
  sort: serverSortSchema.default('name'),
  ...pageFields,
});
export type ServerListQuery = z.input<typeof serverListQuerySchema>;
export const serverListSchema = z.object({
  items: z.array(serverDtoSchema),
  total: z.number().int(),
  page: z.number().int(),
  limit: z.number().int(),
});
export type ServerList = z.infer<typeof serverListSchema>;

const serverPasswordFields = { password: passwordSchema, confirmPassword: z.string().max(256) };
const passwordsMatch = (value: { password: string; confirmPassword: string }) =>
  value.password === value.confirmPassword;
const mismatch = { message: 'The passwords do not match.', path: ['confirmPassword'] };

export const createServerRequestSchema = z
  .strictObject({
    name: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[\p{L}\p{N} ._-]+$/u, 'Letters, digits, spaces, dots, dashes and underscores.'),
    ...serverPasswordFields,
  })
  .refine(passwordsMatch, mismatch);
export type CreateServerRequest = z.infer<typeof createServerRequestSchema>;
export const serverPasswordRequestSchema = z.strictObject(serverPasswordFields).refine(passwordsMatch, mismatch);
export type ServerPasswordRequest = z.infer<typeof serverPasswordRequestSchema>;
export const updateServerRequestSchema = z.strictObject({ enabled: z.boolean() });

// ---- API tokens -------------------------------------------------------------------------------------------------

export const API_TOKEN_PREFIX = 'tutti_';

export const apiTokenDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiTokenDto = z.infer<typeof apiTokenDtoSchema>;
export const apiTokenListSchema = z.object({ items: z.array(apiTokenDtoSchema) });
export const createApiTokenRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  role: roleSchema,
  expiresAt: z.iso.datetime({ offset: true }).nullable().default(null),
});
export type CreateApiTokenRequest = z.input<typeof createApiTokenRequestSchema>;
/** The token itself appears only in this answer; the hub keeps its hash. */
export const createdApiTokenSchema = z.object({ token: z.string(), apiToken: apiTokenDtoSchema });
export type CreatedApiToken = z.infer<typeof createdApiTokenSchema>;

// ---- Audit ------------------------------------------------------------------------------------------------------

export const auditEntryDtoSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  actorUserId: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  ip: z.string().nullable(),
});
export type AuditEntryDto = z.infer<typeof auditEntryDtoSchema>;
export const auditSorts = ['at', 'actor', 'action', 'target', 'ip'] as const;
const auditSortSchema = z.enum([...auditSorts, ...auditSorts.map((s) => `-${s}` as const)]);

export const auditListQuerySchema = z
  .strictObject({
    actor: z.string().trim().max(254).optional(),
    action: z
      .string()
      .trim()
      .max(100)
      .regex(/^[a-z_.]+$/)
      .optional(),
    target: z.string().trim().max(200).optional(),
    /** A whole address matches exactly; the beginning of one (`10.1.`, `2001:db8:`) matches every address it starts. */
    ip: z
      .string()
      .trim()
      .toLowerCase()
      .refine(isIpPrefix, { message: 'An IP address or its beginning, such as 10.1. or 2001:db8:' })
      .optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    sort: auditSortSchema.default('-at'),
    ...pageFields,
  })
  .refine((value) => !value.from || !value.to || value.from <= value.to, {
    message: '`from` is after `to`.',
    path: ['to'],
  });
export type AuditListQuery = z.input<typeof auditListQuerySchema>;
export const auditListSchema = z.object({
  items: z.array(auditEntryDtoSchema),
  total: z.number().int(),
  page: z.number().int(),
  limit: z.number().int(),
});
export type AuditList = z.infer<typeof auditListSchema>;

export const roleListSchema = z.object({
  items: z.array(z.object({ role: roleSchema, permissions: z.array(permissionSchema) })),
});

import { z } from 'zod';
import { deviceDtoSchema } from './devices.ts';
import { errorCodes, type ErrorCode } from './errors.ts';

export const API_PREFIX = '/api/v1';
export const LIVE_PATH = '/live';
export const SESSION_COOKIE = 'tutti_session';

export const languages = ['en', 'fr', 'it', 'es', 'de', 'pt', 'pl', 'zh-CN', 'ko', 'ja', 'ar', 'ru'] as const;
export const languageSchema = z.enum(languages);
export type Language = z.infer<typeof languageSchema>;
export const rtlLanguages: readonly Language[] = ['ar'];

export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(errorCodes as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const roles = ['owner', 'administrator', 'technician', 'monitor', 'billing'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** Everything a role may do, by name. Code checks these; the web app hides what a role lacks. */
export const permissions = [
  'devices.view',
  'devices.control',
  /** Arrange the location tree and put devices into locations. */
  'locations.manage',
  'firmware.update',
  /** Upload and remove packages of the firmware catalog. */
  'firmware.manage',
  'users.view',
  'users.manage',
  /** Grant or take away the Owner role, or change an owner. */
  'owners.manage',
  'orgs.view',
  'orgs.manage',
  'servers.view',
  'servers.manage',
  'tokens.manage',
  /** Webhook subscriptions and their delivery log. */
  'webhooks.manage',
  'billing.view',
  /** Service plans, plan assignment, payments and voiding invoices of a support organization's clients. */
  'billing.manage',
  'audit.view',
  /** See alerts and their deliveries. */
  'alerts.view',
  'alerts.acknowledge',
  /** Alert rules and maintenance windows. */
  'alerts.manage',
  /** Chat and calls with the people of the organization. */
  'chat.use',
  /** Link COLLABORATE Space accounts and read their rooms and users. */
  'space.manage',
  /** Write SIP accounts to VoIP lines, one device or many from a CSV file. */
  'voip.provision',
] as const;
export const permissionSchema = z.enum(permissions);
export type Permission = z.infer<typeof permissionSchema>;

/** The built-in roles, declared once. A role may be granted only by someone who holds all of its permissions. */
export const rolePermissions: Record<Role, readonly Permission[]> = {
  owner: permissions,
  administrator: permissions.filter((permission) => permission !== 'owners.manage'),
  technician: [
    'devices.view',
    'devices.control',
    'locations.manage',
    'firmware.update',
    'voip.provision',
    'users.view',
    'orgs.view',
    'servers.view',
    'chat.use',
    'alerts.view',
    'alerts.acknowledge',
  ],
  monitor: ['devices.view', 'users.view', 'orgs.view', 'servers.view', 'chat.use', 'alerts.view'],
  billing: ['billing.view', 'billing.manage', 'orgs.view', 'devices.view', 'chat.use'],
};

export function permissionsOf(role: Role): readonly Permission[] {
  return rolePermissions[role];
}

/** True when `held` covers every permission of `role`: the rule for granting a role or issuing a token with it. */
export function canGrantRole(held: readonly Permission[], role: Role): boolean {
  return rolePermissions[role].every((permission) => held.includes(permission));
}

export const signInRequestSchema = z
  .strictObject({
    email: z.email().max(254).optional(),
    /** A directory (LDAP) user name instead of an email address. */
    username: z
      .string()
      .trim()
      .min(1)
      .max(254)
      .refine(
        (value) => !/[\s()*\\]/.test(value) && !value.includes(String.fromCharCode(0)),
        'A user name without spaces, parentheses, asterisks or backslashes.',
      )
      .optional(),
    /** Account number of the organization whose directory to ask, for a person the hub does not know yet. */
    organization: z.string().trim().min(1).max(64).optional(),
    password: z.string().min(1).max(256),
    staySignedIn: z.boolean().default(false),
  })
  .refine((value) => (value.email === undefined) !== (value.username === undefined), {
    message: 'Give an email address or a user name.',
    path: ['email'],
  });
export type SignInRequest = z.input<typeof signInRequestSchema>;

export const membershipSchema = z.object({
  organizationId: z.string(),
  organizationName: z.string(),
  organizationKind: z.enum(['platform', 'support', 'client', 'enterprise']),
  role: roleSchema,
});

export const sessionInfoSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), language: languageSchema }),
  currentOrganizationId: z.string(),
  /** The caller's role and what it allows in the current organization, so the UI can hide the rest. */
  role: roleSchema,
  permissions: z.array(permissionSchema),
  memberships: z.array(membershipSchema),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export const healthSchema = z.object({
  status: z.enum(['ok', 'starting', 'failing']),
  checks: z.record(z.string(), z.string()),
});

/** Hub → browser over `/live`. */
export const liveMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('devices.changed'), devices: z.array(deviceDtoSchema) }),
  z.object({ type: z.literal('devices.removed'), ids: z.array(z.string()) }),
]);
export type LiveMessage = z.infer<typeof liveMessageSchema>;

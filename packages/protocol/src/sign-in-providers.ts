import { z } from 'zod';
import { roleSchema } from './api.ts';

/**
 * Directory sign-in (LDAP) and single sign-on (OIDC) of one organization. Secrets (the bind password, the client
 * secret) go in on a write and never come back: a DTO only says whether one is set.
 */

const dn = z.string().trim().min(1).max(1024);
const attribute = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'An LDAP attribute name such as memberOf.');
const pem = z
  .string()
  .max(64 * 1024)
  .regex(/-----BEGIN CERTIFICATE-----/, 'A PEM certificate.');

export const USERNAME_PLACEHOLDER = '{{username}}';

/** Maps a directory group (its full DN, or just its name) or a claim value to a role; the first match wins. */
export const roleMappingSchema = z.strictObject({ match: z.string().trim().min(1).max(1024), role: roleSchema });
export type RoleMapping = z.infer<typeof roleMappingSchema>;

const ldapFields = {
  url: z
    .string()
    .trim()
    .max(2048)
    .regex(/^ldaps?:\/\/[^\s/]+(:\d+)?\/?$/i, 'ldap://host[:port] or ldaps://host[:port].'),
  /** Upgrade an ldap:// connection with StartTLS before binding. */
  startTls: z.boolean().default(false),
  /** CA certificate(s) to trust for ldaps:// and StartTLS, for a directory with a private CA. */
  caCertificate: pem.nullable().default(null),
  bindDn: dn,
  userSearchBase: dn,
  userFilter: z
    .string()
    .trim()
    .min(3)
    .max(1024)
    .refine((value) => value.includes(USERNAME_PLACEHOLDER), `The filter must contain ${USERNAME_PLACEHOLDER}.`)
    .default(`(|(uid=${USERNAME_PLACEHOLDER})(mail=${USERNAME_PLACEHOLDER}))`),
  emailAttribute: attribute.default('mail'),
  nameAttribute: attribute.default('cn'),
  groupAttribute: attribute.default('memberOf'),
  groupRoles: z.array(roleMappingSchema).min(1).max(100),
};

/** PUT: the bind password may be left out to keep the stored one. */
export const ldapSettingsRequestSchema = z
  .strictObject({ ...ldapFields, bindPassword: z.string().min(1).max(1024).optional() })
  .refine((value) => !(value.startTls && value.url.toLowerCase().startsWith('ldaps:')), {
    message: 'StartTLS is for ldap:// URLs; ldaps:// is already encrypted.',
    path: ['startTls'],
  });
export type LdapSettingsRequest = z.input<typeof ldapSettingsRequestSchema>;

export const ldapSettingsDtoSchema = z.object({
  url: z.string(),
  startTls: z.boolean(),
  caCertificate: z.string().nullable(),
  bindDn: z.string(),
  bindPasswordSet: z.boolean(),
  userSearchBase: z.string(),
  userFilter: z.string(),
  emailAttribute: z.string(),
  nameAttribute: z.string(),
  groupAttribute: z.string(),
  groupRoles: z.array(roleMappingSchema),
  updatedAt: z.string(),
});
export type LdapSettingsDto = z.infer<typeof ldapSettingsDtoSchema>;

/** Tries the stored settings: binds with the service account and, when given, signs a person in (nothing is saved). */
export const ldapTestRequestSchema = z.strictObject({
  username: z.string().trim().min(1).max(254).optional(),
  password: z.string().min(1).max(256).optional(),
});
export type LdapTestRequest = z.infer<typeof ldapTestRequestSchema>;
export const ldapTestResultSchema = z.object({
  /** The service account could bind and search. */
  connected: z.boolean(),
  user: z
    .object({
      dn: z.string(),
      email: z.string().nullable(),
      name: z.string().nullable(),
      groups: z.array(z.string()),
      role: roleSchema.nullable(),
    })
    .nullable(),
});
export type LdapTestResult = z.infer<typeof ldapTestResultSchema>;

const oidcFields = {
  issuer: z.url().max(2048),
  clientId: z.string().trim().min(1).max(512),
  scopes: z
    .string()
    .trim()
    .max(512)
    .regex(/(^|\s)openid(\s|$)/, 'The scopes must include openid.')
    .default('openid email profile'),
  /** The ID token claim holding groups or roles (a string or a list of strings). */
  roleClaim: z.string().trim().min(1).max(128).default('groups'),
  claimRoles: z.array(roleMappingSchema).min(1).max(100),
};

export const oidcSettingsRequestSchema = z.strictObject({
  ...oidcFields,
  clientSecret: z.string().min(1).max(1024).optional(),
});
export type OidcSettingsRequest = z.input<typeof oidcSettingsRequestSchema>;

export const oidcSettingsDtoSchema = z.object({
  issuer: z.string(),
  clientId: z.string(),
  clientSecretSet: z.boolean(),
  scopes: z.string(),
  roleClaim: z.string(),
  claimRoles: z.array(roleMappingSchema),
  /** Register this as the redirect URI at the identity provider. */
  redirectUri: z.string(),
  /** Where people start single sign-on for this organization. */
  startUrl: z.string(),
  updatedAt: z.string(),
});
export type OidcSettingsDto = z.infer<typeof oidcSettingsDtoSchema>;

export const signInProvidersSchema = z.object({
  ldap: ldapSettingsDtoSchema.nullable(),
  oidc: oidcSettingsDtoSchema.nullable(),
});
export type SignInProviders = z.infer<typeof signInProvidersSchema>;

export const ssoStartParamsSchema = z.strictObject({ organization: z.string().trim().min(1).max(64) });
/** What the sign-in page needs to know before it offers single sign-on for an organization (anonymous). */
export const ssoStatusSchema = z.object({ enabled: z.boolean() });
export type SsoStatus = z.infer<typeof ssoStatusSchema>;
export const ssoStartQuerySchema = z.strictObject({
  /** A path on this hub to land on after signing in. */
  redirect: z
    .string()
    .max(2048)
    .regex(/^\/(?!\/)/, 'A path on this site.')
    .optional(),
});
export const ssoCallbackQuerySchema = z
  .object({
    code: z.string().max(4096).optional(),
    state: z.string().max(1024).optional(),
    error: z.string().max(256).optional(),
    error_description: z.string().max(2048).optional(),
  })
  .passthrough();

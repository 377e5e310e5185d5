import * as oidc from 'openid-client';
import {
  API_PREFIX,
  appError,
  isAppError,
  ldapSettingsRequestSchema,
  oidcSettingsRequestSchema,
  type LdapSettingsDto,
  type LdapSettingsRequest,
  type LdapTestRequest,
  type LdapTestResult,
  type OidcSettingsDto,
  type OidcSettingsRequest,
  type Role,
  type RoleMapping,
  type SignInProviders,
} from '@tutti/protocol';
import { recordAudit } from '../audit/index.ts';
import type { AuthContext, ClientInfo, DirectoryIdentity, DirectorySignIn } from '../auth/index.ts';
import type { Db, Tx } from '../db/index.ts';
import type { SecretBox } from '../secrets/index.ts';
import {
  findDirectoryPerson,
  roleForGroups,
  verifyDirectoryPassword,
  type DirectoryPerson,
  type LdapSettings,
} from './ldap-directory.ts';
import {
  deleteProvider,
  findLdapOrganizations,
  findOrganizationByKey,
  findProvider,
  upsertProvider,
  type ProviderKind,
  type ProviderRow,
} from './sign-in-providers.queries.ts';

type StoredLdap = Omit<LdapSettings, 'bindPassword'>;
interface StoredOidc {
  issuer: string;
  clientId: string;
  scopes: string;
  roleClaim: string;
  claimRoles: RoleMapping[];
}

const purpose = (kind: ProviderKind, orgId: string) => `${kind}:${orgId}`;
const SSO_STATE_PURPOSE = 'sso-state';
const SSO_STATE_TTL_MS = 10 * 60_000;
export const SSO_CALLBACK_PATH = `${API_PREFIX}/auth/sso/callback`;

export interface ProviderSettings {
  publicUrl: string;
}

function ssoUrls(settings: ProviderSettings, accountNumber: string) {
  const base = settings.publicUrl.replace(/\/$/, '');
  return {
    redirectUri: `${base}${SSO_CALLBACK_PATH}`,
    startUrl: `${base}${API_PREFIX}/auth/sso/${encodeURIComponent(accountNumber)}/start`,
  };
}

function toLdapDto(row: ProviderRow): LdapSettingsDto {
  const stored = row.settings as StoredLdap;
  return { ...stored, bindPasswordSet: row.sealedSecret !== null, updatedAt: row.updatedAt.toISOString() };
}

function toOidcDto(row: ProviderRow, settings: ProviderSettings, accountNumber: string): OidcSettingsDto {
  const stored = row.settings as StoredOidc;
  return {
    ...stored,
    clientSecretSet: row.sealedSecret !== null,
    ...ssoUrls(settings, accountNumber),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function openLdap(secrets: SecretBox, row: ProviderRow): LdapSettings {
  if (!row.sealedSecret) throw appError('CONFIG_INVALID', { reason: 'LDAP bind password not set' });
  return { ...(row.settings as StoredLdap), bindPassword: secrets.open(row.sealedSecret, purpose('ldap', row.orgId)) };
}

// ---- Admin: Settings > Sign-in --------------------------------------------------------------------------------

export async function getSignInProviders(
  tx: Tx,
  auth: AuthContext,
  settings: ProviderSettings,
): Promise<SignInProviders> {
  const ldap = await findProvider(tx, auth.orgId, 'ldap');
  const oidcRow = await findProvider(tx, auth.orgId, 'oidc');
  const org = oidcRow ? await findOrganizationByKey(tx, auth.orgId) : null;
  return {
    ldap: ldap ? toLdapDto(ldap) : null,
    oidc: oidcRow && org ? toOidcDto(oidcRow, settings, org.accountNumber) : null,
  };
}

export async function putLdapSettings(
  tx: Tx,
  secrets: SecretBox,
  auth: AuthContext,
  request: LdapSettingsRequest,
  client: ClientInfo,
): Promise<LdapSettingsDto> {
  const { bindPassword, ...stored } = ldapSettingsRequestSchema.parse(request);
  const before = await findProvider(tx, auth.orgId, 'ldap');
  const sealedSecret = bindPassword ? secrets.seal(bindPassword, purpose('ldap', auth.orgId)) : before?.sealedSecret;
  if (!sealedSecret)
    throw appError('VALIDATION_FAILED', { issues: [{ path: ['bindPassword'], message: 'Required.' }] });
  await upsertProvider(tx, { orgId: auth.orgId, kind: 'ldap', settings: stored, sealedSecret, updatedAt: new Date() });
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'sign_in.ldap_update',
    target: `org:${auth.orgId}`,
    before: before ? before.settings : null,
    after: { ...stored, bindPasswordChanged: bindPassword !== undefined },
    ip: client.ip,
  });
  return toLdapDto((await findProvider(tx, auth.orgId, 'ldap'))!);
}

export async function putOidcSettings(
  tx: Tx,
  secrets: SecretBox,
  settings: ProviderSettings,
  auth: AuthContext,
  request: OidcSettingsRequest,
  client: ClientInfo,
): Promise<OidcSettingsDto> {
  const { clientSecret, ...stored } = oidcSettingsRequestSchema.parse(request);
  const before = await findProvider(tx, auth.orgId, 'oidc');
  const sealedSecret = clientSecret ? secrets.seal(clientSecret, purpose('oidc', auth.orgId)) : before?.sealedSecret;
  if (!sealedSecret)
    throw appError('VALIDATION_FAILED', { issues: [{ path: ['clientSecret'], message: 'Required.' }] });
  await upsertProvider(tx, { orgId: auth.orgId, kind: 'oidc', settings: stored, sealedSecret, updatedAt: new Date() });
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'sign_in.oidc_update',
    target: `org:${auth.orgId}`,
    before: before ? before.settings : null,
    after: { ...stored, clientSecretChanged: clientSecret !== undefined },
    ip: client.ip,
  });
  const org = (await findOrganizationByKey(tx, auth.orgId))!;
  return toOidcDto((await findProvider(tx, auth.orgId, 'oidc'))!, settings, org.accountNumber);
}

export async function removeProvider(tx: Tx, auth: AuthContext, kind: ProviderKind, client: ClientInfo) {
  if (!(await deleteProvider(tx, auth.orgId, kind))) throw appError('NOT_FOUND', { kind });
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: `sign_in.${kind}_remove`,
    target: `org:${auth.orgId}`,
    ip: client.ip,
  });
}

/** Tries the stored LDAP settings; with a user name (and password), also what signing them in would give. */
export async function testLdapSettings(
  tx: Tx,
  secrets: SecretBox,
  auth: AuthContext,
  request: LdapTestRequest,
): Promise<LdapTestResult> {
  const row = await findProvider(tx, auth.orgId, 'ldap');
  if (!row) throw appError('NOT_FOUND', { kind: 'ldap' });
  const settings = openLdap(secrets, row);
  const person = await findDirectoryPerson(settings, request.username ?? '\u0000no-such-user');
  if (!request.username || !person) return { connected: true, user: null };
  if (request.password && !(await verifyDirectoryPassword(settings, person.dn, request.password))) {
    throw appError('INVALID_CREDENTIALS');
  }
  return {
    connected: true,
    user: { ...person, role: roleForGroups(person.groups, settings.groupRoles) },
  };
}

// ---- Sign-in ----------------------------------------------------------------------------------------------------

function identityOf(orgId: string, person: DirectoryPerson, role: Role): DirectoryIdentity {
  if (!person.email) throw appError('SIGN_IN_NOT_ALLOWED', { reason: 'no email address in the directory' });
  return { orgId, type: 'ldap', email: person.email, name: person.name ?? person.email, externalId: person.dn, role };
}

/** LDAP sign-in for the auth feature: which directory to ask, and what it says about the person. */
export function createDirectorySignIn(db: Db, secrets: SecretBox): DirectorySignIn {
  return {
    async authenticate({ login, password, organization, knownIdentityOrgId }) {
      const candidates: ProviderRow[] = [];
      if (knownIdentityOrgId) {
        const row = await findProvider(db, knownIdentityOrgId, 'ldap');
        if (row) candidates.push(row);
      } else {
        candidates.push(...(await findLdapOrganizations(db, organization)).map((found) => found.provider));
      }
      if (candidates.length === 0) return null;
      for (const row of candidates) {
        const settings = openLdap(secrets, row);
        const person = await findDirectoryPerson(settings, login);
        if (!person) continue;
        if (!(await verifyDirectoryPassword(settings, person.dn, password))) return { identity: null };
        const role = roleForGroups(person.groups, settings.groupRoles);
        if (!role) throw appError('SIGN_IN_NOT_ALLOWED', { reason: 'no mapped group' });
        return { identity: identityOf(row.orgId, person, role) };
      }
      return { identity: null };
    },
  };
}

// ---- OIDC single sign-on ----------------------------------------------------------------------------------------

interface SsoState {
  orgId: string;
  state: string;
  nonce: string;
  verifier: string;
  redirect: string;
  expiresAt: number;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

async function discover(
  secrets: SecretBox,
  row: ProviderRow,
): Promise<{ config: oidc.Configuration; stored: StoredOidc }> {
  const stored = row.settings as StoredOidc;
  if (!row.sealedSecret) throw appError('SSO_NOT_CONFIGURED');
  const issuer = new URL(stored.issuer);
  try {
    const config = await oidc.discovery(
      issuer,
      stored.clientId,
      secrets.open(row.sealedSecret, purpose('oidc', row.orgId)),
      undefined,
      // Identity providers are reached over HTTPS; plain HTTP only to one on this machine (tests, a local IdP).
      isLoopbackHost(issuer.hostname) ? { execute: [oidc.allowInsecureRequests], timeout: 10 } : { timeout: 10 },
    );
    return { config, stored };
  } catch (error) {
    throw appError('DIRECTORY_UNAVAILABLE', { reason: error instanceof Error ? error.message : String(error) });
  }
}

/** Starts single sign-on: the provider URL to send the browser to, and the sealed state to keep in a cookie. */
/** Whether an organization (by account number) offers single sign-on; unknown organizations simply do not. */
export async function ssoStatus(db: Db, organization: string): Promise<{ enabled: boolean }> {
  const org = await findOrganizationByKey(db, organization);
  return { enabled: org !== null && (await findProvider(db, org.id, 'oidc')) !== null };
}

export async function startSso(
  db: Db,
  secrets: SecretBox,
  settings: ProviderSettings,
  organization: string,
  redirect: string | undefined,
): Promise<{ location: string; sealedState: string }> {
  const org = await findOrganizationByKey(db, organization);
  const row = org ? await findProvider(db, org.id, 'oidc') : null;
  if (!org || !row) throw appError('SSO_NOT_CONFIGURED', { organization });
  const { config, stored } = await discover(secrets, row);
  const state: SsoState = {
    orgId: org.id,
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    verifier: oidc.randomPKCECodeVerifier(),
    redirect: redirect ?? '/',
    expiresAt: Date.now() + SSO_STATE_TTL_MS,
  };
  const location = oidc.buildAuthorizationUrl(config, {
    redirect_uri: ssoUrls(settings, org.accountNumber).redirectUri,
    scope: stored.scopes,
    response_type: 'code',
    code_challenge: await oidc.calculatePKCECodeChallenge(state.verifier),
    code_challenge_method: 'S256',
    state: state.state,
    nonce: state.nonce,
  });
  return { location: location.href, sealedState: secrets.seal(JSON.stringify(state), SSO_STATE_PURPOSE) };
}

function claimValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

/** Finishes single sign-on: exchanges the code (PKCE, state and nonce checked) and answers who signed in. */
export async function finishSso(
  db: Db,
  secrets: SecretBox,
  settings: ProviderSettings,
  sealedState: string | undefined,
  callbackUrl: URL,
): Promise<{ identity: DirectoryIdentity; redirect: string }> {
  let state: SsoState;
  try {
    if (!sealedState) throw new TypeError('no state cookie');
    state = JSON.parse(secrets.open(sealedState, SSO_STATE_PURPOSE)) as SsoState;
  } catch {
    throw appError('SSO_FAILED', { reason: 'missing or invalid state' });
  }
  if (state.expiresAt < Date.now()) throw appError('SSO_FAILED', { reason: 'expired' });
  const row = await findProvider(db, state.orgId, 'oidc');
  const org = await findOrganizationByKey(db, state.orgId);
  if (!row || !org) throw appError('SSO_NOT_CONFIGURED');
  const { config, stored } = await discover(secrets, row);
  // The provider redirected to our public callback URL; the code exchange must name that same URL.
  const current = new URL(ssoUrls(settings, org.accountNumber).redirectUri);
  current.search = callbackUrl.search;
  let claims: oidc.IDToken | undefined;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: state.verifier,
      expectedState: state.state,
      expectedNonce: state.nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims();
  } catch (error) {
    if (isAppError(error)) throw error;
    throw appError('SSO_FAILED', { reason: error instanceof Error ? error.message : String(error) });
  }
  if (!claims) throw appError('SSO_FAILED', { reason: 'no ID token' });
  const email = typeof claims.email === 'string' ? claims.email : null;
  if (!email || claims.email_verified === false) throw appError('SSO_FAILED', { reason: 'no verified email claim' });
  const values = claimValues(claims[stored.roleClaim]).map((value) => value.toLowerCase());
  const role = stored.claimRoles.find((mapping) => values.includes(mapping.match.toLowerCase()))?.role;
  if (!role) throw appError('SIGN_IN_NOT_ALLOWED', { reason: 'no mapped claim value' });
  const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name : email;
  return {
    identity: { orgId: state.orgId, type: 'sso', email, name, externalId: claims.sub, role },
    redirect: state.redirect,
  };
}

import { Client, InvalidCredentialsError, type Entry } from 'ldapts';
import { appError, USERNAME_PLACEHOLDER, type Role, type RoleMapping } from '@tutti/protocol';

/** What the hub keeps of an organization's LDAP settings, plus the opened bind password. */
export interface LdapSettings {
  url: string;
  startTls: boolean;
  caCertificate: string | null;
  bindDn: string;
  bindPassword: string;
  userSearchBase: string;
  userFilter: string;
  emailAttribute: string;
  nameAttribute: string;
  groupAttribute: string;
  groupRoles: RoleMapping[];
}

export interface DirectoryPerson {
  dn: string;
  email: string | null;
  name: string | null;
  groups: string[];
}

const TIMEOUT_MS = 10_000;

/** RFC 4515: a value inside a search filter, with the characters that would change the filter escaped. */
export function escapeFilterValue(value: string): string {
  const special = new Set(['\\', '*', '(', ')', String.fromCharCode(0)]);
  return [...value]
    .map((char) => (special.has(char) ? `\\${char.charCodeAt(0).toString(16).padStart(2, '0')}` : char))
    .join('');
}

export function userFilterFor(template: string, username: string): string {
  return template.split(USERNAME_PLACEHOLDER).join(escapeFilterValue(username));
}

function firstValue(entry: Entry, attribute: string): string | null {
  const value = entry[attribute];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return null;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

function allValues(entry: Entry, attribute: string): string[] {
  const value = entry[attribute];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((item) => (Buffer.isBuffer(item) ? item.toString('utf8') : String(item)));
}

/** The first mapping a person's groups match, by full DN or by the group's name (its first RDN's value). */
export function roleForGroups(groups: readonly string[], mappings: readonly RoleMapping[]): Role | null {
  const normalise = (value: string) => value.replace(/\s*([,=])\s*/g, '$1').toLowerCase();
  const names = new Set<string>();
  for (const group of groups) {
    names.add(normalise(group));
    const rdn = /^[^=,]+=((?:\\.|[^,])*)/.exec(group.trim());
    if (rdn?.[1]) names.add(rdn[1].toLowerCase());
  }
  return mappings.find((mapping) => names.has(normalise(mapping.match)))?.role ?? null;
}

async function connect(settings: LdapSettings): Promise<Client> {
  const tlsOptions = settings.caCertificate ? { ca: [settings.caCertificate] } : {};
  const ldaps = settings.url.toLowerCase().startsWith('ldaps:');
  // ldapts treats any TLS options as "connect with TLS", so an ldap:// URL gets them only for StartTLS.
  const client = new Client({
    url: settings.url,
    timeout: TIMEOUT_MS,
    connectTimeout: TIMEOUT_MS,
    ...(ldaps ? { tlsOptions } : {}),
  });
  if (settings.startTls) await client.startTLS(tlsOptions);
  return client;
}

async function withClient<T>(settings: LdapSettings, work: (client: Client) => Promise<T>): Promise<T> {
  let client: Client | null = null;
  try {
    client = await connect(settings);
    return await work(client);
  } finally {
    await client?.unbind().catch(() => undefined);
  }
}

function unavailable(error: unknown): never {
  if (error instanceof Error && error.name === 'AppError') throw error;
  throw appError('DIRECTORY_UNAVAILABLE', {
    reason: error instanceof Error ? error.message : String(error),
  });
}

/** Binds with the service account and finds exactly one person; null when there is no such person (or several). */
export async function findDirectoryPerson(settings: LdapSettings, username: string): Promise<DirectoryPerson | null> {
  try {
    return await withClient(settings, async (client) => {
      await client.bind(settings.bindDn, settings.bindPassword);
      const { searchEntries } = await client.search(settings.userSearchBase, {
        scope: 'sub',
        filter: userFilterFor(settings.userFilter, username),
        attributes: [settings.emailAttribute, settings.nameAttribute, settings.groupAttribute],
        sizeLimit: 2,
      });
      const [entry, ...more] = searchEntries;
      if (!entry || more.length > 0) return null;
      return {
        dn: entry.dn,
        email: firstValue(entry, settings.emailAttribute),
        name: firstValue(entry, settings.nameAttribute),
        groups: allValues(entry, settings.groupAttribute),
      };
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'SizeLimitExceededError') return null;
    return unavailable(error);
  }
}

/** True when the directory accepts the person's password (a bind as them), false when it refuses it. */
export async function verifyDirectoryPassword(settings: LdapSettings, dn: string, password: string): Promise<boolean> {
  // An empty password would be an unauthenticated bind, which many servers "accept".
  if (password.length === 0) return false;
  try {
    return await withClient(settings, async (client) => {
      try {
        await client.bind(dn, password);
        return true;
      } catch (error) {
        if (error instanceof InvalidCredentialsError) return false;
        throw error;
      }
    });
  } catch (error) {
    return unavailable(error);
  }
}

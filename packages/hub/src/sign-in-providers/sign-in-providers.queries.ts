import { and, eq, or } from 'drizzle-orm';
import type { Queryable } from '../db/index.ts';
import { organizations, signInProviders } from '../db/schema.ts';

export type ProviderKind = 'ldap' | 'oidc';
export type ProviderRow = typeof signInProviders.$inferSelect;

export async function findProvider(db: Queryable, orgId: string, kind: ProviderKind): Promise<ProviderRow | null> {
  const [row] = await db
    .select()
    .from(signInProviders)
    .where(and(eq(signInProviders.orgId, orgId), eq(signInProviders.kind, kind)))
    .limit(1);
  return row ?? null;
}

export async function upsertProvider(db: Queryable, values: typeof signInProviders.$inferInsert): Promise<void> {
  await db
    .insert(signInProviders)
    .values(values)
    .onConflictDoUpdate({
      target: [signInProviders.orgId, signInProviders.kind],
      set: { settings: values.settings, sealedSecret: values.sealedSecret, updatedAt: values.updatedAt },
    });
}

export async function deleteProvider(db: Queryable, orgId: string, kind: ProviderKind): Promise<boolean> {
  const rows = await db
    .delete(signInProviders)
    .where(and(eq(signInProviders.orgId, orgId), eq(signInProviders.kind, kind)))
    .returning({ orgId: signInProviders.orgId });
  return rows.length > 0;
}

/**
 * Organizations whose directory may be asked about a person the hub does not know yet: the one named by account
 * number, or else every enterprise organization with LDAP (an on-prem hub holds one). Cloud organizations are
 * asked only when named, so nobody's password goes to another tenant's directory.
 */
export async function findLdapOrganizations(db: Queryable, accountNumber: string | undefined) {
  return db
    .select({ orgId: organizations.id, provider: signInProviders })
    .from(signInProviders)
    .innerJoin(organizations, eq(organizations.id, signInProviders.orgId))
    .where(
      and(
        eq(signInProviders.kind, 'ldap'),
        accountNumber === undefined
          ? eq(organizations.kind, 'enterprise')
          : eq(organizations.accountNumber, accountNumber),
      ),
    );
}

/** An organization by id or account number, for SSO start links. */
export async function findOrganizationByKey(db: Queryable, key: string) {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(key);
  const [row] = await db
    .select({ id: organizations.id, accountNumber: organizations.accountNumber })
    .from(organizations)
    .where(
      isUuid
        ? or(eq(organizations.id, key), eq(organizations.accountNumber, key))
        : eq(organizations.accountNumber, key),
    )
    .limit(1);
  return row ?? null;
}

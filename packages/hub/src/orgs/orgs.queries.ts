import { and, eq, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/index.ts';
import { organizations } from '../db/schema.ts';

export async function findOrganizationByAccount(db: Queryable, accountNumber: string) {
  const [row] = await db.select().from(organizations).where(eq(organizations.accountNumber, accountNumber)).limit(1);
  return row ?? null;
}

export async function insertOrganization(db: Queryable, values: typeof organizations.$inferInsert) {
  const [row] = await db.insert(organizations).values(values).returning();
  return row!;
}

/** Inserts without reading the row back: a parent may add a client it cannot yet see through its own scope. */
export async function addOrganization(db: Queryable, values: typeof organizations.$inferInsert & { id: string }) {
  await db.insert(organizations).values(values);
}

export async function findOrganizationRecord(db: Queryable, id: string) {
  const [row] = await db.select().from(organizations).where(eq(organizations.id, id)).limit(1);
  return row ?? null;
}

export async function updateOrganization(
  db: Queryable,
  id: string,
  values: Partial<
    Pick<
      typeof organizations.$inferInsert,
      'name' | 'clientReference' | 'maxProAudioDevices' | 'startDate' | 'endDate' | 'status'
    >
  >,
) {
  await db
    .update(organizations)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(organizations.id, id));
}

/** Renames an organization in the caller's scope (its own), through the one function that may. */
export async function renameOwnOrganization(db: Queryable, id: string, name: string): Promise<void> {
  await db.execute(sql`SELECT tutti_rename_organization(${id}::uuid, ${name})`);
}

export async function activateOrganizationsOwnedBy(db: Queryable, userId: string) {
  await db
    .update(organizations)
    .set({ status: 'active', updatedAt: new Date() })
    .where(and(eq(organizations.initialOwnerUserId, userId), eq(organizations.status, 'invited')));
}

export interface OrganizationRow {
  id: string;
  parent_id: string | null;
  kind: 'platform' | 'support' | 'client' | 'enterprise';
  status: 'active' | 'expired' | 'invited' | 'overflow';
  name: string;
  account_number: string;
  client_reference: string | null;
  start_date: string | null;
  end_date: string | null;
  max_pro_audio_devices: number;
  pro_audio_devices: number;
  servers: number;
  initial_owner_email: string | null;
  initial_owner_name: string | null;
  created_at: string | Date;
}

export interface OrganizationFilter {
  /** Exactly one of: the children of an organization, or one organization by id. */
  parentId?: string;
  id?: string;
  q?: string | undefined;
  status?: OrganizationRow['status'] | undefined;
  /** Plan dates (YYYY-MM-DD), both ends included. */
  startFrom?: string | undefined;
  startTo?: string | undefined;
  endFrom?: string | undefined;
  endTo?: string | undefined;
  hasServers?: boolean | undefined;
}

/** What the Organizations table shows; status is derived (end date passed → Expired, over plan → Overflow). */
function organizationsQuery(proAudioModels: readonly string[]): SQL {
  return sql`
    SELECT o.id, o.parent_id, o.kind, o.name, o.account_number, o.client_reference,
           to_char(o.start_date, 'YYYY-MM-DD') AS start_date, to_char(o.end_date, 'YYYY-MM-DD') AS end_date,
           o.max_pro_audio_devices, o.initial_owner_email, o.initial_owner_name, o.created_at,
           coalesce(u.pro_audio_devices, 0) AS pro_audio_devices, coalesce(u.servers, 0) AS servers,
           CASE
             WHEN o.status = 'expired' OR (o.end_date IS NOT NULL AND o.end_date < current_date) THEN 'expired'
             WHEN o.status = 'invited' THEN 'invited'
             WHEN o.kind = 'client' AND coalesce(u.pro_audio_devices, 0) > o.max_pro_audio_devices THEN 'overflow'
             ELSE 'active'
           END AS status
    FROM organizations o
    LEFT JOIN tutti_org_usage(string_to_array(${proAudioModels.join(',')}, ',')) u ON u.org_id = o.id`;
}

function whereOf(filter: OrganizationFilter): SQL {
  const conditions: SQL[] = [];
  if (filter.parentId) conditions.push(sql`parent_id = ${filter.parentId}::uuid`);
  if (filter.id) conditions.push(sql`id = ${filter.id}::uuid`);
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
    conditions.push(
      sql`(name ILIKE ${pattern} OR account_number ILIKE ${pattern} OR client_reference ILIKE ${pattern})`,
    );
  }
  if (filter.status) conditions.push(sql`status = ${filter.status}`);
  if (filter.startFrom) conditions.push(sql`start_date::date >= ${filter.startFrom}::date`);
  if (filter.startTo) conditions.push(sql`start_date::date <= ${filter.startTo}::date`);
  if (filter.endFrom) conditions.push(sql`end_date::date >= ${filter.endFrom}::date`);
  if (filter.endTo) conditions.push(sql`end_date::date <= ${filter.endTo}::date`);
  if (filter.hasServers !== undefined) conditions.push(filter.hasServers ? sql`servers > 0` : sql`servers = 0`);
  return conditions.length ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``;
}

const sortColumns: Record<string, SQL> = {
  status: sql`status`,
  name: sql`lower(name)`,
  accountNumber: sql`account_number`,
  startDate: sql`start_date`,
  endDate: sql`end_date`,
  devicesAllocated: sql`max_pro_audio_devices`,
  proAudioDevices: sql`pro_audio_devices`,
  servers: sql`servers`,
};

export async function listOrganizations(
  db: Queryable,
  proAudioModels: readonly string[],
  filter: OrganizationFilter,
  sort: string,
  page: number,
  limit: number,
): Promise<{ items: OrganizationRow[]; total: number }> {
  const descending = sort.startsWith('-');
  const column = sortColumns[descending ? sort.slice(1) : sort] ?? sortColumns.name!;
  const direction = descending ? sql`DESC NULLS LAST` : sql`ASC NULLS LAST`;
  const base = sql`WITH listed AS (${organizationsQuery(proAudioModels)}) SELECT * FROM listed ${whereOf(filter)}`;
  const items = rowsOf<OrganizationRow>(
    await db.execute(sql`${base} ORDER BY ${column} ${direction}, id LIMIT ${limit} OFFSET ${(page - 1) * limit}`),
  );
  const [count] = rowsOf<{ total: number }>(
    await db.execute(
      sql`WITH listed AS (${organizationsQuery(proAudioModels)}) SELECT count(*)::int AS total FROM listed ${whereOf(filter)}`,
    ),
  );
  return { items, total: count?.total ?? 0 };
}

export async function setInitialOwnerUser(db: Queryable, orgId: string, userId: string) {
  await db.update(organizations).set({ initialOwnerUserId: userId }).where(eq(organizations.id, orgId));
}

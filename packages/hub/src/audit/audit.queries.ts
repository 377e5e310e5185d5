import { and, asc, desc, eq, gte, gt, ilike, lte, or, sql, type SQL } from 'drizzle-orm';
import { isIpAddress } from '@tutti/protocol';
import { rowsOf, type Queryable } from '../db/index.ts';
import { auditLog } from '../db/schema.ts';

/** Serialises appends so each entry's prevHash is the hash of the entry before it. */
const AUDIT_CHAIN_LOCK_KEY = 7_242_027;

export async function lockAuditChain(db: Queryable): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`);
}

/** The hash of the last entry of the whole chain, also from a tenant transaction that sees only its own entries. */
export async function lastAuditHash(db: Queryable): Promise<string | null> {
  const result = await db.execute(sql`SELECT tutti_audit_last_hash() AS hash`);
  return rowsOf<{ hash: string | null }>(result)[0]?.hash ?? null;
}

export async function insertAuditEntry(db: Queryable, entry: typeof auditLog.$inferInsert): Promise<void> {
  await db.insert(auditLog).values(entry);
}

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditFilter {
  orgId: string;
  actor?: string | undefined;
  action?: string | undefined;
  target?: string | undefined;
  /** A whole address, or the beginning of one (already checked to be IP text: no LIKE wildcards). */
  ip?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

function escapeLike(text: string): string {
  return `%${text.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
}

/** An IPv4 address also matches its IPv4-mapped IPv6 form, which a dual-stack listener records. */
function ipMatches(ip: string): SQL {
  const forms = ip.includes(':') ? [ip] : [ip, `::ffff:${ip}`];
  const tests = forms.map((form) =>
    isIpAddress(ip) ? sql`lower(${auditLog.ip}) = ${form}` : sql`lower(${auditLog.ip}) LIKE ${`${form}%`}`,
  );
  return or(...tests)!;
}

function auditConditions(filter: AuditFilter): SQL {
  const conditions: SQL[] = [eq(auditLog.orgId, filter.orgId)];
  if (filter.actor) conditions.push(ilike(auditLog.actorLabel, escapeLike(filter.actor)));
  if (filter.action) conditions.push(sql`${auditLog.action} LIKE ${`${filter.action.replace(/_/g, '\\_')}%`}`);
  if (filter.target) conditions.push(ilike(auditLog.target, escapeLike(filter.target)));
  if (filter.ip) conditions.push(ipMatches(filter.ip));
  if (filter.from) conditions.push(gte(auditLog.at, new Date(filter.from)));
  if (filter.to) conditions.push(lte(auditLog.at, new Date(filter.to)));
  return and(...conditions)!;
}

const auditSortColumns = {
  at: auditLog.at,
  actor: auditLog.actorLabel,
  action: auditLog.action,
  target: auditLog.target,
  ip: auditLog.ip,
};

/** `sort` is a list column, `-` first for descending; ties fall back to chain order, newest first. */
function auditOrder(sort: string): SQL[] {
  const descending = sort.startsWith('-');
  const field = (descending ? sort.slice(1) : sort) as keyof typeof auditSortColumns;
  const column = auditSortColumns[field] ?? auditLog.at;
  return [descending ? desc(column) : asc(column), desc(auditLog.id)];
}

export async function listAuditEntries(
  db: Queryable,
  filter: AuditFilter,
  sort: string,
  page: number,
  limit: number,
): Promise<{ items: AuditRow[]; total: number }> {
  const where = auditConditions(filter);
  const items = await db
    .select()
    .from(auditLog)
    .where(where)
    .orderBy(...auditOrder(sort))
    .limit(limit)
    .offset((page - 1) * limit);
  const [row] = await db
    .select({ total: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(where);
  return { items, total: row?.total ?? 0 };
}

/** Entries in chain order after `afterId`, a page at a time (for verification and export). */
export async function auditEntriesAfter(db: Queryable, afterId: number, limit: number, filter?: AuditFilter) {
  const conditions: SQL[] = [gt(auditLog.id, afterId)];
  if (filter) conditions.push(auditConditions(filter));
  return db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(asc(auditLog.id))
    .limit(limit);
}

import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import type { AuditEntryDto, AuditList, auditListQuerySchema } from '@tutti/protocol';
import type { z } from 'zod';
import type { Queryable, Tx } from '../db/index.ts';
import {
  auditEntriesAfter,
  insertAuditEntry,
  lastAuditHash,
  listAuditEntries,
  lockAuditChain,
  type AuditFilter,
  type AuditRow,
} from './audit.queries.ts';

export interface AuditEntry {
  orgId: string | null;
  actorUserId: string | null;
  /** Who did it, readable even after the user is gone: an email, `agent:<name>` or `system`. */
  actorLabel: string;
  action: string;
  target?: string;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
}

const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so a value hashes the same after a round trip through jsonb. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      return Object.fromEntries(
        Object.entries(inner as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return inner;
  });
}

/** Before/after as stored: plain JSON (dates become strings), so the hash is computed over what is kept. */
function asStored(value: unknown): unknown {
  return value === undefined || value === null ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

function entryHash(
  prevHash: string,
  entry: Required<Omit<AuditEntry, 'target' | 'ip'>> & { target: string | null; ip: string | null },
  at: Date,
): string {
  const canonical = canonicalJson([
    prevHash,
    entry.orgId,
    entry.actorUserId,
    entry.actorLabel,
    entry.action,
    entry.target,
    entry.before,
    entry.after,
    entry.ip,
    at.toISOString(),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Appends to the hash-chained audit log inside the caller's transaction (so the change and its record commit together). */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await lockAuditChain(tx);
  const prevHash = (await lastAuditHash(tx)) ?? GENESIS_HASH;
  const at = new Date();
  const stored = {
    orgId: entry.orgId,
    actorUserId: entry.actorUserId,
    actorLabel: entry.actorLabel,
    action: entry.action,
    target: entry.target ?? null,
    before: asStored(entry.before),
    after: asStored(entry.after),
    ip: entry.ip ?? null,
  };
  await insertAuditEntry(tx, { ...stored, at, prevHash, hash: entryHash(prevHash, stored, at) });
}

export interface AuditChainReport {
  ok: boolean;
  entries: number;
  /** The first entry whose link or hash does not match, when the chain is broken. */
  brokenAt: { id: number; reason: 'prev_hash' | 'hash' } | null;
}

const VERIFY_PAGE = 1000;

/** Recomputes the whole chain (system work, all organizations): any edited, removed or inserted entry breaks it. */
export async function verifyAuditChain(db: Queryable): Promise<AuditChainReport> {
  let previous = GENESIS_HASH;
  let lastId = 0;
  let entries = 0;
  for (;;) {
    const rows = await auditEntriesAfter(db, lastId, VERIFY_PAGE);
    if (rows.length === 0) return { ok: true, entries, brokenAt: null };
    for (const row of rows) {
      if (row.prevHash !== previous) return { ok: false, entries, brokenAt: { id: row.id, reason: 'prev_hash' } };
      const expected = entryHash(
        row.prevHash,
        {
          orgId: row.orgId,
          actorUserId: row.actorUserId,
          actorLabel: row.actorLabel,
          action: row.action,
          target: row.target,
          before: row.before,
          after: row.after,
          ip: row.ip,
        },
        row.at,
      );
      if (expected !== row.hash) return { ok: false, entries, brokenAt: { id: row.id, reason: 'hash' } };
      previous = row.hash;
      lastId = row.id;
      entries += 1;
    }
  }
}

function toAuditEntryDto(row: AuditRow): AuditEntryDto {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actorLabel,
    actorUserId: row.actorUserId,
    action: row.action,
    target: row.target,
    before: row.before,
    after: row.after,
    ip: row.ip,
  };
}

type AuditQuery = z.output<typeof auditListQuerySchema>;

function filterOf(orgId: string, query: AuditQuery): AuditFilter {
  return {
    orgId,
    actor: query.actor,
    action: query.action,
    target: query.target,
    ip: query.ip,
    from: query.from,
    to: query.to,
  };
}

export async function listAudit(tx: Tx, orgId: string, query: AuditQuery): Promise<AuditList> {
  const result = await listAuditEntries(tx, filterOf(orgId, query), query.sort, query.page, query.limit);
  return { items: result.items.map(toAuditEntryDto), total: result.total, page: query.page, limit: query.limit };
}

/** Largest export in one file; narrow the date range for more. */
export const AUDIT_EXPORT_MAX_ROWS = 100_000;

const csvColumns = ['id', 'at', 'actor', 'action', 'target', 'before', 'after', 'ip', 'hash'];

function csvValue(value: unknown): string {
  return value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** The filtered audit log of one organization as CSV (RFC 4180), oldest first. */
export async function exportAuditCsv(tx: Tx, orgId: string, query: AuditQuery): Promise<string> {
  const records: string[][] = [];
  let lastId = 0;
  while (records.length < AUDIT_EXPORT_MAX_ROWS) {
    const rows = await auditEntriesAfter(tx, lastId, VERIFY_PAGE, filterOf(orgId, query));
    if (rows.length === 0) break;
    for (const row of rows) {
      records.push(
        [
          row.id,
          row.at.toISOString(),
          row.actorLabel,
          row.action,
          row.target,
          row.before,
          row.after,
          row.ip,
          row.hash,
        ].map(csvValue),
      );
      lastId = row.id;
    }
  }
  // escape_formulas: a leading =, +, - or @ would run as a formula in a spreadsheet.
  return stringify(records.slice(0, AUDIT_EXPORT_MAX_ROWS), {
    header: true,
    columns: csvColumns,
    record_delimiter: 'windows',
    escape_formulas: true,
  });
}

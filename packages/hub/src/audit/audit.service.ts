import { createHash } from 'node:crypto';
import type { Tx } from '../db/index.ts';
import { insertAuditEntry, lastAuditHash, lockAuditChain } from './audit.queries.ts';

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

function entryHash(prevHash: string, entry: AuditEntry, at: Date): string {
  const canonical = JSON.stringify([
    prevHash,
    entry.orgId,
    entry.actorUserId,
    entry.actorLabel,
    entry.action,
    entry.target ?? null,
    entry.before ?? null,
    entry.after ?? null,
    entry.ip ?? null,
    at.toISOString(),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Appends to the hash-chained audit log inside the caller's transaction (so the change and its record commit together). */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await lockAuditChain(tx);
  const prevHash = (await lastAuditHash(tx)) ?? GENESIS_HASH;
  const at = new Date();
  await insertAuditEntry(tx, {
    orgId: entry.orgId,
    actorUserId: entry.actorUserId,
    actorLabel: entry.actorLabel,
    action: entry.action,
    target: entry.target ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    ip: entry.ip ?? null,
    at,
    prevHash,
    hash: entryHash(prevHash, entry, at),
  });
}

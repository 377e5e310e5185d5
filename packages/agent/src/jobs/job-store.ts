import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  agentJobFileSchema,
  jobOperationSchema,
  type AgentJob,
  type AgentJobFile,
  type AgentJobTarget,
  type JobOperation,
  type TargetFailureCode,
  type TargetResult,
} from '@tutti/protocol';

export type StoredTargetState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** One target of a job as the agent keeps it on disk until its outcome is in the outbox. */
export interface StoredTarget extends AgentJobTarget {
  jobId: string;
  operation: JobOperation;
  firmware: AgentJobFile | null;
  /** The job's grant for configuration files (backup, restore). */
  fileToken: string | null;
  state: StoredTargetState;
  progress: number;
  /** When the command that changes the device went out: after a restart the agent must not send it again blindly. */
  sentAt: string | null;
  failureCode: TargetFailureCode | null;
  reason: string | null;
  result: TargetResult | null;
  /** Whether the outcome is in the outbox. */
  reported: boolean;
}

interface TargetRow {
  target_id: string;
  attempt: number;
  job_id: string;
  operation: string;
  firmware: string | null;
  serial: string;
  model: string;
  access_ip: string;
  port: number;
  plink: number | null;
  backup_id: string | null;
  file_token: string | null;
  state: StoredTargetState;
  progress: number;
  sent_at: string | null;
  failure_code: string | null;
  reason: string | null;
  result: string | null;
  reported: number;
}

export interface JobStore {
  /** Stores the targets the agent does not hold yet (same target and attempt); returns the new ones. */
  accept(job: AgentJob): StoredTarget[];
  /** Newest file grants of a job (tokens expire; a resent job brings fresh ones). */
  refreshGrants(job: AgentJob): void;
  /** Targets not finished, oldest first. */
  open(): StoredTarget[];
  /** Finished targets whose outcome did not reach the outbox (the agent stopped in between). */
  unreported(): StoredTarget[];
  get(targetId: string, attempt: number): StoredTarget | undefined;
  update(
    target: Pick<StoredTarget, 'targetId' | 'attempt'>,
    values: Partial<Pick<StoredTarget, 'state' | 'progress' | 'sentAt' | 'failureCode' | 'reason' | 'result'>>,
  ): void;
  markReported(target: Pick<StoredTarget, 'targetId' | 'attempt'>): void;
  /** Queued targets of a job. */
  queuedOf(jobId: string): StoredTarget[];
  close(): void;
}

function fromRow(row: TargetRow): StoredTarget {
  return {
    targetId: row.target_id,
    attempt: row.attempt,
    jobId: row.job_id,
    operation: jobOperationSchema.parse(JSON.parse(row.operation)),
    firmware: row.firmware === null ? null : agentJobFileSchema.parse(JSON.parse(row.firmware)),
    serial: row.serial,
    model: row.model as StoredTarget['model'],
    accessIp: row.access_ip,
    port: row.port,
    plink: row.plink,
    ...(row.backup_id ? { backupId: row.backup_id } : {}),
    fileToken: row.file_token,
    state: row.state,
    progress: row.progress,
    sentAt: row.sent_at,
    failureCode: row.failure_code as TargetFailureCode | null,
    reason: row.reason,
    result: row.result === null ? null : (JSON.parse(row.result) as TargetResult),
    reported: row.reported === 1,
  };
}

/** `jobs.sqlite` in the data dir (WAL, synchronous FULL): what the agent was asked to do survives a crash. */
export function createJobStore(dataDir: string): JobStore {
  const inMemory = dataDir === ':memory:';
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const db = new Database(inMemory ? ':memory:' : join(dataDir, 'jobs.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS targets (
      target_id TEXT NOT NULL,
      attempt INTEGER NOT NULL,
      job_id TEXT NOT NULL,
      operation TEXT NOT NULL,
      firmware TEXT,
      serial TEXT NOT NULL,
      model TEXT NOT NULL,
      access_ip TEXT NOT NULL,
      port INTEGER NOT NULL,
      plink INTEGER,
      state TEXT NOT NULL,
      progress INTEGER NOT NULL DEFAULT 0,
      sent_at TEXT,
      failure_code TEXT,
      reason TEXT,
      result TEXT,
      reported INTEGER NOT NULL DEFAULT 0,
      received_at TEXT NOT NULL,
      PRIMARY KEY (target_id, attempt)
    );
    CREATE INDEX IF NOT EXISTS targets_state ON targets (state, received_at);
    CREATE INDEX IF NOT EXISTS targets_job ON targets (job_id, state);
  `);
  // Columns added after the first release of this file.
  const existing = new Set(
    db
      .prepare<[], { name: string }>('PRAGMA table_info(targets)')
      .all()
      .map((c) => c.name),
  );
  for (const column of ['backup_id', 'file_token']) {
    if (!existing.has(column)) db.exec(`ALTER TABLE targets ADD COLUMN ${column} TEXT`);
  }
  const insert = db.prepare(
    `INSERT OR IGNORE INTO targets
       (target_id, attempt, job_id, operation, firmware, file_token, serial, model, access_ip, port, plink, backup_id,
        state, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?)`,
  );
  const selectOne = db.prepare<[string, number], TargetRow>(
    'SELECT * FROM targets WHERE target_id = ? AND attempt = ?',
  );
  const selectOpen = db.prepare<[], TargetRow>(
    "SELECT * FROM targets WHERE state IN ('queued', 'running') ORDER BY received_at, rowid",
  );
  const selectUnreported = db.prepare<[], TargetRow>(
    "SELECT * FROM targets WHERE state IN ('succeeded', 'failed', 'cancelled') AND reported = 0",
  );
  const selectQueuedOf = db.prepare<[string], TargetRow>("SELECT * FROM targets WHERE job_id = ? AND state = 'queued'");
  const setGrants = db.prepare<[string | null, string | null, string]>(
    `UPDATE targets SET firmware = coalesce(?, firmware), file_token = coalesce(?, file_token)
     WHERE job_id = ? AND state IN ('queued', 'running')`,
  );
  const setReported = db.prepare<[string, number]>(
    'UPDATE targets SET reported = 1 WHERE target_id = ? AND attempt = ?',
  );
  // Finished targets are kept a day for the local view, then dropped.
  db.prepare("DELETE FROM targets WHERE reported = 1 AND received_at < datetime('now', '-1 day')").run();

  const acceptAll = db.transaction((job: AgentJob): StoredTarget[] => {
    const now = new Date().toISOString();
    const added: StoredTarget[] = [];
    for (const target of job.targets) {
      const result = insert.run(
        target.targetId,
        target.attempt,
        job.jobId,
        JSON.stringify(job.operation),
        job.firmware ? JSON.stringify(job.firmware) : null,
        job.fileToken ?? null,
        target.serial,
        target.model,
        target.accessIp,
        target.port,
        target.plink,
        target.backupId ?? null,
        now,
      );
      if (result.changes > 0) added.push(fromRow(selectOne.get(target.targetId, target.attempt)!));
    }
    return added;
  });

  const columns: Record<string, string> = {
    state: 'state',
    progress: 'progress',
    sentAt: 'sent_at',
    failureCode: 'failure_code',
    reason: 'reason',
    result: 'result',
  };

  return {
    accept: (job) => acceptAll(job),
    refreshGrants(job) {
      setGrants.run(job.firmware ? JSON.stringify(job.firmware) : null, job.fileToken ?? null, job.jobId);
    },
    open: () => selectOpen.all().map(fromRow),
    unreported: () => selectUnreported.all().map(fromRow),
    get(targetId, attempt) {
      const row = selectOne.get(targetId, attempt);
      return row ? fromRow(row) : undefined;
    },
    update(target, values) {
      const entries = Object.entries(values).filter(([key]) => key in columns);
      if (entries.length === 0) return;
      const assignments = entries.map(([key]) => `${columns[key]} = ?`).join(', ');
      const params = entries.map(([key, value]) =>
        key === 'result' ? (value === null ? null : JSON.stringify(value)) : (value as string | number | null),
      );
      db.prepare(`UPDATE targets SET ${assignments} WHERE target_id = ? AND attempt = ?`).run(
        ...params,
        target.targetId,
        target.attempt,
      );
    },
    markReported(target) {
      setReported.run(target.targetId, target.attempt);
    },
    queuedOf: (jobId) => selectQueuedOf.all(jobId).map(fromRow),
    close() {
      db.close();
    },
  };
}

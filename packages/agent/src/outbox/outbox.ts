import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { deviceReportSchema, type AgentEvent, type AgentEventBody, type DeviceReport } from '@tutti/protocol';

/** Rough per-row cost on disk (row header, index entry) added to the JSON body size. */
const ROW_OVERHEAD_BYTES = 48;
/** From this share of the cap on, the outbox counts as near full and compacts. */
const NEAR_CAP_RATIO = 0.8;

export interface CreateOutboxOptions {
  /** Directory holding `outbox.sqlite`; created when missing. `:memory:` keeps everything in memory (tests only). */
  dataDir: string;
  /** Disk budget for unacknowledged events. */
  capBytes?: number;
  /**
   * `full` (default) syncs every append transaction to disk before it returns; `normal` is faster but an OS crash
   * may lose the last transactions (a process crash loses nothing).
   */
  synchronous?: 'full' | 'normal';
  /** Clock for `at` timestamps. */
  now?: () => Date;
  /**
   * Hard ceiling of the database file (SQLite `max_page_count`): an append that would pass it fails as a full
   * disk would, before the disk itself fills. Default: 1.5 × capBytes.
   */
  maxDatabaseBytes?: number;
}

export interface OutboxStats {
  /** Events waiting for the hub's acknowledgement. */
  depth: number;
  /** Estimated bytes those events take. */
  bytes: number;
  capBytes: number;
  nearCap: boolean;
  /** Highest seq ever assigned (0 when none). */
  lastSeq: number;
  /** Status events folded away by compaction since the outbox was created. */
  compacted: number;
  /** `memory` when events cannot be kept on disk: they would be lost if the agent restarted. */
  storage: 'disk' | 'memory';
  /** Why the disk outbox failed, when it did. */
  storageError: string | null;
}

export interface CompactionResult {
  removed: number;
  bytesFreed: number;
}

export interface Outbox {
  /** Assigns seq and `at` to each body and stores them all in one transaction; returns once they are durable. */
  append(bodies: readonly AgentEventBody[]): AgentEvent[];
  /** Events with seq > afterSeq, oldest first. */
  pending(afterSeq: number, limit: number): AgentEvent[];
  /**
   * Makes every seq, pending or future, greater than `hubLastSeq`, keeping their order. Needed when the hub has
   * seen more than this outbox remembers (its file was lost): otherwise the hub would take new events for
   * duplicates. Returns the offset added (0 when nothing had to move).
   */
  rebase(hubLastSeq: number): number;
  /**
   * Every device as the events appended so far describe it (last `device.seen` with later `device.status` applied,
   * minus `device.lost`): lets a restarted agent carry on without re-announcing unchanged devices.
   */
  reportedDevices(): DeviceReport[];
  /**
   * Takes over another outbox's unacknowledged events (same seqs), its seq counter and its picture of the
   * devices: how events move to memory when the disk outbox fails.
   */
  adopt(events: readonly AgentEvent[], lastSeq: number, devices: readonly DeviceReport[]): void;
  /** Deletes every event with seq ≤ upTo; returns how many left. */
  ack(upTo: number): number;
  /**
   * Collapses each run of consecutive `device.status` events of one device (not interrupted by a `device.seen` or
   * `device.lost` of that device) to its first and last event, and counts what it removed. Runs on its own when
   * the outbox is near its cap.
   */
  compact(): CompactionResult;
  stats(): OutboxStats;
  /** Called after every append (to wake the sender). Returns an unsubscribe function. */
  onAppend(listener: (events: readonly AgentEvent[]) => void): () => void;
  close(): void;
}

interface EventRow {
  seq: number;
  at: string;
  body: string;
}

interface StatusRow {
  seq: number;
  serial: string | null;
  kind: string;
  bytes: number;
}

function serialOf(body: AgentEventBody): string | null {
  switch (body.kind) {
    case 'device.seen':
      return body.device.serial;
    case 'device.status':
    case 'device.lost':
    case 'job.target':
      return body.serial;
    case 'agent.state':
      return null;
  }
}

function toEvent(row: EventRow): AgentEvent {
  return { seq: row.seq, at: row.at, ...(JSON.parse(row.body) as AgentEventBody) };
}

/**
 * The agent's durable outbox (SQLite in WAL mode): every event is stored with its seq before it is sent, and
 * leaves only when the hub acknowledges it.
 */
export function createOutbox(options: CreateOutboxOptions): Outbox {
  const capBytes = options.capBytes ?? 512 * 1024 * 1024;
  const now = options.now ?? (() => new Date());
  const inMemory = options.dataDir === ':memory:';
  if (!inMemory) mkdirSync(options.dataDir, { recursive: true });
  const db = new Database(inMemory ? ':memory:' : join(options.dataDir, 'outbox.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  if (!inMemory) {
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    const maxBytes = options.maxDatabaseBytes ?? capBytes * 1.5;
    db.pragma(`max_page_count = ${Math.max(64, Math.ceil(maxBytes / pageSize))}`);
  }
  db.exec(`
    CREATE TABLE IF NOT EXISTS events (
      seq INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      kind TEXT NOT NULL,
      serial TEXT,
      bytes INTEGER NOT NULL,
      body TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS reported_devices (
      serial TEXT PRIMARY KEY,
      report TEXT NOT NULL,
      status TEXT NOT NULL,
      since TEXT NOT NULL
    );
    INSERT OR IGNORE INTO meta (key, value) VALUES ('last_seq', 0), ('compacted', 0);
  `);

  const insertEvent = db.prepare<[number, string, string, string | null, number, string]>(
    'INSERT INTO events (seq, at, kind, serial, bytes, body) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const readMeta = db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE key = ?');
  const writeMeta = db.prepare<[number, string]>('UPDATE meta SET value = ? WHERE key = ?');
  const selectPending = db.prepare<[number, number], EventRow>(
    'SELECT seq, at, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
  );
  const sumUpTo = db.prepare<[number], { count: number; bytes: number }>(
    'SELECT COUNT(*) AS count, COALESCE(SUM(bytes), 0) AS bytes FROM events WHERE seq <= ?',
  );
  const deleteUpTo = db.prepare<[number]>('DELETE FROM events WHERE seq <= ?');
  const selectTotals = db.prepare<[], { count: number; bytes: number }>(
    'SELECT COUNT(*) AS count, COALESCE(SUM(bytes), 0) AS bytes FROM events',
  );
  const selectDeviceEvents = db.prepare<[], StatusRow>(
    'SELECT seq, serial, kind, bytes FROM events WHERE serial IS NOT NULL ORDER BY serial, seq',
  );
  const deleteOne = db.prepare<[number]>('DELETE FROM events WHERE seq = ?');
  const shiftSeqs = db.prepare<[number]>('UPDATE events SET seq = seq + ?');
  const upsertReported = db.prepare<[string, string, string, string]>(
    'INSERT INTO reported_devices (serial, report, status, since) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT (serial) DO UPDATE SET report = excluded.report, status = excluded.status, since = excluded.since',
  );
  const updateReportedStatus = db.prepare<[string, string, string]>(
    'UPDATE reported_devices SET status = ?, since = ? WHERE serial = ?',
  );
  const deleteReported = db.prepare<[string]>('DELETE FROM reported_devices WHERE serial = ?');
  const selectReported = db.prepare<[], { report: string; status: string; since: string }>(
    'SELECT report, status, since FROM reported_devices ORDER BY serial',
  );

  /** Keeps `reported_devices` equal to what the events tell the hub. */
  function project(body: AgentEventBody): void {
    switch (body.kind) {
      case 'device.seen':
        upsertReported.run(
          body.device.serial,
          JSON.stringify(body.device),
          body.device.status,
          body.device.statusSince,
        );
        return;
      case 'device.status':
        updateReportedStatus.run(body.status, body.since, body.serial);
        return;
      case 'device.lost':
        deleteReported.run(body.serial);
        return;
      case 'agent.state':
      case 'job.target':
        return;
    }
  }

  let lastSeq = readMeta.get('last_seq')?.value ?? 0;
  let compacted = readMeta.get('compacted')?.value ?? 0;
  const totals = selectTotals.get() ?? { count: 0, bytes: 0 };
  let depth = totals.count;
  let bytes = totals.bytes;
  const listeners = new Set<(events: readonly AgentEvent[]) => void>();
  /** Size after the last compaction: the next one waits until the outbox has grown by a slice of the cap. */
  let bytesAfterCompaction = -Infinity;
  const isNearCap = (): boolean => bytes >= capBytes * NEAR_CAP_RATIO;

  const appendTx = db.transaction((bodies: readonly AgentEventBody[]): AgentEvent[] => {
    const at = now().toISOString();
    const events: AgentEvent[] = [];
    let seq = lastSeq;
    let added = 0;
    for (const body of bodies) {
      seq += 1;
      const json = JSON.stringify(body);
      const size = json.length + ROW_OVERHEAD_BYTES;
      insertEvent.run(seq, at, body.kind, serialOf(body), size, json);
      project(body);
      added += size;
      events.push({ seq, at, ...body });
    }
    writeMeta.run(seq, 'last_seq');
    lastSeq = seq;
    depth += bodies.length;
    bytes += added;
    return events;
  });

  const adoptTx = db.transaction(
    (events: readonly AgentEvent[], adoptedLastSeq: number, devices: readonly DeviceReport[]): void => {
      for (const { seq, at, ...body } of events) {
        const json = JSON.stringify(body);
        const size = json.length + ROW_OVERHEAD_BYTES;
        insertEvent.run(seq, at, body.kind, serialOf(body), size, json);
        depth += 1;
        bytes += size;
      }
      for (const device of devices) {
        upsertReported.run(device.serial, JSON.stringify(device), device.status, device.statusSince);
      }
      lastSeq = Math.max(lastSeq, adoptedLastSeq);
      writeMeta.run(lastSeq, 'last_seq');
    },
  );

  const ackTx = db.transaction((upTo: number): number => {
    const gone = sumUpTo.get(upTo) ?? { count: 0, bytes: 0 };
    if (gone.count === 0) return 0;
    deleteUpTo.run(upTo);
    depth -= gone.count;
    bytes -= gone.bytes;
    return gone.count;
  });

  const rebaseTx = db.transaction((hubLastSeq: number): number => {
    if (hubLastSeq <= lastSeq) return 0;
    const offset = hubLastSeq;
    shiftSeqs.run(offset);
    writeMeta.run(lastSeq + offset, 'last_seq');
    lastSeq += offset;
    return offset;
  });

  const compactTx = db.transaction((): CompactionResult => {
    let removed = 0;
    let bytesFreed = 0;
    let run: StatusRow[] = [];
    const flushRun = (): void => {
      for (const row of run.slice(1, -1)) {
        deleteOne.run(row.seq);
        removed += 1;
        bytesFreed += row.bytes;
      }
      run = [];
    };
    for (const row of selectDeviceEvents.all()) {
      const continuesRun = run.length > 0 && run[0]?.serial === row.serial;
      if (row.kind === 'device.status' && continuesRun) {
        run.push(row);
        continue;
      }
      flushRun();
      if (row.kind === 'device.status') run.push(row);
    }
    flushRun();
    if (removed > 0) {
      compacted += removed;
      writeMeta.run(compacted, 'compacted');
      depth -= removed;
      bytes -= bytesFreed;
    }
    return { removed, bytesFreed };
  });

  return {
    append(bodies) {
      if (bodies.length === 0) return [];
      const events = appendTx(bodies);
      if (isNearCap() && bytes - bytesAfterCompaction >= capBytes * 0.05) {
        bytesAfterCompaction = bytes;
        try {
          compactTx();
          bytesAfterCompaction = bytes;
        } catch {
          // The events are stored; a compaction the disk refused leaves them whole, and the next append that
          // fails the same way moves the outbox to memory.
        }
      }
      for (const listener of listeners) listener(events);
      return events;
    },
    pending(afterSeq, limit) {
      return selectPending.all(afterSeq, limit).map(toEvent);
    },
    reportedDevices() {
      return selectReported
        .all()
        .map((row) => {
          const parsed = deviceReportSchema.safeParse({
            ...(JSON.parse(row.report) as object),
            status: row.status,
            statusSince: row.since,
          });
          return parsed.success ? [parsed.data] : [];
        })
        .flat();
    },
    rebase(hubLastSeq) {
      return rebaseTx(hubLastSeq);
    },
    adopt(events, adoptedLastSeq, devices) {
      adoptTx(events, adoptedLastSeq, devices);
    },
    ack(upTo) {
      return ackTx(upTo);
    },
    compact() {
      return compactTx();
    },
    stats() {
      return {
        depth,
        bytes,
        capBytes,
        nearCap: isNearCap(),
        lastSeq,
        compacted,
        storage: inMemory ? 'memory' : 'disk',
        storageError: null,
      };
    },
    onAppend(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      if (db.open) db.close();
    },
  };
}

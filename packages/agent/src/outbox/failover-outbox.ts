import type { Logger } from 'pino';
import type { AgentEvent } from '@tutti/protocol';
import { createOutbox, type CreateOutboxOptions, type Outbox } from './outbox.ts';

/** Most events moved from a failing disk outbox into memory at once (all of them, in practice). */
const ADOPT_LIMIT = Number.MAX_SAFE_INTEGER;

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}

/**
 * The disk outbox, with a way out when the disk fails: if it cannot be opened (read-only or missing directory,
 * damaged file) or an append fails (disk full, I/O error), events go on in memory — nothing already buffered is
 * dropped, seqs continue — and `stats().storageError` says why, so the agent keeps monitoring and reports that it
 * cannot buffer on disk. Memory does not survive a restart; the disk is tried again when the agent next starts.
 */
export function createFailoverOutbox(options: CreateOutboxOptions & { log: Logger }): Outbox {
  const { log, ...outboxOptions } = options;
  const listeners = new Set<(events: readonly AgentEvent[]) => void>();
  let storageError: string | null = null;
  let current: Outbox;
  let unsubscribe: () => void = () => undefined;

  function attach(outbox: Outbox): void {
    unsubscribe();
    current = outbox;
    unsubscribe = outbox.onAppend((events) => {
      for (const listener of listeners) listener(events);
    });
  }

  function memoryOutbox(): Outbox {
    return createOutbox({ ...outboxOptions, dataDir: ':memory:' });
  }

  try {
    attach(createOutbox(outboxOptions));
  } catch (error) {
    storageError = messageOf(error);
    log.error({ err: error, dataDir: outboxOptions.dataDir }, 'cannot open the outbox on disk; buffering in memory');
    attach(memoryOutbox());
  }

  function failOver(error: unknown): void {
    const failed = current;
    const memory = memoryOutbox();
    memory.adopt(failed.pending(0, ADOPT_LIMIT), failed.stats().lastSeq, failed.reportedDevices());
    storageError = messageOf(error);
    log.error(
      { err: error, moved: memory.stats().depth },
      'the outbox on disk failed; buffering in memory from now on',
    );
    attach(memory);
    try {
      failed.close();
    } catch (closeError) {
      log.warn({ err: closeError }, 'closing the failed outbox');
    }
  }

  return {
    append(bodies) {
      if (storageError !== null) return current.append(bodies);
      try {
        return current.append(bodies);
      } catch (error) {
        failOver(error);
        return current.append(bodies);
      }
    },
    pending: (afterSeq, limit) => current.pending(afterSeq, limit),
    rebase: (hubLastSeq) => current.rebase(hubLastSeq),
    adopt: (events, lastSeq, devices) => current.adopt(events, lastSeq, devices),
    reportedDevices: () => current.reportedDevices(),
    ack(upTo) {
      try {
        return current.ack(upTo);
      } catch (error) {
        // Deleting failed on disk: the events stay and are resent, and the hub skips them as duplicates.
        if (storageError !== null) throw error;
        failOver(error);
        return current.ack(upTo);
      }
    },
    compact: () => current.compact(),
    stats: () => ({ ...current.stats(), ...(storageError === null ? {} : { storage: 'memory', storageError }) }),
    onAppend(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      unsubscribe();
      current.close();
    },
  };
}

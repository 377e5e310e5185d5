import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchScope } from './benchmark.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Every worker message names its type; replies are matched by type, one request of a type at a time. */
export interface WorkerMessage {
  type: string;
}

export interface Worker<Request extends WorkerMessage, Reply extends WorkerMessage> {
  readonly pid: number;
  request<Type extends Reply['type']>(
    message: Request,
    replyType: Type,
    timeoutMs: number,
  ): Promise<Extract<Reply, { type: Type }>>;
}

/**
 * Forks `script` as its own Node process (TypeScript through tsx), so it gets its own event loop and core. The child's
 * stdout goes to our stderr (stdout carries only the report). Stopping it is deferred to the scope: a `stop` request,
 * then SIGKILL if it has not exited within a few seconds.
 */
export function startWorker<Request extends WorkerMessage, Reply extends WorkerMessage>(
  script: URL,
  name: string,
  scope: BenchScope,
  stopMessage: Request,
  /** Extra Node flags for the child, e.g. `--expose-gc`. */
  extraExecArgv: readonly string[] = [],
): Worker<Request, Reply> {
  const child: ChildProcess = fork(fileURLToPath(script), [], {
    cwd: repoRoot,
    // `node --cpu-prof --cpu-prof-dir D --import tsx bench/src/main.ts` profiles the workers too.
    execArgv: ['--import', 'tsx', ...process.execArgv.filter((arg) => arg.startsWith('--cpu-prof')), ...extraExecArgv],
    stdio: ['ignore', 2, 2, 'ipc'],
    serialization: 'advanced',
  });
  let exited = false;
  let exitReason = '';
  const waiters = new Set<{ type: string; resolve: (message: Reply) => void; reject: (error: Error) => void }>();

  const failAll = (error: Error): void => {
    for (const waiter of waiters) waiter.reject(error);
    waiters.clear();
  };
  child.on('message', (raw) => {
    const message = raw as Reply | { type: 'error'; message: string };
    if (message.type === 'error' && 'message' in message) {
      failAll(new Error(`${name} worker: ${message.message}`));
      return;
    }
    for (const waiter of waiters) {
      if (waiter.type !== message.type) continue;
      waiters.delete(waiter);
      waiter.resolve(message as Reply);
      return;
    }
  });
  child.on('exit', (code, signal) => {
    exited = true;
    exitReason = `${name} worker exited (code ${code}, signal ${signal})`;
    failAll(new Error(exitReason));
  });
  child.on('error', (error) => failAll(error));

  scope.defer(async () => {
    if (exited) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    if (child.connected) child.send(stopMessage);
    else child.kill('SIGTERM');
    await gone;
    clearTimeout(killTimer);
  });

  return {
    get pid() {
      return child.pid ?? -1;
    },
    request(message, replyType, timeoutMs) {
      if (exited) return Promise.reject(new Error(exitReason));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${name} worker: no '${replyType}' within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = {
          type: replyType,
          resolve: (reply: Reply) => {
            clearTimeout(timer);
            resolve(reply as Extract<Reply, { type: typeof replyType }>);
          },
          reject: (error: Error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        waiters.add(waiter);
        child.send(message);
      });
    },
  };
}

/**
 * The child side: answers requests with `handle`, reports failures as `error` messages, and exits when the parent
 * goes away (IPC closed) or after `lifetimeMs`, so an orphan never outlives a benchmark.
 */
export function serveWorker<Request extends WorkerMessage, Reply extends WorkerMessage>(
  handle: (message: Request) => Promise<Reply | null>,
  lifetimeMs: number,
): void {
  const reply = (message: Reply | { type: 'error'; message: string }): void => {
    if (process.connected) process.send?.(message);
  };
  process.on('message', (raw) => {
    handle(raw as Request).then(
      (message) => {
        if (message) reply(message);
      },
      (error: unknown) =>
        reply({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  setTimeout(() => {
    process.stderr.write(`worker ${process.pid}: lifetime of ${lifetimeMs} ms reached, exiting\n`);
    process.exit(2);
  }, lifetimeMs).unref();
}

/** Cumulative CPU time of this process in milliseconds (user + system). */
export function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

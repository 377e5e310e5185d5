import type { Logger } from 'pino';
import { appError, isLoopbackIpv4, subnetOf } from '@tutti/protocol';
import type { SubnetSetting } from '../config/agent-config.ts';
import type { DeviceDriver, DiscoveryAnswer } from '../sessions/device-driver.ts';

export interface ScanProgress {
  scanning: boolean;
  /** Scans finished since the agent started. */
  scans: number;
  lastScanAt: string | null;
  lastDurationMs: number | null;
  /** Devices that answered the last scan. */
  answered: number;
  lastError: string | null;
}

export interface ScannerOptions {
  driver: Pick<DeviceDriver<unknown>, 'probeSubnet'>;
  /** The subnets as configured right now; only enabled ones are swept. */
  subnets: () => readonly SubnetSetting[];
  intervalMs: number;
  /** Discovery requests in flight at once within one subnet. */
  concurrency: number;
  /** Subnets swept at the same time. */
  subnetConcurrency: number;
  discoveryPort: number;
  timeoutMs: number;
  /** Telnet port assumed when an answer names none. */
  telnetPort: number;
  onAnswer: (answer: DiscoveryAnswer, subnet: SubnetSetting) => void;
  onScanEnd: (subnet: SubnetSetting, answered: ReadonlySet<string>) => void;
  /** Called after every sweep of all enabled subnets. */
  onCycleEnd: () => void;
  log: Logger;
}

export interface Scanner {
  start(): void;
  /** Starts a sweep now (or right after the running one). */
  rescan(): void;
  progress(subnet: string): ScanProgress;
  close(): Promise<void>;
}

/** Refuses anything outside 127.0.0.0/8 before a single packet leaves. */
export function assertLoopbackSubnet(subnet: string): void {
  if (!isLoopbackIpv4(subnet)) throw appError('ADDRESS_NOT_LOOPBACK', { subnet });
}

/** Sweeps the enabled subnets every interval, a few subnets at a time, each with bounded concurrency. */
export function createScanner(options: ScannerOptions): Scanner {
  const { log } = options;
  const progressBySubnet = new Map<string, ScanProgress>();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;

  function progressOf(subnet: string): ScanProgress {
    let progress = progressBySubnet.get(subnet);
    if (!progress) {
      progress = { scanning: false, scans: 0, lastScanAt: null, lastDurationMs: null, answered: 0, lastError: null };
      progressBySubnet.set(subnet, progress);
    }
    return progress;
  }

  async function scanSubnet(setting: SubnetSetting): Promise<void> {
    const progress = progressOf(setting.subnet);
    const started = Date.now();
    progress.scanning = true;
    try {
      assertLoopbackSubnet(setting.subnet);
      const answered = new Set<string>();
      // Answers go to the monitor as they arrive, so sessions open while the sweep still listens for stragglers.
      const accept = (answer: DiscoveryAnswer): void => {
        if (closed || answered.has(answer.serial)) return;
        if (!isLoopbackIpv4(answer.ip) || subnetOf(answer.ip) !== setting.subnet) {
          log.warn({ subnet: setting.subnet, ip: answer.ip }, 'ignoring an answer from outside the scanned subnet');
          return;
        }
        answered.add(answer.serial);
        options.onAnswer(answer.telnetPort > 0 ? answer : { ...answer, telnetPort: options.telnetPort }, setting);
      };
      const answers = await options.driver.probeSubnet(setting.subnet, {
        port: options.discoveryPort,
        timeoutMs: options.timeoutMs,
        concurrency: options.concurrency,
        onAnswer: accept,
      });
      if (closed) return;
      for (const answer of answers) accept(answer);
      options.onScanEnd(setting, answered);
      progress.answered = answered.size;
      progress.lastError = null;
    } catch (error) {
      progress.lastError = error instanceof Error ? error.message : String(error);
      log.warn({ subnet: setting.subnet, err: error }, 'subnet scan failed');
    } finally {
      progress.scanning = false;
      progress.scans += 1;
      progress.lastScanAt = new Date().toISOString();
      progress.lastDurationMs = Date.now() - started;
    }
  }

  async function sweepEnabled(): Promise<void> {
    const queue = options.subnets().filter((setting) => setting.enabled);
    const worker = async (): Promise<void> => {
      for (let setting = queue.shift(); setting && !closed; setting = queue.shift()) await scanSubnet(setting);
    };
    await Promise.all(Array.from({ length: Math.min(options.subnetConcurrency, queue.length) }, worker));
  }

  async function cycle(): Promise<void> {
    do {
      again = false;
      await sweepEnabled();
      if (!closed) options.onCycleEnd();
    } while (again && !closed);
  }

  function schedule(): void {
    if (closed) return;
    timer = setTimeout(run, options.intervalMs);
  }

  function run(): void {
    timer = null;
    running = cycle()
      .catch((error: unknown) => log.error({ err: error }, 'scan cycle failed'))
      .finally(() => {
        running = null;
        schedule();
      });
  }

  return {
    start() {
      if (!running && !timer) run();
    },
    rescan() {
      if (closed) return;
      if (running) {
        again = true;
        return;
      }
      if (timer) clearTimeout(timer);
      run();
    },
    progress(subnet) {
      return { ...progressOf(subnet) };
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}

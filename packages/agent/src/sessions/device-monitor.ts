import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import {
  deviceModelSchema,
  formatConnectionPath,
  modelInfo,
  serialNumberSchema,
  type AgentEventBody,
  type DeviceConnection,
  type DeviceModel,
  type DeviceReport,
  type DeviceStatus,
} from '@tutti/protocol';
import type { SubnetSetting } from '../config/agent-config.ts';
import { backoffDelay, type BackoffSettings } from './backoff.ts';
import type {
  DeviceDriver,
  DeviceIdentity,
  DeviceActivity,
  DeviceSessionLike,
  DiscoveryAnswer,
  PeripheralIdentity,
} from './device-driver.ts';
import { createLimiter } from './limiter.ts';

/** How the agent's session with a device stands. */
export type SessionState = 'connecting' | 'connected' | 'login_failed' | 'unreachable';

export interface MonitoredDevice {
  serial: string;
  model: DeviceModel;
  /** Product name users know, e.g. "CONVERGE Pro 2 128T". */
  modelName: string;
  name: string;
  accessIp: string;
  port: number;
  firmware: string;
  status: DeviceStatus | null;
  statusSince: string | null;
  connection: DeviceConnection;
  connectionPath: string;
  session: SessionState;
  /** Why the last session attempt failed or the session ended; null while connected. */
  sessionError: string | null;
  /** When the next connection attempt is due, while waiting to retry. */
  retryAt: string | null;
  /** Percentage of a firmware update in progress, else null. */
  firmwareProgress: number | null;
  lastSeenAt: string;
}

export interface DeviceCredentials {
  username: string;
  password: string;
}

export interface DeviceMonitorOptions<State> {
  driver: DeviceDriver<State>;
  /** Credentials for a device (per device, else per subnet, else the site's). Read at every login. */
  credentialsFor: (serial: string, subnet: string) => DeviceCredentials;
  deviceTimeoutMs: number;
  /** How long a box that announced a reboot (or finished a firmware update) may stay away as Restarting... */
  restartGraceMs: number;
  discoveryPort: number;
  livenessIntervalMs: number;
  connectConcurrency: number;
  missingScansBeforeLost: number;
  deviceRetry: BackoffSettings;
  loginRetry: BackoffSettings;
  /** Server name shown at the start of connection paths. */
  serverName: () => string | null;
  emit: (body: AgentEventBody) => void;
  /** Called when devices appear or disappear. */
  onDevicesChanged: () => void;
  log: Logger;
  now?: () => Date;
}

export interface DeviceMonitor {
  /**
   * Devices the hub was told about before a restart. Those on an enabled subnet get a session at once and stay
   * quiet while unchanged; the others are reported lost.
   */
  seed(reports: readonly DeviceReport[], enabledSubnets: readonly SubnetSetting[]): void;
  /** A discovery answer from a scan of `subnet`. */
  observe(answer: DiscoveryAnswer, subnet: SubnetSetting): void;
  /** A scan of `subnet` finished; `answered` holds the serials that answered it. */
  endScan(subnet: string, answered: ReadonlySet<string>): void;
  /** Stops monitoring every device of a subnet (it was disabled) and reports them lost. */
  forgetSubnet(subnet: string): void;
  /** Logs in again now to the devices whose credentials may have changed (all when `serial` is omitted). */
  retryLogin(serial?: string): void;
  devices(): MonitoredDevice[];
  /** Number of device sessions in each state (hosts only: peripherals share their host's session). */
  sessionCounts(): Record<SessionState, number>;
  count(): number;
  /** Whether the unit at `address` announced a restart (a reboot, a firmware update) and is not back yet. */
  restarting(address: string): boolean;
  /**
   * A job is about to restart the unit at `address`: it shows Restarting... while it is away, not Down. The returned
   * function takes that back when the restart command failed.
   */
  expectRestart(address: string): () => void;
  start(): void;
  close(): Promise<void>;
}

interface ReportedState {
  /** JSON of the last `device.seen` report without its status fields. */
  identityKey: string | null;
  status: DeviceStatus | null;
  statusSince: string;
}

interface PeripheralEntry extends ReportedState {
  info: PeripheralIdentity;
  model: DeviceModel;
}

interface HostEntry<State> extends ReportedState {
  serial: string;
  answer: DiscoveryAnswer;
  model: DeviceModel;
  subnet: SubnetSetting;
  session: DeviceSessionLike<State> | null;
  sessionState: SessionState;
  identity: DeviceIdentity | null;
  state: State | undefined;
  missingScans: number;
  attempts: number;
  retryTimer: NodeJS.Timeout | null;
  nextLivenessAt: number;
  livenessBusy: boolean;
  /** Bumped whenever the session is replaced, so late callbacks of an old session are ignored. */
  generation: number;
  lastSeenAt: string;
  peripherals: Map<string, PeripheralEntry>;
  sessionError: string | null;
  retryAt: number | null;
  /** Percentage while the box reports a firmware update, else null. */
  firmwareProgress: number | null;
  /** The box announced a reboot (or a finished firmware update): the coming disconnect is a restart. */
  restartExpected: boolean;
  /** Until when a box that went away to restart is shown as Restarting... rather than Down. */
  restartingUntil: number | null;
  restartTimer: NodeJS.Timeout | null;
  /**
   * FTP as the box last reported it; kept while the session is away, so that a disconnect is a status change and not
   * a new identity. Undefined until first known: the report then leaves it out.
   */
  ftpEnabled: boolean | null | undefined;
}

const LIVENESS_TICK_MS = 1_000;

function isVideo(model: DeviceModel): boolean {
  return modelInfo(model).category === 'video';
}

function parseModel(model: string): DeviceModel | null {
  const parsed = deviceModelSchema.safeParse(model);
  return parsed.success ? parsed.data : null;
}

/**
 * Holds one session per discovered device, turns identity and state changes into outbox events, and retries
 * unreachable devices with jittered backoff. Sessions stay idle until the device notifies a change; a single timer
 * spreads a cheap liveness command over every session.
 */
export function createDeviceMonitor<State>(options: DeviceMonitorOptions<State>): DeviceMonitor {
  const { driver, log } = options;
  const now = options.now ?? (() => new Date());
  const hosts = new Map<string, HostEntry<State>>();
  const limiter = createLimiter(options.connectConcurrency);
  const pendingWork = new Set<Promise<void>>();
  const warnedModels = new Set<string>();
  const abort = new AbortController();
  // Every open session listens on this one signal: thousands of listeners are expected.
  setMaxListeners(0, abort.signal);
  let livenessTimer: NodeJS.Timeout | null = null;
  let closed = false;

  function track(work: Promise<void>): void {
    pendingWork.add(work);
    void work.finally(() => pendingWork.delete(work));
  }

  function hostAt(address: string): HostEntry<State> | undefined {
    for (const host of hosts.values()) if (host.answer.ip === address) return host;
    return undefined;
  }

  function restarting(entry: HostEntry<State>): boolean {
    return entry.restartingUntil !== null && entry.restartingUntil > Date.now();
  }

  function hostStatus(entry: HostEntry<State>): DeviceStatus | null {
    switch (entry.sessionState) {
      case 'connecting':
        return entry.status;
      case 'connected':
        return driver.deriveStatus({
          reachable: true,
          loginFailed: false,
          model: entry.model,
          restarting: entry.restartExpected,
          updatingFirmware: entry.firmwareProgress !== null,
          state: entry.state,
        });
      case 'login_failed':
        return driver.deriveStatus({ reachable: true, loginFailed: true, model: entry.model });
      case 'unreachable':
        // Video units know no Restarting...: away is Down.
        return restarting(entry) && !isVideo(entry.model)
          ? driver.deriveStatus({ reachable: true, loginFailed: false, model: entry.model, restarting: true })
          : driver.deriveStatus({ reachable: false, loginFailed: false, model: entry.model });
    }
  }

  function hostConnection(entry: HostEntry<State>): DeviceConnection {
    // Video units (COLLABORATE Live) sit on no expansion bus: no stack, no C-Link position.
    const video = isVideo(entry.model);
    const stack = video ? null : entry.identity?.stackName || entry.answer.stackName || null;
    return {
      subnet: entry.subnet.subnet,
      interfaceName: entry.subnet.interfaceName,
      stack,
      clink: entry.identity && !video ? Math.max(0, entry.identity.boxNumber - 1) : null,
      plink: null,
      hostSerial: null,
    };
  }

  function hostReport(entry: HostEntry<State>): Omit<DeviceReport, 'status' | 'statusSince'> {
    return {
      serial: entry.serial,
      model: entry.model,
      name: entry.identity?.boxName ?? entry.answer.boxName,
      mac: entry.identity?.mac ?? entry.answer.mac,
      firmware: entry.identity?.firmware ?? '',
      accessIp: entry.answer.ip,
      port: entry.answer.telnetPort,
      connection: hostConnection(entry),
      ...voipLinesOf(entry),
      ...(entry.ftpEnabled === undefined ? {} : { ftpEnabled: entry.ftpEnabled }),
    };
  }

  /** VoIP lines go with the report while the session knows them; a report without them leaves the hub's as they were. */
  function voipLinesOf(entry: HostEntry<State>): Pick<DeviceReport, 'voipLines'> {
    if (!driver.voipLinesOf || entry.sessionState !== 'connected' || entry.state === undefined) return {};
    const lines = driver.voipLinesOf(entry.state);
    return lines.length > 0 ? { voipLines: lines } : {};
  }

  function peripheralReport(
    host: HostEntry<State>,
    peripheral: PeripheralEntry,
  ): Omit<DeviceReport, 'status' | 'statusSince'> {
    const hostConnectionValue = hostConnection(host);
    return {
      serial: peripheral.info.serial,
      model: peripheral.model,
      name: peripheral.info.name,
      mac: '',
      firmware: peripheral.info.firmware,
      accessIp: host.answer.ip,
      port: host.answer.telnetPort,
      connection: { ...hostConnectionValue, plink: peripheral.info.plink, hostSerial: host.serial },
    };
  }

  /** Emits `device.seen` when the identity or address changed, else `device.status` when the status changed. */
  function publish(
    reported: ReportedState,
    report: Omit<DeviceReport, 'status' | 'statusSince'>,
    status: DeviceStatus | null,
  ): void {
    if (status === null) return;
    const statusChanged = status !== reported.status;
    if (statusChanged) {
      reported.status = status;
      reported.statusSince = now().toISOString();
    }
    const identityKey = JSON.stringify(report);
    if (identityKey !== reported.identityKey) {
      reported.identityKey = identityKey;
      options.emit({ kind: 'device.seen', device: { ...report, status, statusSince: reported.statusSince } });
    } else if (statusChanged) {
      options.emit({ kind: 'device.status', serial: report.serial, status, since: reported.statusSince });
    }
  }

  /**
   * Peripherals are powered and reached through their host: they share its reachability and restarts, and the
   * host's session tells their own link, locate and firmware state.
   */
  function peripheralStatus(host: HostEntry<State>, serial: string): DeviceStatus | null {
    if (host.sessionState === 'connecting') return null;
    const hostRestarting = host.sessionState === 'unreachable' && restarting(host);
    return driver.derivePeripheralStatus(
      {
        reachable: host.sessionState !== 'unreachable' || hostRestarting,
        loginFailed: host.sessionState === 'login_failed',
        restarting: hostRestarting || (host.sessionState === 'connected' && host.restartExpected),
        state: host.sessionState === 'connected' ? host.state : undefined,
      },
      serial,
    );
  }

  function syncPeripherals(host: HostEntry<State>): void {
    if (host.identity) {
      const current = new Set<string>();
      for (const info of host.identity.peripherals) {
        const model = parseModel(info.model);
        if (!model || !serialNumberSchema.safeParse(info.serial).success) {
          warnOnce(`${info.model}:${info.serial}`, { serial: info.serial, model: info.model }, 'peripheral skipped');
          continue;
        }
        current.add(info.serial);
        const existing = host.peripherals.get(info.serial);
        if (existing) {
          existing.info = info;
          existing.model = model;
        } else {
          host.peripherals.set(info.serial, { info, model, identityKey: null, status: null, statusSince: '' });
        }
      }
      for (const serial of [...host.peripherals.keys()]) {
        if (!current.has(serial)) {
          host.peripherals.delete(serial);
          options.emit({ kind: 'device.lost', serial });
          options.onDevicesChanged();
        }
      }
    }
    for (const peripheral of host.peripherals.values()) {
      publish(peripheral, peripheralReport(host, peripheral), peripheralStatus(host, peripheral.info.serial));
    }
  }

  function sync(entry: HostEntry<State>): void {
    if (closed) return;
    if (driver.ftpEnabledOf && entry.sessionState === 'connected' && entry.state !== undefined) {
      entry.ftpEnabled = driver.ftpEnabledOf(entry.state);
    }
    const before = entry.peripherals.size;
    publish(entry, hostReport(entry), hostStatus(entry));
    syncPeripherals(entry);
    if (entry.peripherals.size !== before) options.onDevicesChanged();
  }

  function warnOnce(key: string, details: Record<string, unknown>, message: string): void {
    if (warnedModels.has(key)) return;
    warnedModels.add(key);
    log.warn(details, `${message}: unknown model or bad serial number`);
  }

  function clearRetry(entry: HostEntry<State>): void {
    if (entry.retryTimer) clearTimeout(entry.retryTimer);
    entry.retryTimer = null;
    entry.retryAt = null;
  }

  function clearRestart(entry: HostEntry<State>): void {
    if (entry.restartTimer) clearTimeout(entry.restartTimer);
    entry.restartTimer = null;
    entry.restartingUntil = null;
    entry.restartExpected = false;
  }

  /** A box that announced a restart shows Restarting... until it is back or the grace period ends (then Down). */
  function beginRestart(entry: HostEntry<State>): void {
    entry.restartExpected = false;
    entry.restartingUntil = Date.now() + options.restartGraceMs;
    if (entry.restartTimer) clearTimeout(entry.restartTimer);
    entry.restartTimer = setTimeout(() => {
      entry.restartTimer = null;
      entry.restartingUntil = null;
      if (entry.sessionState === 'unreachable') sync(entry);
    }, options.restartGraceMs);
  }

  function onActivity(entry: HostEntry<State>, activity: DeviceActivity): void {
    switch (activity.kind) {
      case 'firmware_progress':
        entry.firmwareProgress = Math.max(0, Math.min(100, activity.percent));
        break;
      case 'firmware_done':
        entry.firmwareProgress = null;
        entry.restartExpected = true;
        break;
      case 'firmware_failed':
        entry.firmwareProgress = null;
        break;
      case 'rebooting':
        entry.restartExpected = true;
        break;
    }
    sync(entry);
  }

  function scheduleRetry(entry: HostEntry<State>, settings: BackoffSettings): void {
    if (closed) return;
    clearRetry(entry);
    const delay = backoffDelay(settings, entry.attempts);
    entry.attempts += 1;
    entry.retryAt = Date.now() + delay;
    entry.retryTimer = setTimeout(() => {
      entry.retryTimer = null;
      connect(entry);
    }, delay);
  }

  function dropSession(entry: HostEntry<State>): void {
    const session = entry.session;
    entry.session = null;
    entry.generation += 1;
    if (session) track(closeQuietly(session));
  }

  async function closeQuietly(session: DeviceSessionLike<State>): Promise<void> {
    try {
      await session.close();
    } catch (error) {
      log.debug({ err: error }, 'closing a device session failed');
    }
  }

  function onSessionLost(entry: HostEntry<State>, generation: number, reason: string): void {
    if (closed || generation !== entry.generation) return;
    log.info({ serial: entry.serial, address: entry.answer.ip, reason }, 'device session lost');
    dropSession(entry);
    if (entry.restartExpected) beginRestart(entry);
    entry.sessionState = 'unreachable';
    entry.sessionError = reason;
    entry.firmwareProgress = null;
    entry.state = undefined;
    sync(entry);
    scheduleRetry(entry, options.deviceRetry);
  }

  function connect(entry: HostEntry<State>): void {
    if (closed) return;
    clearRetry(entry);
    dropSession(entry);
    const generation = entry.generation;
    entry.sessionState = 'connecting';
    track(limiter.run(() => openSession(entry, generation)));
  }

  async function openSession(entry: HostEntry<State>, generation: number): Promise<void> {
    if (closed || generation !== entry.generation) return;
    let session: DeviceSessionLike<State> | null = null;
    const credentials = options.credentialsFor(entry.serial, entry.subnet.subnet);
    try {
      session = await driver.connectDevice({
        address: entry.answer.ip,
        port: entry.answer.telnetPort,
        username: credentials.username,
        password: credentials.password,
        timeoutMs: options.deviceTimeoutMs,
        signal: abort.signal,
        boxName: entry.answer.boxName,
        discoveryPort: options.discoveryPort,
      });
      const opened = session;
      opened.onClose(() => onSessionLost(entry, generation, 'closed'));
      opened.onStateChange((state) => {
        if (closed || generation !== entry.generation || entry.sessionState !== 'connected') return;
        entry.state = state;
        sync(entry);
      });
      const boxName = entry.answer.boxName;
      opened.onLine((payload) => {
        if (closed || generation !== entry.generation || entry.sessionState !== 'connected') return;
        const activity = driver.activityOf(payload, entry.identity?.boxName ?? boxName);
        if (activity) onActivity(entry, activity);
      });
      const identity = await opened.readIdentity();
      const state = await opened.readState();
      const firmwareProgress = await readFirmwareUpdate(opened, identity.boxName);
      await opened.subscribe();
      if (closed || generation !== entry.generation) {
        await closeQuietly(opened);
        return;
      }
      entry.session = opened;
      entry.identity = identity;
      entry.state = state;
      entry.sessionState = 'connected';
      entry.sessionError = null;
      entry.firmwareProgress = firmwareProgress;
      clearRestart(entry);
      entry.attempts = 0;
      entry.nextLivenessAt = Date.now() + Math.random() * options.livenessIntervalMs;
      log.debug({ serial: entry.serial, address: entry.answer.ip }, 'device session open');
      sync(entry);
    } catch (error) {
      if (session) await closeQuietly(session);
      if (closed || generation !== entry.generation) return;
      const loginFailed = driver.isLoginError(error);
      entry.sessionState = loginFailed ? 'login_failed' : 'unreachable';
      entry.sessionError = error instanceof Error ? error.message : String(error);
      entry.state = undefined;
      log.info(
        { serial: entry.serial, address: entry.answer.ip, err: error, attempt: entry.attempts + 1 },
        loginFailed ? 'device refused the site credentials' : 'device unreachable',
      );
      sync(entry);
      scheduleRetry(entry, loginFailed ? options.loginRetry : options.deviceRetry);
    }
  }

  /** A box may already be installing firmware when the agent connects; a box that cannot tell is idle. */
  async function readFirmwareUpdate(session: DeviceSessionLike<State>, boxName: string): Promise<number | null> {
    try {
      return await driver.readFirmwareUpdate(session, boxName);
    } catch (error) {
      if (driver.isCommandError(error)) return null;
      throw error;
    }
  }

  async function checkLiveness(entry: HostEntry<State>): Promise<void> {
    const session = entry.session;
    const generation = entry.generation;
    if (!session || !entry.identity) return;
    entry.livenessBusy = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        session.command(`BOX ${entry.identity.boxName} UNIT SN`),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('liveness check timed out')), options.deviceTimeoutMs);
        }),
      ]);
      entry.nextLivenessAt = Date.now() + options.livenessIntervalMs;
    } catch (error) {
      if (driver.isCommandError(error)) {
        entry.nextLivenessAt = Date.now() + options.livenessIntervalMs;
        return;
      }
      onSessionLost(entry, generation, error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timer);
      entry.livenessBusy = false;
    }
  }

  function livenessTick(): void {
    const time = Date.now();
    for (const entry of hosts.values()) {
      if (entry.sessionState === 'connected' && !entry.livenessBusy && entry.nextLivenessAt <= time) {
        track(checkLiveness(entry));
      }
    }
  }

  function lose(entry: HostEntry<State>): void {
    clearRetry(entry);
    clearRestart(entry);
    dropSession(entry);
    hosts.delete(entry.serial);
    for (const serial of entry.peripherals.keys()) options.emit({ kind: 'device.lost', serial });
    if (entry.identityKey !== null) options.emit({ kind: 'device.lost', serial: entry.serial });
    options.onDevicesChanged();
  }

  function newHost(answer: DiscoveryAnswer, model: DeviceModel, subnet: SubnetSetting): HostEntry<State> {
    const seenAt = now().toISOString();
    return {
      serial: answer.serial,
      answer,
      model,
      subnet,
      session: null,
      sessionState: 'connecting',
      identity: null,
      state: undefined,
      missingScans: 0,
      attempts: 0,
      retryTimer: null,
      nextLivenessAt: 0,
      livenessBusy: false,
      generation: 0,
      lastSeenAt: seenAt,
      peripherals: new Map(),
      identityKey: null,
      status: null,
      statusSince: seenAt,
      sessionError: null,
      retryAt: null,
      firmwareProgress: null,
      restartExpected: false,
      restartingUntil: null,
      restartTimer: null,
      ftpEnabled: undefined,
    };
  }

  function seedHost(report: DeviceReport, attached: readonly DeviceReport[], subnet: SubnetSetting): void {
    const answer: DiscoveryAnswer = {
      model: report.model,
      boxName: report.name,
      serial: report.serial,
      mac: report.mac,
      ip: report.accessIp,
      telnetPort: report.port,
      stackName: report.connection.stack ?? '',
    };
    const entry = newHost(answer, report.model, subnet);
    const peripherals: PeripheralIdentity[] = [];
    for (const peripheral of attached) {
      if (peripheral.connection.plink === null) continue;
      const info: PeripheralIdentity = {
        plink: peripheral.connection.plink,
        model: peripheral.model,
        serial: peripheral.serial,
        firmware: peripheral.firmware,
        name: peripheral.name,
      };
      peripherals.push(info);
      entry.peripherals.set(peripheral.serial, {
        info,
        model: peripheral.model,
        identityKey: null,
        status: peripheral.status,
        statusSince: peripheral.statusSince,
      });
    }
    if (report.connection.clink !== null || isVideo(report.model)) {
      entry.identity = {
        boxName: report.name,
        model: report.model,
        serial: report.serial,
        mac: report.mac,
        firmware: report.firmware,
        boxNumber: (report.connection.clink ?? 0) + 1,
        stackName: report.connection.stack ?? '',
        stackMembers: [],
        stackStatus: { state: 'OK', missing: [], mismatched: [] },
        peripherals,
      };
    }
    entry.status = report.status;
    entry.statusSince = report.statusSince;
    entry.ftpEnabled = report.ftpEnabled;
    entry.identityKey = JSON.stringify(hostReport(entry));
    for (const peripheral of entry.peripherals.values()) {
      peripheral.identityKey = JSON.stringify(peripheralReport(entry, peripheral));
    }
    hosts.set(entry.serial, entry);
    connect(entry);
  }

  return {
    seed(reports, enabledSubnets) {
      const bySubnet = new Map(enabledSubnets.map((subnet) => [subnet.subnet, subnet]));
      const attachedTo = new Map<string, DeviceReport[]>();
      for (const report of reports) {
        const host = report.connection.hostSerial;
        if (host !== null) attachedTo.set(host, [...(attachedTo.get(host) ?? []), report]);
      }
      const kept = new Set<string>();
      for (const report of reports) {
        if (report.connection.hostSerial !== null || hosts.has(report.serial)) continue;
        const subnet = bySubnet.get(report.connection.subnet);
        if (!subnet) continue;
        seedHost(report, attachedTo.get(report.serial) ?? [], subnet);
        kept.add(report.serial);
      }
      let dropped = 0;
      for (const report of reports) {
        if (kept.has(report.connection.hostSerial ?? report.serial)) continue;
        options.emit({ kind: 'device.lost', serial: report.serial });
        dropped += 1;
      }
      if (reports.length > 0) log.info({ resumed: kept.size, dropped }, 'resumed the devices known before the restart');
      options.onDevicesChanged();
    },

    observe(answer, subnet) {
      if (closed) return;
      const model = parseModel(answer.model);
      if (!model || !serialNumberSchema.safeParse(answer.serial).success) {
        warnOnce(
          `${answer.model}:${answer.serial}`,
          { serial: answer.serial, model: answer.model, ip: answer.ip },
          'device skipped',
        );
        return;
      }
      const existing = hosts.get(answer.serial);
      const seenAt = now().toISOString();
      // Serial number is identity: another serial answering at a known address means the unit was replaced.
      for (const other of hosts.values()) {
        if (
          other.serial !== answer.serial &&
          other.answer.ip === answer.ip &&
          other.answer.telnetPort === answer.telnetPort
        ) {
          log.info({ serial: other.serial, replacedBy: answer.serial, address: answer.ip }, 'device replaced');
          lose(other);
          break;
        }
      }
      if (!existing) {
        const entry = newHost(answer, model, subnet);
        hosts.set(answer.serial, entry);
        options.onDevicesChanged();
        connect(entry);
        return;
      }
      existing.missingScans = 0;
      existing.lastSeenAt = seenAt;
      const moved =
        existing.answer.ip !== answer.ip ||
        existing.answer.telnetPort !== answer.telnetPort ||
        existing.subnet.subnet !== subnet.subnet;
      existing.answer = answer;
      existing.model = model;
      existing.subnet = subnet;
      if (moved) {
        log.info({ serial: answer.serial, address: answer.ip }, 'device moved');
        existing.identity = null;
        connect(existing);
      } else if (existing.sessionState === 'unreachable') {
        connect(existing);
      } else {
        sync(existing);
      }
    },

    endScan(subnet, answered) {
      for (const entry of [...hosts.values()]) {
        if (entry.subnet.subnet !== subnet || answered.has(entry.serial)) continue;
        entry.missingScans += 1;
        if (entry.missingScans >= options.missingScansBeforeLost && entry.sessionState !== 'connected') {
          log.info({ serial: entry.serial, address: entry.answer.ip }, 'device lost');
          lose(entry);
        }
      }
    },

    forgetSubnet(subnet) {
      for (const entry of [...hosts.values()]) if (entry.subnet.subnet === subnet) lose(entry);
    },

    retryLogin(serial) {
      for (const entry of hosts.values()) {
        if (serial !== undefined && entry.serial !== serial) continue;
        if (entry.sessionState !== 'login_failed') continue;
        entry.attempts = 0;
        connect(entry);
      }
    },

    devices() {
      const serverName = options.serverName();
      const list: MonitoredDevice[] = [];
      const view = (
        report: Omit<DeviceReport, 'status' | 'statusSince'>,
        reported: ReportedState,
        host: HostEntry<State>,
      ): MonitoredDevice => ({
        serial: report.serial,
        model: report.model,
        modelName: modelInfo(report.model).name,
        name: report.name,
        accessIp: report.accessIp,
        port: report.port,
        firmware: report.firmware,
        status: reported.status,
        statusSince: reported.status === null ? null : reported.statusSince,
        connection: report.connection,
        connectionPath: formatConnectionPath(serverName, report.connection),
        session: host.sessionState,
        sessionError: host.sessionError,
        retryAt: host.retryAt === null ? null : new Date(host.retryAt).toISOString(),
        firmwareProgress: report.serial === host.serial ? host.firmwareProgress : null,
        lastSeenAt: host.lastSeenAt,
      });
      for (const host of hosts.values()) {
        list.push(view(hostReport(host), host, host));
        for (const peripheral of host.peripherals.values())
          list.push(view(peripheralReport(host, peripheral), peripheral, host));
      }
      return list;
    },

    sessionCounts() {
      const counts: Record<SessionState, number> = { connecting: 0, connected: 0, login_failed: 0, unreachable: 0 };
      for (const host of hosts.values()) counts[host.sessionState] += 1;
      return counts;
    },

    restarting(address) {
      const host = hostAt(address);
      return host !== undefined && (host.restartExpected || restarting(host));
    },
    expectRestart(address) {
      const host = hostAt(address);
      if (!host) return () => undefined;
      host.restartExpected = true;
      return () => {
        if (host.restartingUntil === null) host.restartExpected = false;
      };
    },
    count() {
      let total = 0;
      for (const host of hosts.values()) total += 1 + host.peripherals.size;
      return total;
    },

    start() {
      livenessTimer ??= setInterval(livenessTick, Math.min(LIVENESS_TICK_MS, options.livenessIntervalMs));
    },

    async close() {
      closed = true;
      abort.abort();
      if (livenessTimer) clearInterval(livenessTimer);
      livenessTimer = null;
      for (const entry of hosts.values()) {
        clearRetry(entry);
        clearRestart(entry);
        dropSession(entry);
      }
      hosts.clear();
      while (pendingWork.size > 0) await Promise.allSettled([...pendingWork]);
    },
  };
}

import type { Logger } from 'pino';
import {
  AGENT_JOB_CONCURRENCY,
  appError,
  type AgentEventBody,
  type AgentUpdateState,
  type MonitoringStatus,
} from '@tutti/protocol';
import {
  hubSettingsSchema,
  subnetAddressSchema,
  type AgentConfig,
  type HubSettings,
  type SubnetSetting,
} from './config/agent-config.ts';
import { createSettingsStore, type SettingsStore } from './config/settings-store.ts';
import {
  createCredentialStore,
  type CredentialEntry,
  type CredentialScope,
  type CredentialStore,
  type DeviceCredentials,
} from './credentials/credential-store.ts';
import { assertLoopbackSubnet, createScanner, type ScanProgress, type Scanner } from './discovery/scanner.ts';
import { createHubLink, type HubLink, type LinkStatus } from './hub-link/hub-link.ts';
import { createJobRunner, type JobRunner } from './jobs/job-runner.ts';
import { createAgentLogger } from './logger.ts';
import { createFailoverOutbox } from './outbox/failover-outbox.ts';
import type { Outbox, OutboxStats } from './outbox/outbox.ts';
import { createSelfUpdater, type SelfUpdater } from './self-update/self-updater.ts';
import type { DeviceDriver } from './sessions/device-driver.ts';
import { devicesDriver } from './sessions/devices-driver.ts';
import {
  createDeviceMonitor,
  type DeviceMonitor,
  type MonitoredDevice,
  type SessionState,
} from './sessions/device-monitor.ts';
import { createUiServer, type UiServer } from './ui/ui-server.ts';
import { AGENT_VERSION } from './version.ts';

/** `agent.state` changes within this window are reported once. */
const AGENT_STATE_COALESCE_MS = 250;
/** Scan counters alone change every sweep; they refresh the hub's copy at most this often. */
const AGENT_STATE_REFRESH_MS = 5 * 60_000;

export interface CreateAgentOptions {
  config: AgentConfig;
  /** Parent logger; the agent logs through child loggers of it. Defaults to a JSON logger at `config.logLevel`. */
  logger?: Logger;
  /** Talks to devices; defaults to `@tutti/devices`. Tests may pass a fake. */
  driver?: DeviceDriver<unknown>;
  /** Whether to serve the local web UI (default true). */
  ui?: boolean;
  /**
   * A self-update installed a new version: the packaged agent exits here so its service manager starts the new
   * one. Without it the agent only logs that a restart is due.
   */
  onUpdateInstalled?: (version: string) => void;
}

export interface SubnetStatus extends SubnetSetting {
  scan: ScanProgress;
}

/** Everything the local UI shows; also `GET /api/status`. */
export interface AgentStatus {
  version: string;
  serverName: string | null;
  monitoring: MonitoringStatus;
  link: LinkStatus;
  outbox: OutboxStats;
  subnets: SubnetStatus[];
  sessions: Record<SessionState, number>;
  devices: MonitoredDevice[];
  /** Stored device credentials by scope (usernames only). */
  credentials: CredentialEntry[];
  /** Self-update: mode, newest version the hub offers, progress. */
  update: AgentUpdateState;
}

/** A hub connection as the UI form sends it; a missing password keeps the one stored. */
export interface HubSettingsInput {
  url: string;
  agentName: string;
  password?: string | undefined;
  organization?: string | undefined;
}

export interface SubnetInput {
  subnet: string;
  enabled: boolean;
  interfaceName?: string | null | undefined;
}

export interface Agent {
  start(): Promise<void>;
  close(): Promise<void>;
  status(): AgentStatus;
  /** `http://127.0.0.1:8090` once started with the UI on. */
  readonly uiUrl: string | null;
  /** Connects to a hub (or disconnects with null) and remembers the choice in the data dir. */
  configureHub(input: HubSettingsInput | null): void;
  /** Adds, enables or disables a loopback /24 and remembers it in the data dir. */
  setSubnet(input: SubnetInput): SubnetSetting;
  /** Starts a discovery sweep now. */
  rescan(): void;
  /**
   * Stores device credentials for the site, a subnet or one device (encrypted at rest), or removes them with
   * null, and logs in again to the devices that refused the previous ones.
   */
  setCredentials(scope: CredentialScope, credentials: DeviceCredentials | null): void;
  /** Asks the hub for a newer package and installs it; resolves with the installed version or null. */
  updateNow(): Promise<string | null>;
}

/** Events raised in one tick go to the outbox in one transaction. */
function createEventSink(
  outbox: () => Outbox | null,
  log: Logger,
): { emit(body: AgentEventBody): void; flush(): void } {
  let queue: AgentEventBody[] = [];
  let scheduled: NodeJS.Immediate | null = null;
  const flush = (): void => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = null;
    const target = outbox();
    if (queue.length === 0 || !target) return;
    const bodies = queue;
    queue = [];
    try {
      target.append(bodies);
    } catch (error) {
      log.error({ err: error, events: bodies.length }, 'writing events to the outbox failed');
      queue = bodies.concat(queue);
    }
  };
  return {
    emit(body) {
      queue.push(body);
      scheduled ??= setImmediate(flush);
    },
    flush,
  };
}

export function createAgent(options: CreateAgentOptions): Agent {
  const { config } = options;
  const rootLog = options.logger ?? createAgentLogger(config.logLevel);
  const log = rootLog.child({ module: 'agent' });
  const settingsStore: SettingsStore = createSettingsStore(config.dataDir);

  let hub: HubSettings | null = config.hub;
  let subnets: SubnetSetting[] = config.subnets.map((subnet) => ({ ...subnet }));
  let outbox: Outbox | null = null;
  let credentialStore: CredentialStore | null = null;
  let monitor: DeviceMonitor | null = null;
  let scanner: Scanner | null = null;
  let link: HubLink | null = null;
  let jobs: JobRunner | null = null;
  let updater: SelfUpdater | null = null;
  let ui: UiServer | null = null;
  let uiUrl: string | null = null;
  let started = false;
  let lastAgentState: string | null = null;
  let lastAgentStateAt = 0;
  let lastMonitoring: MonitoringStatus | null = null;
  let agentStateTimer: NodeJS.Timeout | null = null;
  /** Set when the outbox folded events; cleared once it has drained. */
  let compactionPending = false;

  const sink = createEventSink(() => outbox, log);
  const serverName = (): string | null => config.serverName ?? hub?.agentName ?? null;

  function monitoring(): MonitoringStatus {
    if (!started || !subnets.some((subnet) => subnet.enabled)) return 'off';
    const stats = outbox?.stats();
    // Compacted runs stay an issue until the hub has caught up with everything that was folded.
    if (stats && stats.depth === 0) compactionPending = false;
    const outboxNearCap = (stats?.nearCap ?? false) || compactionPending;
    // Events held only in memory would be lost by a restart: the site must hear about it.
    const cannotBuffer = Boolean(stats?.storageError);
    const scanFailed = subnets.some((subnet) => subnet.enabled && scanner?.progress(subnet.subnet).lastError);
    return outboxNearCap || cannotBuffer || scanFailed ? 'issue' : 'active';
  }

  /**
   * Emits `agent.state` when any of its fields changed: at once when the monitoring state changed, otherwise
   * coalesced, so a scan finding hundreds of devices makes one event.
   */
  function reportAgentState(): void {
    if (!started) return;
    if (monitoring() !== lastMonitoring) {
      emitAgentState();
      return;
    }
    agentStateTimer ??= setTimeout(emitAgentState, AGENT_STATE_COALESCE_MS);
  }

  function emitAgentState(): void {
    if (agentStateTimer) clearTimeout(agentStateTimer);
    agentStateTimer = null;
    if (!started) return;
    const body: AgentEventBody = {
      kind: 'agent.state',
      monitoring: monitoring(),
      subnetsEnabled: subnets.filter((subnet) => subnet.enabled).length,
      subnetsTotal: subnets.length,
      version: AGENT_VERSION,
      deviceCount: monitor?.count() ?? 0,
      sessions: monitor?.sessionCounts() ?? { connecting: 0, connected: 0, login_failed: 0, unreachable: 0 },
      subnets: subnets.map((subnet) => {
        const scan = scanner?.progress(subnet.subnet);
        return {
          subnet: subnet.subnet,
          interfaceName: subnet.interfaceName,
          enabled: subnet.enabled,
          scans: scan?.scans ?? 0,
          answered: scan?.answered ?? 0,
          lastScanAt: scan?.lastScanAt ?? null,
          lastError: scan?.lastError?.slice(0, 500) ?? null,
        };
      }),
    };
    lastMonitoring = body.monitoring;
    const key = JSON.stringify({
      ...body,
      subnets: body.subnets?.map(({ scans: _scans, lastScanAt: _lastScanAt, ...rest }) => rest),
    });
    if (key === lastAgentState && Date.now() - lastAgentStateAt < AGENT_STATE_REFRESH_MS) return;
    lastAgentState = key;
    lastAgentStateAt = Date.now();
    sink.emit(body);
  }

  function persist(): void {
    settingsStore.save({ hub, subnets });
  }

  function applyPersistedSettings(): void {
    const persisted = settingsStore.load();
    if (persisted.hub !== undefined) hub = persisted.hub;
    if (persisted.subnets !== undefined) subnets = persisted.subnets;
  }

  /** Opens the outbox, then the UI, discovery, sessions and the hub link. */
  async function startParts(): Promise<void> {
    applyPersistedSettings();
    for (const subnet of subnets) assertLoopbackSubnet(subnet.subnet);
    const driver = options.driver ?? devicesDriver;
    credentialStore = createCredentialStore({
      dataDir: config.dataDir,
      key: config.credentialsKey,
      keyFile: config.credentialsKeyFile,
      fallback: config.deviceCredentials,
    });
    const credentials = credentialStore;
    outbox = createFailoverOutbox({
      dataDir: config.dataDir,
      capBytes: config.outboxCapBytes,
      log: rootLog.child({ module: 'outbox' }),
    });
    const outboxLog = rootLog.child({ module: 'outbox' });
    let outboxState = outbox.stats();
    outboxLog.info({ depth: outboxState.depth, lastSeq: outboxState.lastSeq }, 'outbox open');
    const openedOutbox = outbox;
    openedOutbox.onAppend(() => {
      const next = openedOutbox.stats();
      if (next.compacted > outboxState.compacted) {
        outboxLog.warn(
          { compacted: next.compacted - outboxState.compacted, total: next.compacted, bytes: next.bytes },
          'outbox near its disk cap: folded runs of status events',
        );
      }
      if (next.nearCap !== outboxState.nearCap) {
        outboxLog.warn(
          { nearCap: next.nearCap, bytes: next.bytes, capBytes: next.capBytes },
          'outbox cap state changed',
        );
      }
      const compactedNow = next.compacted > outboxState.compacted;
      if (compactedNow) compactionPending = true;
      const changed =
        compactedNow || next.nearCap !== outboxState.nearCap || next.storageError !== outboxState.storageError;
      outboxState = next;
      if (changed) reportAgentState();
    });

    monitor = createDeviceMonitor({
      driver,
      credentialsFor: (serial, subnet) => credentials.resolve(serial, subnet),
      deviceTimeoutMs: config.deviceTimeoutMs,
      restartGraceMs: config.restartGraceSeconds * 1000,
      discoveryPort: config.discoveryPort,
      livenessIntervalMs: config.livenessIntervalSeconds * 1000,
      connectConcurrency: config.connectConcurrency,
      missingScansBeforeLost: config.missingScansBeforeLost,
      deviceRetry: config.deviceRetry,
      loginRetry: config.loginRetry,
      serverName,
      emit: (body) => sink.emit(body),
      onDevicesChanged: () => reportAgentState(),
      log: rootLog.child({ module: 'sessions' }),
    });
    scanner = createScanner({
      driver,
      subnets: () => subnets,
      intervalMs: config.scanIntervalSeconds * 1000,
      concurrency: config.scanConcurrency,
      subnetConcurrency: config.scanSubnetConcurrency,
      discoveryPort: config.discoveryPort,
      timeoutMs: config.discoveryTimeoutMs,
      telnetPort: config.telnetPort,
      onAnswer: (answer, subnet) => monitor?.observe(answer, subnet),
      onScanEnd: (subnet, answered) => monitor?.endScan(subnet.subnet, answered),
      onCycleEnd: () => reportAgentState(),
      log: rootLog.child({ module: 'discovery' }),
    });
    const jobOutbox = outbox;
    jobs = createJobRunner({
      dataDir: config.dataDir,
      concurrency: AGENT_JOB_CONCURRENCY,
      report: (body) => jobOutbox.append([body]),
      credentialsFor: (serial, subnet) => credentials.resolve(serial, subnet),
      saveCredentials: (serial, login) => {
        // The login is stack-wide on the device: every unit of the stack (and its peripherals) now signs in with it.
        const known = monitor?.devices() ?? [];
        const changed = known.find((device) => device.serial === serial);
        const stack = changed?.connection.stack ?? null;
        const serials = new Set([serial]);
        for (const device of known) {
          const sameStack = stack !== null && device.connection.stack === stack;
          if (sameStack && device.connection.subnet === changed?.connection.subnet) serials.add(device.serial);
        }
        for (const each of serials) credentials.set({ kind: 'device', serial: each }, login);
        for (const each of serials) monitor?.retryLogin(each);
      },
      hub: () => (hub ? { url: hub.url, caFile: hub.caFile } : null),
      deviceTimeoutMs: config.deviceTimeoutMs,
      discoveryPort: config.discoveryPort,
      restartGraceMs: config.restartGraceSeconds * 1000,
      restarting: (address) => monitor?.restarting(address) ?? false,
      expectRestart: (address) => monitor?.expectRestart(address) ?? (() => undefined),
      log: rootLog.child({ module: 'jobs' }),
    });
    const runner = jobs;
    link = createHubLink({
      outbox,
      version: AGENT_VERSION,
      reconnect: config.hubReconnect,
      authRetry: config.hubAuthRetry,
      maxInFlightBatches: config.hubMaxInFlightBatches,
      onRescan: () => scanner?.rescan(),
      onJob: (job) => runner.accept(job),
      onCancelJob: (jobId) => runner.cancel(jobId),
      log: rootLog.child({ module: 'hub-link' }),
    });

    monitor.seed(
      outbox.reportedDevices(),
      subnets.filter((subnet) => subnet.enabled),
    );
    started = true;
    if (options.ui !== false) {
      ui = createUiServer({ agent, log: rootLog.child({ module: 'ui' }) });
      uiUrl = await ui.listen(config.uiHost, config.uiPort);
      log.info({ url: uiUrl }, 'local UI ready');
    }
    emitAgentState();
    monitor.start();
    scanner.start();
    jobs.start();
    link.configure(hub);
    updater = createSelfUpdater({
      mode: config.selfUpdate.mode,
      currentVersion: AGENT_VERSION,
      hub: () => hub,
      installDir: config.selfUpdate.installDir,
      trustedKeys: config.selfUpdate.trustedKeys,
      checkIntervalMs: config.selfUpdate.checkIntervalHours * 3_600_000,
      onInstalled: (version) =>
        options.onUpdateInstalled
          ? options.onUpdateInstalled(version)
          : log.warn({ version }, 'a new agent version is installed; restart the agent to run it'),
      log: rootLog.child({ module: 'self-update' }),
    });
    updater.start();
  }

  const agent: Agent = {
    get uiUrl() {
      return uiUrl;
    },

    async start() {
      if (started || outbox) return;
      try {
        await startParts();
      } catch (error) {
        await agent.close();
        throw error;
      }
    },

    async close() {
      started = false;
      if (agentStateTimer) clearTimeout(agentStateTimer);
      agentStateTimer = null;
      updater?.close();
      updater = null;
      await ui?.close();
      await jobs?.close();
      await scanner?.close();
      await monitor?.close();
      sink.flush();
      await link?.close();
      outbox?.close();
      ui = null;
      uiUrl = null;
      scanner = null;
      monitor = null;
      link = null;
      jobs = null;
      outbox = null;
      credentialStore = null;
    },

    status() {
      return {
        version: AGENT_VERSION,
        serverName: serverName(),
        monitoring: monitoring(),
        link: link?.status() ?? {
          state: hub ? 'disconnected' : 'not_configured',
          url: hub?.url ?? null,
          agentName: hub?.agentName ?? null,
          organization: hub?.organization ?? null,
          organizationName: null,
          lastError: null,
          connectedAt: null,
          lastAckedSeq: 0,
          nextAttemptAt: null,
        },
        outbox: outbox?.stats() ?? {
          depth: 0,
          bytes: 0,
          capBytes: config.outboxCapBytes,
          nearCap: false,
          lastSeq: 0,
          compacted: 0,
          storage: 'disk',
          storageError: null,
        },
        subnets: subnets.map((subnet) => ({
          ...subnet,
          scan: scanner?.progress(subnet.subnet) ?? {
            scanning: false,
            scans: 0,
            lastScanAt: null,
            lastDurationMs: null,
            answered: 0,
            lastError: null,
          },
        })),
        sessions: monitor?.sessionCounts() ?? { connecting: 0, connected: 0, login_failed: 0, unreachable: 0 },
        devices: monitor?.devices() ?? [],
        credentials: credentialStore?.list() ?? [],
        update: updater?.state() ?? {
          mode: config.selfUpdate.mode,
          currentVersion: AGENT_VERSION,
          availableVersion: null,
          phase: 'idle',
          lastCheckAt: null,
          lastError: null,
        },
      };
    },

    async updateNow() {
      if (!updater) throw appError('SERVICE_UNAVAILABLE', { reason: 'the agent is not running' });
      return updater.update();
    },

    configureHub(input) {
      if (input === null) {
        hub = null;
      } else {
        const password = input.password ?? hub?.password;
        if (!password) throw appError('VALIDATION_FAILED', { issues: [{ path: 'password', message: 'Required' }] });
        hub = hubSettingsSchema.parse({ ...input, password });
      }
      persist();
      log.info({ url: hub?.url ?? null, agentName: hub?.agentName ?? null }, 'hub connection changed');
      link?.configure(hub);
      reportAgentState();
    },

    setSubnet(input) {
      const address = subnetAddressSchema.parse(input.subnet);
      assertLoopbackSubnet(address);
      const existing = subnets.find((subnet) => subnet.subnet === address);
      const interfaceName = input.interfaceName === undefined ? (existing?.interfaceName ?? 'lo') : input.interfaceName;
      const next: SubnetSetting = { subnet: address, interfaceName, enabled: input.enabled };
      subnets = existing ? subnets.map((subnet) => (subnet.subnet === address ? next : subnet)) : [...subnets, next];
      persist();
      log.info({ subnet: address, enabled: next.enabled }, 'subnet changed');
      if (!next.enabled) monitor?.forgetSubnet(address);
      else if (!existing?.enabled) scanner?.rescan();
      reportAgentState();
      return next;
    },

    rescan() {
      scanner?.rescan();
    },

    setCredentials(scope, credentials) {
      if (!credentialStore) throw appError('SERVICE_UNAVAILABLE', { reason: 'agent not started' });
      const target =
        scope.kind === 'subnet' ? { kind: 'subnet' as const, subnet: subnetAddressSchema.parse(scope.subnet) } : scope;
      credentialStore.set(target, credentials);
      log.info({ scope: target, username: credentials?.username ?? null }, 'device credentials changed');
      monitor?.retryLogin(target.kind === 'device' ? target.serial : undefined);
    },
  };
  return agent;
}

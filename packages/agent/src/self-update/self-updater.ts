import type { Logger } from 'pino';
import {
  compareAgentVersions,
  isAppError,
  signedAgentPackageSchema,
  type AgentUpdateState,
  type SignedAgentPackage,
} from '@tutti/protocol';
import type { HubSettings } from '../config/agent-config.ts';
import { downloadFromHub } from './hub-download.ts';
import { installAgentPackage } from './install.ts';
import { assertAuthenticAgentPackage } from './package-signature.ts';

export interface SelfUpdaterOptions {
  mode: AgentUpdateState['mode'];
  currentVersion: string;
  /** The hub the agent is linked to; null while it has none. */
  hub: () => HubSettings | null;
  /** Where packages are unpacked (`versions/<v>`, `current`); null when the agent runs from source. */
  installDir: string | null;
  trustedKeys: readonly string[];
  checkIntervalMs: number;
  /** Called once a new version is installed: the service manager starts it after this process exits. */
  onInstalled: (version: string) => void;
  log: Logger;
  /** Fetches a file from the hub's package endpoint; tests may pass their own. */
  download?: (hub: HubSettings, path: string) => Promise<Buffer>;
}

export interface SelfUpdater {
  state(): AgentUpdateState;
  /** Asks the hub for its newest package; resolves with the newer version, or null when up to date. */
  check(): Promise<string | null>;
  /** Checks, then downloads, verifies and installs the newest package if it is newer. */
  update(): Promise<string | null>;
  start(): void;
  close(): void;
}

function describe(error: unknown): string {
  if (isAppError(error)) {
    const reason = (error.details as { reason?: unknown } | undefined)?.reason;
    return typeof reason === 'string' ? `${error.message} (${reason})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Keeps the agent on the hub's newest package: checks periodically (automatic) or on request (manual), downloads
 * the archive with the agent's account, refuses it unless a trusted key signed it and its checksum matches, then
 * installs it beside the running version and asks to be restarted.
 */
export function createSelfUpdater(options: SelfUpdaterOptions): SelfUpdater {
  const download = options.download ?? downloadFromHub;
  const state: AgentUpdateState = {
    mode: options.mode,
    currentVersion: options.currentVersion,
    availableVersion: null,
    phase: 'idle',
    lastCheckAt: null,
    lastError: null,
  };
  let timer: NodeJS.Timeout | null = null;
  let busy: Promise<string | null> | null = null;

  async function fetchLatest(hub: HubSettings): Promise<SignedAgentPackage> {
    const body = await download(hub, 'latest');
    return signedAgentPackageSchema.parse(JSON.parse(body.toString('utf8')));
  }

  async function run(install: boolean): Promise<string | null> {
    const hub = options.hub();
    if (!hub) {
      state.lastError = 'no hub is configured';
      return null;
    }
    try {
      state.phase = 'checking';
      const latest = await fetchLatest(hub);
      state.lastCheckAt = new Date().toISOString();
      const newer = compareAgentVersions(latest.manifest.version, options.currentVersion) > 0;
      state.availableVersion = newer ? latest.manifest.version : null;
      state.lastError = null;
      if (!newer || !install) {
        state.phase = 'idle';
        return state.availableVersion;
      }
      if (!options.installDir) throw new Error('this agent was not installed from a package; update it by hand');
      state.phase = 'downloading';
      const archive = await download(hub, `${latest.manifest.version}/archive`);
      assertAuthenticAgentPackage(latest, archive, options.trustedKeys);
      state.phase = 'installing';
      await installAgentPackage(options.installDir, latest.manifest.version, archive);
      state.phase = 'restarting';
      options.log.info({ version: latest.manifest.version }, 'agent package installed; restarting');
      options.onInstalled(latest.manifest.version);
      return latest.manifest.version;
    } catch (error) {
      state.phase = 'failed';
      state.lastError = describe(error).slice(0, 500);
      options.log.warn({ err: error }, 'agent update failed');
      return null;
    }
  }

  /** One run at a time; a request during a run waits for it, and nothing runs once a new version is installed. */
  function enqueue(install: boolean): Promise<string | null> {
    const next = (busy ?? Promise.resolve(null)).then(() =>
      state.phase === 'restarting' ? state.availableVersion : run(install),
    );
    busy = next;
    return next;
  }

  return {
    state: () => ({ ...state }),
    check: () => enqueue(false),
    update: () => enqueue(true),
    start() {
      if (options.mode === 'off' || timer) return;
      const tick = (): void => {
        void enqueue(options.mode === 'automatic');
      };
      tick();
      timer = setInterval(tick, options.checkIntervalMs);
      timer.unref();
    },
    close() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

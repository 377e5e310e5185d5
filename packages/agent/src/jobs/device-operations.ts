import {
  connectDevice,
  DeviceCommandError,
  DeviceLoginError,
  DeviceTimeoutError,
  firmwareUpdateWords,
  isDeviceError,
  readDeviceLog,
  REG_REASON_PARAM,
  sipSettingCommands,
  systemCommandLine,
  uaInquiry,
  type DeviceSession,
} from '@tutti/devices';
import { createHash } from 'node:crypto';
import {
  BACKUP_FILES_PATH,
  CONFIGURATION_FILES_PATH,
  backupUploadResultSchema,
  DEVICE_LOG_FILES_PATH,
  deviceLogUploadResultSchema,
  isAppError,
  JOB_ID_HEADER,
  JOB_TOKEN_HEADER,
  MAX_BACKUP_BYTES,
  MAX_CONFIGURATION_BYTES,
  modelInfo,
  SHA256_HEADER,
  subnetOf,
  type AgentVoipLine,
  type TargetFailureCode,
  type TargetResult,
} from '@tutti/protocol';
import type { DeviceCredentials } from '../credentials/credential-store.ts';
import type { FirmwareImages } from './firmware-images.ts';
import {
  HUB_FILE_PATIENCE_MS,
  hubFileRequest,
  HubUnreachableError,
  patientHubFileRequest,
  type HubEndpoint,
} from './hub-files.ts';
import type { StoredTarget } from './job-store.ts';

/** A target's end with a stable code and a sentence that says what happened. */
export class TargetFailure extends Error {
  readonly code: TargetFailureCode;

  constructor(code: TargetFailureCode, reason: string) {
    super(reason);
    this.name = 'TargetFailure';
    this.code = code;
  }
}

export interface OperationContext {
  credentialsFor(serial: string, subnet: string): DeviceCredentials;
  deviceTimeoutMs: number;
  discoveryPort: number;
  /** How long a device that restarts may stay away while its outcome is confirmed. */
  restartGraceMs: number;
  /** Whether the unit at an address is restarting (then an operation waits for it rather than failing at once). */
  restarting(address: string): boolean;
  /** Tells the device monitor that the unit at an address is about to restart; the function returned takes it back. */
  expectRestart(address: string): () => void;
  images: FirmwareImages;
  hub(): HubEndpoint | null;
  /** Aborted when the agent closes: sessions end and waits stop; the target is resumed at the next start. */
  signal: AbortSignal;
  /**
   * The new password of a change_credentials job, held in memory only; after an agent restart it is back once the
   * hub resends the job, so this waits a little for it and resolves null when it does not come.
   */
  newPassword(jobId: string): Promise<string | null>;
  /** Keeps the login a device (and the rest of its stack, which shares it) now has, encrypted at rest. */
  saveCredentials(target: StoredTarget, credentials: DeviceCredentials): void;
  /**
   * The SIP accounts a voip_provision target writes, passwords included, held in memory only; after an agent restart
   * they are back once the hub resends the job, so this waits a little for them and resolves null when they do not come.
   */
  voipLines(target: StoredTarget): Promise<AgentVoipLine[] | null>;
  /** Stores that the device-changing command is about to go out (before it does). */
  markSent(target: StoredTarget): void;
  progress(target: StoredTarget, percent: number): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Maps what went wrong to a code and a reason the hub stores and the web app shows. */
export function failureOf(error: unknown): TargetFailure {
  if (error instanceof TargetFailure) return error;
  if (error instanceof DeviceLoginError) {
    return new TargetFailure('login_failed', 'The device refused the stored username or password.');
  }
  if (error instanceof DeviceTimeoutError) return new TargetFailure('timeout', `The device did not answer in time.`);
  if (error instanceof DeviceCommandError) {
    return new TargetFailure('device_refused', `The device answered ${error.payload}.`);
  }
  if (isDeviceError(error))
    return new TargetFailure('device_unreachable', `The device could not be reached: ${error.message}`);
  if (error instanceof HubUnreachableError) return new TargetFailure('hub_unreachable', error.message);
  if (isAppError(error) && error.code === 'FIRMWARE_PACKAGE_INVALID') {
    return new TargetFailure('package_invalid', `The firmware package was refused: ${error.message}`);
  }
  if (isAppError(error) && error.code === 'ADDRESS_NOT_LOOPBACK') {
    return new TargetFailure('device_unreachable', error.message);
  }
  return new TargetFailure('device_unreachable', error instanceof Error ? error.message : String(error));
}

async function connect(
  context: OperationContext,
  target: StoredTarget,
  credentials = context.credentialsFor(target.serial, subnetOf(target.accessIp)),
): Promise<DeviceSession> {
  return connectDevice({
    address: target.accessIp,
    port: target.port,
    username: credentials.username,
    password: credentials.password,
    timeoutMs: context.deviceTimeoutMs,
    discoveryPort: context.discoveryPort,
    signal: context.signal,
  });
}

async function withSession<T>(
  context: OperationContext,
  target: StoredTarget,
  work: (session: DeviceSession, box: string) => Promise<T>,
): Promise<T> {
  const session = context.restarting(target.accessIp)
    ? await reconnect(context, target, 'after its restart')
    : await connect(context, target);
  try {
    return await work(session, await session.boxName());
  } finally {
    await session.close();
  }
}

/** `BOX <box> UNIT <param>` for the box itself, `BOX <box> PLINK <n> <param>` for a peripheral on it. */
function pathOf(target: StoredTarget, box: string, command: 'locate' | 'firmware'): string {
  if (target.plink === null) return systemCommandLine(box, command);
  return `BOX ${box} PLINK ${target.plink} ${command === 'locate' ? 'LOCATE' : 'FW_VERSION'}`;
}

/** Keeps trying to open a session until the device answers or the restart grace ends (it may be restarting). */
async function reconnect(context: OperationContext, target: StoredTarget, why: string): Promise<DeviceSession> {
  const deadline = Date.now() + context.restartGraceMs;
  for (;;) {
    try {
      return await connect(context, target);
    } catch (error) {
      if (error instanceof DeviceLoginError || context.signal.aborted) throw error;
      if (Date.now() >= deadline) {
        throw new TargetFailure(
          'device_unreachable',
          `The device did not answer within ${Math.round(context.restartGraceMs / 1000)} s ${why}.`,
        );
      }
      await sleep(500);
    }
  }
}

async function setSwitch(
  context: OperationContext,
  target: StoredTarget,
  command: 'locate' | 'safetyMute',
  on: boolean,
): Promise<TargetResult> {
  if (command === 'safetyMute' && target.plink !== null) {
    throw new TargetFailure('device_refused', 'A P-Link peripheral has no safety mute; mute its host DSP instead.');
  }
  return withSession(context, target, async (session, box) => {
    const path = command === 'locate' ? pathOf(target, box, 'locate') : systemCommandLine(box, 'safetyMute');
    context.markSent(target);
    const value = await session.commandValue(`${path} ${on ? '1' : '0'}`);
    if (value !== (on ? '1' : '0')) {
      throw new TargetFailure('device_refused', `The device reports ${value} after being set to ${on ? 1 : 0}.`);
    }
    return {};
  });
}

/** Sends REBOOT and waits until the device answers again. */
async function reboot(context: OperationContext, target: StoredTarget, resumed: boolean): Promise<TargetResult> {
  if (target.plink !== null) {
    throw new TargetFailure('device_refused', 'A P-Link peripheral restarts with its host DSP; reboot the host.');
  }
  if (resumed && target.sentAt) {
    throw new TargetFailure(
      'agent_restarted',
      `The agent restarted after it sent the reboot at ${target.sentAt}; the reboot was not sent again.`,
    );
  }
  await withSession(context, target, async (session, box) => {
    context.markSent(target);
    // Told before the command: the unit drops every session right after its answer.
    const notRestarting = context.expectRestart(target.accessIp);
    await session.command(systemCommandLine(box, 'reboot')).catch((error: unknown) => {
      notRestarting();
      throw error;
    });
  });
  context.progress(target, 50);
  // The box closes its sessions and refuses connections while it restarts; give it a moment to go away first.
  await sleep(200);
  const session = await reconnect(context, target, 'after the reboot');
  await session.close();
  return {};
}

async function readFirmware(session: DeviceSession, target: StoredTarget, box: string): Promise<string> {
  return session.commandValue(pathOf(target, box, 'firmware'));
}

/**
 * Installs the job's firmware once. The image is fetched and checked (checksum, manifest, model family) before any
 * device is touched; a device already on the version is left alone; the moment FW_UPDATE goes out is stored first,
 * so an agent that restarts afterwards only looks at the outcome and never sends the image a second time.
 */
async function updateFirmware(
  context: OperationContext,
  target: StoredTarget,
  resumed: boolean,
): Promise<TargetResult> {
  const file = target.firmware;
  if (!file) throw new TargetFailure('package_invalid', 'The job names no firmware package.');
  const family = modelInfo(target.model).family;
  if (file.modelFamily !== family) {
    throw new TargetFailure('wrong_model', `The package is for ${file.modelFamily}, the device is ${family}.`);
  }
  if (resumed && target.sentAt) return confirmFirmware(context, target, file.version);
  const manifest = await context.images.verified(file);
  if (manifest.modelFamily !== family) {
    throw new TargetFailure('wrong_model', `The package holds firmware for ${manifest.modelFamily}, not ${family}.`);
  }
  return withSession(context, target, async (session, box) => {
    const before = await readFirmware(session, target, box);
    if (before === file.version) return { firmware: before };
    const token = `tutti-${family}-${file.version}.bin`;
    const onProgress = (percent: number) => context.progress(target, Math.min(99, percent));
    context.markSent(target);
    let installed: string;
    try {
      installed =
        target.plink === null
          ? await session.updateFirmware(token, onProgress)
          : await session.updatePeripheralFirmware(target.plink, token, onProgress);
    } catch (error) {
      if (error instanceof DeviceCommandError) {
        throw new TargetFailure(
          'firmware_failed',
          `The device reported ${error.payload}; it keeps firmware ${before}.`,
        );
      }
      throw error;
    }
    if (installed !== file.version) {
      throw new TargetFailure(
        'firmware_failed',
        `The device reports ${installed} after the update, not ${file.version}.`,
      );
    }
    return { firmware: installed };
  });
}

/** After a restart of the agent: the update was sent before; find out how it ended without sending it again. */
async function confirmFirmware(
  context: OperationContext,
  target: StoredTarget,
  version: string,
): Promise<TargetResult> {
  const session = await reconnect(context, target, 'to confirm the firmware update');
  try {
    const box = await session.boxName();
    let current = await readFirmware(session, target, box);
    if (current === version) return { firmware: current };
    if (target.plink === null) {
      const state = await session.commandValue(systemCommandLine(box, 'firmwareUpdate'));
      if (state.startsWith(firmwareUpdateWords.progress)) {
        current = await session.followFirmwareUpdate((percent) => context.progress(target, Math.min(99, percent)));
        if (current === version) return { firmware: current };
      }
    }
    throw new TargetFailure(
      'agent_restarted',
      `The agent restarted during the update and the device runs ${current}, not ${version}. The update was not sent again so that it is never installed twice; retry the job to install it.`,
    );
  } finally {
    await session.close();
  }
}

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function hubFor(context: OperationContext, target: StoredTarget): { hub: HubEndpoint; token: string } {
  const hub = context.hub();
  if (!hub || !target.fileToken) {
    throw new TargetFailure('device_unreachable', 'No hub connection to move the configuration file over.');
  }
  return { hub, token: target.fileToken };
}

/**
 * Reads the running configuration and uploads it; the hub stores it as the device's next version only when the
 * checksum matches. Uploading the same target attempt again (after a restart) stores nothing new.
 */
async function backUp(context: OperationContext, target: StoredTarget): Promise<TargetResult> {
  const { plink } = target;
  const project = await withSession(context, target, (session) =>
    plink === null ? session.saveConfiguration() : session.savePeripheralConfiguration(plink),
  );
  if (project.byteLength === 0)
    throw new TargetFailure('device_refused', 'The device returned an empty configuration.');
  context.progress(target, 50);
  const { token } = hubFor(context, target);
  // A hub that restarts meanwhile is waited for: the device was read once and the same bytes are offered again.
  const response = await patientHubFileRequest(
    () => context.hub(),
    'PUT',
    `${BACKUP_FILES_PATH}/${target.targetId}/${target.attempt}`,
    { [JOB_TOKEN_HEADER]: token, [SHA256_HEADER]: sha256Hex(project) },
    64 * 1024,
    project,
    { patienceMs: HUB_FILE_PATIENCE_MS, signal: context.signal },
  );
  if (response.status !== 200) {
    throw new TargetFailure('device_unreachable', `The hub did not store the backup (HTTP ${response.status}).`);
  }
  const stored = backupUploadResultSchema.parse(JSON.parse(response.body.toString('utf8')));
  return { backupId: stored.backupId, backupVersion: stored.version };
}

/** Loads a project onto the box, or onto the P-Link peripheral the target is through its host's session. */
function loadProject(session: DeviceSession, target: StoredTarget, project: Uint8Array): Promise<void> {
  return target.plink === null
    ? session.loadConfiguration(project)
    : session.loadPeripheralConfiguration(target.plink, project);
}

/** Downloads the backup (its checksum checked), loads it and waits until the device reports it configured. */
async function restore(context: OperationContext, target: StoredTarget): Promise<TargetResult> {
  if (!target.backupId) throw new TargetFailure('device_refused', 'The job names no backup for this device.');
  const { token } = hubFor(context, target);
  const response = await patientHubFileRequest(
    () => context.hub(),
    'GET',
    `${BACKUP_FILES_PATH}/${target.backupId}`,
    { [JOB_TOKEN_HEADER]: token, [JOB_ID_HEADER]: target.jobId },
    MAX_BACKUP_BYTES,
    undefined,
    { patienceMs: HUB_FILE_PATIENCE_MS, signal: context.signal },
  );
  if (response.status !== 200) {
    throw new TargetFailure('device_unreachable', `The hub did not hand out the backup (HTTP ${response.status}).`);
  }
  if (sha256Hex(response.body) !== response.headers[SHA256_HEADER]) {
    throw new TargetFailure('device_refused', 'The downloaded backup does not match its checksum; nothing was loaded.');
  }
  context.progress(target, 30);
  await withSession(context, target, async (session) => {
    context.markSent(target);
    await loadProject(session, target, response.body);
  });
  return { backupId: target.backupId };
}

/**
 * Fetches the library file's project (its checksum checked) and loads it. The hub refused devices of another model
 * before the job started; a unit that still finds the project foreign answers WRONG_MODEL, reported as such.
 */
async function loadConfiguration(
  context: OperationContext,
  target: StoredTarget,
  configurationId: string,
): Promise<TargetResult> {
  const { hub, token } = hubFor(context, target);
  const response = await hubFileRequest(
    hub,
    'GET',
    `${CONFIGURATION_FILES_PATH}/${configurationId}`,
    { [JOB_TOKEN_HEADER]: token, [JOB_ID_HEADER]: target.jobId },
    MAX_CONFIGURATION_BYTES * 4,
  );
  if (response.status !== 200) {
    throw new TargetFailure(
      'device_unreachable',
      `The hub did not hand out the configuration file (HTTP ${response.status}).`,
    );
  }
  if (sha256Hex(response.body) !== response.headers[SHA256_HEADER]) {
    throw new TargetFailure(
      'package_invalid',
      'The downloaded project does not match its checksum; nothing was loaded.',
    );
  }
  context.progress(target, 30);
  await withSession(context, target, async (session) => {
    context.markSent(target);
    try {
      await loadProject(session, target, response.body);
    } catch (error) {
      if (error instanceof DeviceCommandError && /WRONG_MODEL/.test(error.payload)) {
        throw new TargetFailure('wrong_model', `The device refused the project as made for another model.`);
      }
      throw error;
    }
  });
  return {};
}

/** Sets NETWORK FTP_ENABLE and reads it back (DEVICE-PROTOCOL §6.4). */
async function setFtp(context: OperationContext, target: StoredTarget, on: boolean): Promise<TargetResult> {
  if (target.plink !== null) {
    throw new TargetFailure('device_refused', 'A P-Link peripheral has no FTP server; set FTP on its host DSP.');
  }
  const wanted = on ? '1' : '0';
  return withSession(context, target, async (session, box) => {
    context.markSent(target);
    await session.command(systemCommandLine(box, 'ftpEnable', wanted));
    const value = await session.commandValue(systemCommandLine(box, 'ftpEnable'));
    if (value !== wanted) {
      throw new TargetFailure('device_refused', `The device reports FTP ${value} after being set to ${wanted}.`);
    }
    return { ftpEnabled: on };
  });
}

/** True when the device signs in with these credentials. */
async function signsInWith(
  context: OperationContext,
  target: StoredTarget,
  credentials: DeviceCredentials,
): Promise<boolean> {
  try {
    const session = await connect(context, target, credentials);
    await session.close();
    return true;
  } catch (error) {
    if (error instanceof DeviceLoginError) return false;
    throw error;
  }
}

/**
 * Changes the stack's login (PASSWORD, then USERNAME when it changes too) and keeps it in the agent's encrypted
 * credential store once a fresh session proves it. Running again is harmless: a stack that already takes the new
 * login, because another of its units changed it or the agent restarted after sending it, is only confirmed.
 */
async function changeCredentials(
  context: OperationContext,
  target: StoredTarget,
  username: string,
): Promise<TargetResult> {
  if (target.plink !== null) {
    throw new TargetFailure('device_refused', 'A P-Link peripheral signs in through its host DSP; change the host.');
  }
  const password = await context.newPassword(target.jobId);
  if (password === null) {
    throw new TargetFailure(
      'agent_restarted',
      'The agent restarted and never keeps a new password on disk; the hub did not hand it over again. Retry the job.',
    );
  }
  const wanted: DeviceCredentials = { username, password };
  const current = context.credentialsFor(target.serial, subnetOf(target.accessIp));
  let session: DeviceSession;
  try {
    session = await connect(context, target, current);
  } catch (error) {
    if (error instanceof DeviceLoginError && (await signsInWith(context, target, wanted))) {
      context.saveCredentials(target, wanted);
      return {};
    }
    throw error;
  }
  let refusal: unknown = null;
  try {
    const box = await session.boxName();
    context.markSent(target);
    if (current.password !== password) {
      await session.command(systemCommandLine(box, 'password', `${current.password} ${password}`));
    }
    context.progress(target, 50);
    if (current.username !== username) {
      await session.command(systemCommandLine(box, 'username', `${password} ${username}`));
    }
  } catch (error) {
    // Another unit of the same stack may have changed the shared login meanwhile; the check below tells.
    refusal = error;
  } finally {
    await session.close();
  }
  if (!(await signsInWith(context, target, wanted))) {
    if (refusal instanceof DeviceCommandError) {
      throw new TargetFailure('device_refused', 'The device refused the change of its username or password.');
    }
    if (refusal instanceof Error) throw refusal;
    throw new TargetFailure('login_failed', 'The device does not accept the new username and password.');
  }
  context.saveCredentials(target, wanted);
  return {};
}

/** Reads the unit's log line by line and uploads it; the hub keeps it with its checksum for download. */
async function collectLogs(context: OperationContext, target: StoredTarget): Promise<TargetResult> {
  if (target.plink !== null) {
    throw new TargetFailure('device_refused', "A P-Link peripheral writes to its host DSP's log; collect the host's.");
  }
  const lines = await withSession(context, target, (session, box) =>
    readDeviceLog(session, box, (percent) => context.progress(target, Math.floor(percent * 0.8))),
  );
  const text = Buffer.from(lines.map((line) => `${line}\n`).join(''), 'utf8');
  context.progress(target, 80);
  const { hub, token } = hubFor(context, target);
  const response = await hubFileRequest(
    hub,
    'PUT',
    `${DEVICE_LOG_FILES_PATH}/${target.targetId}/${target.attempt}`,
    { [JOB_TOKEN_HEADER]: token, [SHA256_HEADER]: sha256Hex(text) },
    64 * 1024,
    text,
  );
  if (response.status !== 200) {
    throw new TargetFailure('device_unreachable', `The hub did not store the log (HTTP ${response.status}).`);
  }
  const stored = deviceLogUploadResultSchema.parse(JSON.parse(response.body.toString('utf8')));
  return { logId: stored.logId, logBytes: stored.sizeBytes };
}

/** How long a line may stay UNREGISTERED after the VoIP restart before its outcome counts as no answer. */
const REGISTRATION_WAIT_MS = 10_000;

/** Reads a line's registration until it leaves UNREGISTERED (the REGISTER is under way) or the wait ends. */
async function registrationOf(session: DeviceSession, epn: string, signal: AbortSignal): Promise<string> {
  const deadline = Date.now() + REGISTRATION_WAIT_MS;
  for (;;) {
    const state = await session.commandValue(uaInquiry(epn, 'REG_STATUS'));
    if (state !== 'UNREGISTERED' || Date.now() >= deadline || signal.aborted) return state;
    await sleep(250);
  }
}

/**
 * Writes each line's SIP account, restarts VoIP so that they take effect, then reads how each line registered. A line
 * that does not register fails the target with the device's reason (`Line 2: 401 Unauthorized`); the settings stay
 * written, so correcting the account and retrying is enough. Writing the same settings again is harmless, so a target
 * resumed after an agent restart simply runs again.
 */
async function provisionVoip(context: OperationContext, target: StoredTarget): Promise<TargetResult> {
  if (target.plink !== null) throw new TargetFailure('device_refused', 'A P-Link peripheral has no VoIP lines.');
  const lines = await context.voipLines(target);
  if (!lines) {
    throw new TargetFailure(
      'agent_restarted',
      'The SIP accounts of this device were not at hand (the agent restarted and the hub did not send them again); retry the job.',
    );
  }
  return withSession(context, target, async (session, box) => {
    const boxNumber = await session.commandValue(systemCommandLine(box, 'boxNumber'));
    const epnOf = (line: number) => `${boxNumber}${String(line).padStart(2, '0')}`;
    context.markSent(target);
    for (const [index, line] of lines.entries()) {
      for (const command of sipSettingCommands(epnOf(line.line), line)) await session.command(command);
      context.progress(target, Math.round(((index + 1) / lines.length) * 60));
    }
    await session.command(systemCommandLine(box, 'voipRestart'));
    context.progress(target, 80);
    const failures: string[] = [];
    for (const line of lines) {
      const epn = epnOf(line.line);
      const state = await registrationOf(session, epn, context.signal);
      if (state === 'REGISTERED') continue;
      const reason = state === 'FAILED' ? await session.commandValue(uaInquiry(epn, REG_REASON_PARAM)) : state;
      failures.push(`Line ${line.line}: ${reason === 'NONE' ? state : reason}`);
    }
    if (failures.length > 0) throw new TargetFailure('voip_registration_failed', failures.join('; '));
    return {};
  });
}

/** Runs one target's operation; resolves with its result or throws a TargetFailure (or a device error). */
export async function runOperation(
  context: OperationContext,
  target: StoredTarget,
  resumed: boolean,
): Promise<TargetResult> {
  const { operation } = target;
  switch (operation.kind) {
    case 'locate':
      return setSwitch(context, target, 'locate', operation.on);
    case 'safety_mute':
      return setSwitch(context, target, 'safetyMute', operation.on);
    case 'reboot':
      return reboot(context, target, resumed);
    case 'firmware_update':
      return updateFirmware(context, target, resumed);
    case 'backup':
      return backUp(context, target);
    case 'restore':
      return restore(context, target);
    case 'ftp':
      return setFtp(context, target, operation.on);
    case 'change_credentials':
      return changeCredentials(context, target, operation.username);
    case 'collect_logs':
      return collectLogs(context, target);
    case 'config_load':
      return loadConfiguration(context, target, operation.configurationId);
    case 'voip_provision':
      return provisionVoip(context, target);
  }
}

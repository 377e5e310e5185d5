/**
 * [INV] Every command word, reply text and value that Tutti invented (DEVICE-PROTOCOL §2.2 B, §6).
 * The real names are in ClearOne's DOC-0293-001 v1.11, which nobody on the team could read; when someone
 * does, this table is the one place to correct. Both the simulator and the driver read it.
 */

/** `BOX <name> <block> <param> [value]` system commands, keyed by what they mean. */
export const systemCommands = {
  model: { block: 'UNIT', param: 'MODEL' },
  serial: { block: 'UNIT', param: 'SN' }, // SN itself is [DRV]; kept here so the BOX table is complete.
  firmware: { block: 'UNIT', param: 'FW_VERSION' },
  hostDspVersion: { block: 'UNIT', param: 'HOST_DSP_VERSION' },
  fpgaVersion: { block: 'UNIT', param: 'FPGA_VERSION' },
  telcoDspVersion: { block: 'UNIT', param: 'TELCO_DSP_VERSION' },
  ampDspVersion: { block: 'UNIT', param: 'AMP_DSP_VERSION' },
  mac: { block: 'UNIT', param: 'MAC_ADDRESS' },
  boxNumber: { block: 'UNIT', param: 'BOX_NUMBER' },
  stackName: { block: 'UNIT', param: 'STACK_NAME' },
  locate: { block: 'UNIT', param: 'LOCATE' },
  safetyMute: { block: 'UNIT', param: 'SAFETY_MUTE' },
  reboot: { block: 'UNIT', param: 'REBOOT' },
  password: { block: 'UNIT', param: 'PASSWORD' },
  /** `USERNAME <password> <new username>`: renames the stack-wide login, answered `OK` as PASSWORD is. */
  username: { block: 'UNIT', param: 'USERNAME' },
  /**
   * The unit's log (device-log.ts): a ring of numbered lines. Read without a value: `<first> <last>` numbers held
   * (`0 0` when empty); `LOG <n>` → line n, one per read so that no reply outgrows a telnet line.
   */
  log: { block: 'UNIT', param: 'LOG' },
  /** Unit temperature in °C, one decimal. */
  temperature: { block: 'UNIT', param: 'TEMPERATURE' },
  dhcpEnable: { block: 'NETWORK', param: 'DHCP_ENABLE' },
  ipAddress: { block: 'NETWORK', param: 'IP_ADDRESS' },
  subnetMask: { block: 'NETWORK', param: 'SUBNET_MASK' },
  gateway: { block: 'NETWORK', param: 'GATEWAY' },
  dns1: { block: 'NETWORK', param: 'DNS1' },
  dns2: { block: 'NETWORK', param: 'DNS2' },
  domainName: { block: 'NETWORK', param: 'DOMAIN_NAME' },
  linkStatus: { block: 'NETWORK', param: 'LINK_STATUS' },
  telnetEnable: { block: 'NETWORK', param: 'TELNET_ENABLE' },
  ftpEnable: { block: 'NETWORK', param: 'FTP_ENABLE' },
  stackBoxes: { block: 'STACK', param: 'BOXES' },
  stackStatus: { block: 'STACK', param: 'STATUS' },
  plinkDevices: { block: 'PLINK', param: 'DEVICES' },
  /**
   * `BOX <name> NOTIFICATION STATUS 1` subscribes the session to unsolicited status lines: LOCATE,
   * SAFETY_MUTE, TEMPERATURE, STACK STATUS (as `=> BOX <name> …`) and UA REG_STATUS
   * (as `=> EP UA <epn> INQUIRE REG_STATUS <value>`). `0` unsubscribes. Not kept across reconnects.
   */
  statusNotification: { block: 'NOTIFICATION', param: 'STATUS' },
  /**
   * `BOX <name> UNIT FW_UPDATE <token>` → `STARTED`; then unsolicited `FW_UPDATE PROGRESS <0-100>` and
   * `FW_UPDATE DONE <version>` (or `FAILED <reason>`) to every session of the box, then a reboot (§6.5).
   * Read without a value: `IDLE` or `PROGRESS <n>`.
   */
  firmwareUpdate: { block: 'UNIT', param: 'FW_UPDATE' },
  /** What the unit is busy with: one of `unitStates`. Announced as a status line when it changes. */
  unitState: { block: 'UNIT', param: 'STATE' },
  /**
   * `CONFIG_LOAD <token>` → `STARTED`; the unit is CONFIGURING for a while, then sends
   * `CONFIG_LOAD DONE` (or `FAILED <reason>` for a token containing `fail`) and is configured (§6.5).
   */
  configLoad: { block: 'UNIT', param: 'CONFIG_LOAD' },
  /**
   * Read only: `CONFIG_SAVE` → the running configuration (the project, XML) as one base64 value. Loading it back is
   * `CONFIG_LOAD DATA:<base64>`; a project of another model fails with `FAILED WRONG_MODEL`.
   */
  configSave: { block: 'UNIT', param: 'CONFIG_SAVE' },
  /** `0`/`1`: SIP settings changed and wait for a VoIP restart to apply. */
  voipRestartPending: { block: 'VOIP', param: 'RESTART_PENDING' },
  /** Applies pending SIP settings: the lines re-register. */
  voipRestart: { block: 'VOIP', param: 'RESTART' },
} as const satisfies Record<string, { block: string; param: string }>;

export type SystemCommand = keyof typeof systemCommands;

const byAddress = new Map<string, SystemCommand>(
  (Object.keys(systemCommands) as SystemCommand[]).map((key) => [
    `${systemCommands[key].block} ${systemCommands[key].param}`,
    key,
  ]),
);

export function systemCommandFor(block: string, param: string): SystemCommand | undefined {
  return byAddress.get(`${block} ${param}`);
}

/** `BOX <name> <block> <param>` for a system command. */
export function systemCommandLine(boxName: string, command: SystemCommand, value?: string): string {
  const { block, param } = systemCommands[command];
  return value === undefined ? `BOX ${boxName} ${block} ${param}` : `BOX ${boxName} ${block} ${param} ${value}`;
}

/** UA line registration query (`EP UA <epn> INQUIRE REG_STATUS`) and its values. */
export const REG_STATUS_BLOCK = 'INQUIRE';
export const REG_STATUS_PARAM = 'REG_STATUS';
export const registrationStates = ['REGISTERED', 'UNREGISTERED', 'FAILED', 'DISABLED'] as const;
export type RegistrationState = (typeof registrationStates)[number];

/** `UNIT STATE` values: RESTARTING while services start after a reboot, CONFIGURING during CONFIG_LOAD. */
export const unitStates = ['RUNNING', 'RESTARTING', 'UPDATING_FIRMWARE', 'CONFIGURING', 'UNCONFIGURED'] as const;
export type UnitState = (typeof unitStates)[number];

/** Words of `CONFIG_LOAD` lines. */
export const configLoadWords = { started: 'STARTED', done: 'DONE', failed: 'FAILED' } as const;
/** A `CONFIG_LOAD` token carrying the project itself, base64 after this prefix. */
export const CONFIG_DATA_PREFIX = 'DATA:';

/**
 * P-Link peripherals have no address of their own; they are reached through the host's session:
 * `BOX <host> PLINK <port> <PARAM> [value]` and, for DIALOG 20 wireless channels,
 * `BOX <host> PLINK <port> CHANNEL <n> <PARAM>`. Replies repeat that address. Status lines
 * (LINK, LOCATE, FW_UPDATE, channel BATTERY/RF) go to sessions subscribed to the host's status.
 */
export const PLINK_BLOCK = 'PLINK';
export const plinkParams = {
  model: 'MODEL',
  serial: 'SN',
  firmware: 'FW_VERSION',
  name: 'NAME',
  /** `UP`, or `DOWN` when the unit dropped off the chain (cable, power): the fleet shows it Down. */
  link: 'LINK',
  locate: 'LOCATE',
  /** Same words as the host's FW_UPDATE; the firmware goes through the host over P-Link (§4). */
  firmwareUpdate: 'FW_UPDATE',
  /** Number of wireless channels (DIALOG 20 only). */
  channels: 'CHANNELS',
  /**
   * Read only: `CONFIG_SAVE` → the peripheral's own project as one base64 value: `<Root Version="9"><Peripheral
   * Model= Serial= Name=><Settings …/></Peripheral></Root>` (settings in `peripheralSettingNames`).
   */
  configSave: 'CONFIG_SAVE',
  /**
   * `CONFIG_LOAD DATA:<base64>` → `STARTED`; after the host's `configLoadMs` an unsolicited `CONFIG_LOAD DONE` (the
   * settings applied), `FAILED WRONG_MODEL` (a project of another model) or `FAILED INVALID` (unreadable).
   */
  configLoad: 'CONFIG_LOAD',
} as const;
/** The settings a peripheral project carries, as `<Settings>` attributes: gain in dB, mute and AEC as 0/1. */
export const peripheralSettingNames = ['Gain', 'Mute', 'Aec'] as const;
/** `Gain` range of a peripheral project, in whole dB. */
export const PERIPHERAL_GAIN_RANGE = { min: -60, max: 12 } as const;
export type PlinkParam = keyof typeof plinkParams;
export const PLINK_CHANNEL = 'CHANNEL';
export const plinkChannelParams = {
  /** Battery of the wireless mic on that channel in percent, or `NONE` when no mic is paired. */
  battery: 'BATTERY',
  /** Received signal strength in dBm, or `NONE` when no mic is heard. */
  rf: 'RF',
} as const;
export type PlinkChannelParam = keyof typeof plinkChannelParams;
export const plinkLinkStates = ['UP', 'DOWN'] as const;
export type PlinkLinkState = (typeof plinkLinkStates)[number];
export const PLINK_VALUE_NONE = 'NONE';

/**
 * COLLABORATE Live codecs (§6.6): the same login and `=> ` framing and `BOX <name> UNIT …` identity,
 * plus `CODEC <PARAM> [value]`. SERVICE_STATUS is the communication service the fleet view reports on.
 */
export const CODEC_VERB = 'CODEC';
export const codecParams = {
  callStatus: 'CALL_STATUS',
  standby: 'STANDBY',
  serviceStatus: 'SERVICE_STATUS',
  /** `CODEC DIAL <uri>` connects a call; `CODEC HANGUP` ends it. */
  dial: 'DIAL',
  hangup: 'HANGUP',
} as const;
export const codecCallStates = ['IDLE', 'CONNECTED'] as const;
export type CodecCallState = (typeof codecCallStates)[number];
export const codecServiceStates = ['OK', 'FAILED'] as const;
export type CodecServiceState = (typeof codecServiceStates)[number];
/** The stack name a codec gives in its discovery answer: it is never part of a DSP stack. */
export const CODEC_STACK_NONE = 'NONE';

/** `STACK STATUS` values; details follow as `;MISSING=2,3;MISMATCH=4`. */
export const stackStates = ['OK', 'INCOMPLETE', 'MISMATCHED'] as const;
export type StackState = (typeof stackStates)[number];

/** Login texts: prompts are [DRV], the success line and the failure line are [INV]. */
export const loginTexts = {
  usernamePrompt: 'Username: ',
  passwordPrompt: 'Password: ',
  success: 'LOGIN_OK',
  failure: 'Error Invalid Login',
  maxFailures: 3,
} as const;

/** Error payloads of §6.3 (only `Error Invalid Parameter(s)` is [DRV]). */
export const errorPayloads = {
  invalidCommand: 'Error Invalid Command',
  invalidParameters: 'Error Invalid Parameter(s)',
  invalidBoxName: 'Error Invalid Box Name',
  outOfRange: 'Error Value Out Of Range',
  endpointNotPresent: 'Error Endpoint Not Present',
} as const;
export type ErrorPayload = (typeof errorPayloads)[keyof typeof errorPayloads];

/** Values of `FW_UPDATE` lines. */
export const firmwareUpdateWords = {
  started: 'STARTED',
  progress: 'PROGRESS',
  done: 'DONE',
  failed: 'FAILED',
  idle: 'IDLE',
} as const;

/** `PASSWORD <old> <new>` success value. */
export const PASSWORD_OK = 'OK';

/**
 * `PLINK DEVICES` value: entries `<plink>:<MODEL>:<SN>:<FW>:<NAME>` joined by `;`, or `NONE`.
 * The vendor sample shows `A:BFM2:SN123`; ours carries the firmware and name the fleet view needs.
 */
export const PLINK_NONE = 'NONE';

/** UDP discovery of §6.6. */
export const discovery = {
  port: 50123,
  request: 'CLEARONE_DISCOVER',
  answerPrefix: 'CLEARONE_DEVICE',
} as const;

/** UA notification types a session may subscribe to with `EP UA <epn> NOTIFICATION <TYPE>` ([DRV] names). */
export const uaNotificationTypes = [
  'STATE_CHANGE',
  'INDICATION',
  'ERROR',
  'REG_SUCCEED',
  'UNREG_SUCCEED',
  'REG_FAILED',
  'MAX_CALLS_PER_UA',
] as const;
export type UaNotificationType = (typeof uaNotificationTypes)[number];

/**
 * COLLABORATE Space cloud service (§5: no public API known): OAuth 2.0 authorization server paths and
 * the bearer-guarded REST API the simulator serves and the client reads.
 */
export const spaceApi = {
  authorize: '/oauth/authorize',
  token: '/oauth/token',
  me: '/api/v1/me',
  accounts: '/api/v1/accounts',
  rooms: '/api/v1/rooms',
  users: '/api/v1/users',
  /** Response header carrying the service version (the "firmware" the fleet view shows for an account). */
  versionHeader: 'x-space-version',
} as const;
/** Account status: only `active` is Healthy; the others leave the account unusable (Communication Service Failed). */
export const spaceAccountStates = ['active', 'suspended', 'expired'] as const;
export type SpaceAccountState = (typeof spaceAccountStates)[number];

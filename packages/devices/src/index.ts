export {
  createLineDecoder,
  formatReply,
  parseCommand,
  addressLength,
  lineTerminator,
  endpointTypes,
  isEndpointType,
  DEFAULT_MAX_LINE_BYTES,
  type LineDecoder,
  type LineDecoderOptions,
  type LineEnding,
  type EndpointType,
} from './codec.ts';
export {
  systemCommands,
  systemCommandLine,
  registrationStates,
  stackStates,
  errorPayloads,
  loginTexts,
  discovery as discoveryProtocol,
  unitStates,
  firmwareUpdateWords,
  configLoadWords,
  CONFIG_DATA_PREFIX,
  plinkParams,
  plinkChannelParams,
  plinkLinkStates,
  codecParams,
  codecCallStates,
  codecServiceStates,
  type SystemCommand,
  type RegistrationState,
  type StackState,
  type UnitState,
  type PlinkLinkState,
  type CodecCallState,
  type CodecServiceState,
  spaceApi,
  spaceAccountStates,
  type SpaceAccountState,
} from './system-commands.ts';
export {
  formatStackStatus,
  parseStackStatus,
  formatStackMembers,
  parseStackMembers,
  type StackStatus,
} from './stack-status.ts';
export { formatPlinkDevices, parsePlinkDevices, type PlinkEntry } from './plink-devices.ts';
export { formatDiscoveryAnswer, parseDiscoveryAnswer, type DiscoveryAnswer } from './discovery.ts';
export { createSimulator } from './simulator/simulator.ts';
export {
  decideRegistration,
  defaultRegistrar,
  DEFAULT_SIP_SERVER,
  type SimulatedRegistrar,
  type SimulatedSipServer,
} from './simulator/registrar.ts';
export {
  defaultSipPort,
  formatSipAccount,
  parseSipAccount,
  sipSettingCommands,
  sipSettingParams,
  sipTransports,
  uaInquiry,
  type SipSettingsInput,
  REG_REASON_PARAM,
  SIP_ACCOUNT_PARAM,
  type SipAccount,
  type SipSettingField,
  type SipTransport,
} from './sip-account.ts';
export {
  createSiteSpec,
  type CreateSiteSpecOptions,
  type ProductMix,
  type StackOptions,
} from './simulator/site-spec.ts';
export {
  parseSiteFile,
  loadSiteFile,
  siteFileSpecs,
  siteFileSimulatorOptions,
  siteFileSchema,
  MAX_SITE_DEVICES,
  type SiteFile,
} from './simulator/site-file.ts';
export {
  createFaultController,
  type FaultController,
  type CreateFaultControllerOptions,
} from './simulator/fault-commands.ts';
export type {
  Credentials,
  Misbehaviour,
  MisbehaviourMode,
  SimulatedDevice,
  SimulatedDeviceSpec,
  SimulatedPeripheral,
  SimulatedPeripheralSpec,
  Simulator,
  SimulatorChange,
  SimulatorChangeKind,
  SimulatorOptions,
} from './simulator/types.ts';
export {
  connectDevice,
  DEFAULT_DEVICE_TIMEOUT_MS,
  type ConnectDeviceOptions,
  type DeviceSession,
} from './driver/session.ts';
export { probeSubnet, probeHost, type ProbeSubnetOptions, type ProbeHostOptions } from './driver/probe.ts';
export {
  DeviceError,
  DeviceLoginError,
  DeviceTimeoutError,
  DeviceUnreachableError,
  DeviceCommandError,
  DeviceProtocolError,
  isDeviceError,
  type DeviceErrorCode,
} from './driver/errors.ts';
export type {
  CodecState,
  DeviceIdentity,
  DeviceState,
  PeripheralInfo,
  PeripheralState,
  StackMember,
  WirelessChannelState,
} from './driver/device-state.ts';
export { deriveStatus, derivePeripheralStatus, OVERHEAT_THRESHOLD_C, type DeriveStatusInput } from './driver/status.ts';
export { voipLineReports } from './driver/voip-lines.ts';
export {
  createSpaceService,
  pkceChallenge,
  type CreateSpaceServiceOptions,
  type ConsentDecision,
  type SpaceAccount,
  type SpaceClient,
  type SpaceRoom,
  type SpaceService,
  type SpaceUser,
} from './space/space-service.ts';
export {
  connectSpace,
  deriveSpaceStatus,
  type ConnectSpaceOptions,
  type DeriveSpaceStatusInput,
  type SpaceIdentity,
  type SpaceSession,
  type SpaceTokens,
} from './space/space-client.ts';
export {
  DeviceLog,
  DEVICE_LOG_CAPACITY,
  deviceLogCategories,
  readDeviceLog,
  type DeviceLogCategory,
  type DeviceLogSession,
} from './device-log.ts';

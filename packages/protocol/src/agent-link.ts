import { z } from 'zod';
import { deviceReportSchema, serialNumberSchema } from './devices.ts';
import {
  devicePasswordSchema,
  firmwareVersionSchema,
  jobOperationSchema,
  MAX_JOB_TARGETS,
  sha256Schema,
  targetFailureCodeSchema,
  targetResultSchema,
} from './jobs.ts';
import { deviceFamilySchema, deviceModelSchema } from './models.ts';
import { ipv4Schema } from './network.ts';
import { deviceStatusSchema } from './statuses.ts';
import { monitoringStatusSchema } from './statuses.ts';
import { agentVoipLineSchema, MAX_VOIP_LINES } from './voip.ts';

/** Path of the hub's WebSocket endpoint for agents. */
export const AGENT_LINK_PATH = '/agent/v1';
export const AGENT_LINK_VERSION = 1;
/** Largest frame either side accepts. Batches are sized to stay well below it. */
export const AGENT_LINK_MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** Most events an agent puts in one `events` frame. */
export const AGENT_LINK_MAX_BATCH = 2000;
/** Job targets an agent runs at once, whatever the jobs ask; the hub hands no agent more than this in flight. */
export const AGENT_JOB_CONCURRENCY = 16;

const seqSchema = z.number().int().min(1);
const timestampSchema = z.iso.datetime();

export const agentSessionCountsSchema = z.strictObject({
  connecting: z.number().int().min(0),
  connected: z.number().int().min(0),
  login_failed: z.number().int().min(0),
  unreachable: z.number().int().min(0),
});
export type AgentSessionCounts = z.infer<typeof agentSessionCountsSchema>;

export const agentSubnetStateSchema = z.strictObject({
  subnet: z.string().max(64),
  interfaceName: z.string().max(32).nullable(),
  enabled: z.boolean(),
  scans: z.number().int().min(0),
  answered: z.number().int().min(0),
  lastScanAt: timestampSchema.nullable(),
  lastError: z.string().max(500).nullable(),
});
export type AgentSubnetState = z.infer<typeof agentSubnetStateSchema>;

const deviceSeenBody = z.strictObject({ kind: z.literal('device.seen'), device: deviceReportSchema });
const deviceStatusBody = z.strictObject({
  kind: z.literal('device.status'),
  serial: serialNumberSchema,
  status: deviceStatusSchema,
  since: timestampSchema,
});
const deviceLostBody = z.strictObject({ kind: z.literal('device.lost'), serial: serialNumberSchema });
const agentStateBody = z.strictObject({
  kind: z.literal('agent.state'),
  monitoring: monitoringStatusSchema,
  subnetsEnabled: z.number().int().min(0),
  subnetsTotal: z.number().int().min(0),
  version: z.string().max(32),
  deviceCount: z.number().int().min(0),
  /** Device sessions by state (hosts only: peripherals share their host's session). Added in agent 0.2. */
  sessions: agentSessionCountsSchema.optional(),
  /** Per-subnet scan progress. Added in agent 0.2. */
  subnets: z.array(agentSubnetStateSchema).max(1024).optional(),
});

/** Progress or outcome of one job target; travels through the outbox like every event, so none is lost. */
const jobTargetBody = z.strictObject({
  kind: z.literal('job.target'),
  jobId: z.uuid(),
  targetId: z.uuid(),
  attempt: z.number().int().min(1),
  serial: serialNumberSchema,
  state: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  progress: z.number().int().min(0).max(100),
  failureCode: targetFailureCodeSchema.optional(),
  reason: z.string().max(1000).optional(),
  result: targetResultSchema.optional(),
});
export type JobTargetEventBody = z.infer<typeof jobTargetBody>;

/** What an agent reports, before the outbox gives it a `seq` and a time. */
export const agentEventBodySchema = z.discriminatedUnion('kind', [
  deviceSeenBody,
  deviceStatusBody,
  deviceLostBody,
  agentStateBody,
  jobTargetBody,
]);
export type AgentEventBody = z.infer<typeof agentEventBodySchema>;

const eventEnvelope = { seq: seqSchema, at: timestampSchema };

/**
 * An event as sent: every variant carries the agent's monotonically increasing `seq` and its time directly.
 * A flat union validates four to six times faster than an intersection of envelope and body, and the hub
 * validates tens of thousands of these a second.
 */
export const agentEventSchema = z.discriminatedUnion('kind', [
  deviceSeenBody.extend(eventEnvelope),
  deviceStatusBody.extend(eventEnvelope),
  deviceLostBody.extend(eventEnvelope),
  agentStateBody.extend(eventEnvelope),
  jobTargetBody.extend(eventEnvelope),
]);
export type AgentEvent = z.infer<typeof agentEventSchema>;

/** Agent → hub. */
export const agentMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('hello'),
    protocol: z.literal(AGENT_LINK_VERSION),
    agentName: z.string().min(1).max(64),
    password: z.string().min(1).max(256),
    /** Account number of the organization; lets the hub tell apart agents of the same name in different orgs. */
    organization: z.string().max(64).optional(),
    version: z.string().max(32),
  }),
  z.strictObject({ type: z.literal('events'), events: z.array(agentEventSchema).min(1).max(AGENT_LINK_MAX_BATCH) }),
  z.strictObject({ type: z.literal('heartbeat'), at: timestampSchema }),
  z.strictObject({
    type: z.literal('result'),
    commandId: z.string().max(64),
    ok: z.boolean(),
    message: z.string().max(2000).optional(),
  }),
]);
export type AgentMessage = z.infer<typeof agentMessageSchema>;

/** One device of a job as the agent receives it; `attempt` grows when a failed target is retried. */
export const agentJobTargetSchema = z.strictObject({
  targetId: z.uuid(),
  attempt: z.number().int().min(1),
  serial: serialNumberSchema,
  model: deviceModelSchema,
  accessIp: ipv4Schema,
  port: z.number().int().min(1).max(65535),
  /** For a P-Link peripheral: its port on the host DSP at `accessIp`, through whose session it is reached. */
  plink: z.number().int().min(1).max(99).nullable(),
  /** Restore: the backup to load. */
  backupId: z.uuid().optional(),
  /** voip_provision: the lines to write, passwords included; the agent keeps them in memory only. */
  voipLines: z.array(agentVoipLineSchema).min(1).max(MAX_VOIP_LINES).optional(),
});
export type AgentJobTarget = z.infer<typeof agentJobTargetSchema>;

/** The firmware image of a job: fetched over HTTP from `path` on the hub with the short-lived `token`. */
export const agentJobFileSchema = z.strictObject({
  path: z.string().startsWith('/').max(500),
  token: z.string().min(1).max(2000),
  sha256: sha256Schema,
  sizeBytes: z.number().int().min(1),
  modelFamily: deviceFamilySchema,
  version: firmwareVersionSchema,
});
export type AgentJobFile = z.infer<typeof agentJobFileSchema>;

export const agentJobSchema = z.strictObject({
  jobId: z.uuid(),
  operation: jobOperationSchema,
  targets: z.array(agentJobTargetSchema).min(1).max(MAX_JOB_TARGETS),
  firmware: agentJobFileSchema.optional(),
  /** Short-lived grant for this job's configuration files (backup uploads, restore downloads). */
  fileToken: z.string().min(1).max(2000).optional(),
  /** The new password of a change_credentials job: the agent holds it in memory only, never on its disk. */
  newPassword: devicePasswordSchema.optional(),
});
export type AgentJob = z.infer<typeof agentJobSchema>;

/** HTTP header carrying a job token on the agent's file requests. */
export const JOB_TOKEN_HEADER = 'x-tutti-job-token';
/** HTTP header naming the job whose token a file request carries. */
export const JOB_ID_HEADER = 'x-tutti-job-id';

export const agentCommandSchema = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('rescan') }),
  /** Runs (or, for targets the agent already holds, ignores) these targets of a job. */
  z.strictObject({ name: z.literal('job.run'), job: agentJobSchema }),
  /** Cancels the job's targets that have not started. */
  z.strictObject({ name: z.literal('job.cancel'), jobId: z.uuid() }),
]);
export type AgentCommand = z.infer<typeof agentCommandSchema>;

/** Hub → agent. */
export const hubMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('welcome'),
    agentId: z.string(),
    organizationName: z.string(),
    /** Highest seq the hub has committed for this agent: everything up to it may leave the outbox. */
    lastSeq: z.number().int().min(0),
    heartbeatSeconds: z.number().int().min(1),
  }),
  z.strictObject({ type: z.literal('ack'), upTo: z.number().int().min(0) }),
  z.strictObject({ type: z.literal('heartbeat'), at: timestampSchema }),
  z.strictObject({
    type: z.literal('command'),
    commandId: z.string().max(64),
    command: agentCommandSchema,
  }),
  z.strictObject({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type HubMessage = z.infer<typeof hubMessageSchema>;

/** WebSocket close codes of the agent link (4000–4999 are application codes). */
export const agentLinkCloseCodes = {
  authFailed: 4001,
  protocolError: 4002,
  replaced: 4003,
  helloTimeout: 4004,
  disabled: 4005,
} as const;

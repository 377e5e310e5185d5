import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  unique,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** Organizations form a tree: platform → support orgs → client orgs (cloud), or one enterprise org. */
export const organizations = pgTable(
  'organizations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    parentId: uuid('parent_id'),
    kind: text('kind', { enum: ['platform', 'support', 'client', 'enterprise'] }).notNull(),
    name: text('name').notNull(),
    accountNumber: text('account_number').notNull(),
    status: text('status', { enum: ['active', 'expired', 'invited', 'overflow'] })
      .notNull()
      .default('active'),
    /** The client's identifier in its support organization's financial system. */
    clientReference: text('client_reference'),
    startDate: date('start_date', { mode: 'string' }),
    endDate: date('end_date', { mode: 'string' }),
    /** Service plan: Pro Audio devices managed at most ("devices allocated" from the support org's pool). */
    maxProAudioDevices: integer('max_pro_audio_devices').notNull().default(0),
    initialOwnerUserId: uuid('initial_owner_user_id'),
    /** Kept on the organization so its parent can show them without seeing the client's people. */
    initialOwnerEmail: text('initial_owner_email'),
    initialOwnerName: text('initial_owner_name'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('organizations_account_number_key').on(table.accountNumber),
    index('organizations_parent_idx').on(table.parentId),
  ],
);

/** A person. Their access to organizations is through memberships. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash'),
    language: text('language').notNull().default('en'),
    status: text('status', { enum: ['invited', 'registered', 'disabled'] })
      .notNull()
      .default('registered'),
    type: text('type', { enum: ['local', 'ldap', 'sso'] })
      .notNull()
      .default('local'),
    lastAccessedAt: timestamp('last_accessed_at', { withTimezone: true }),
    /** E.164 mobile number for SMS alerts. */
    smsNumber: text('sms_number'),
    termsAcceptedAt: timestamp('terms_accepted_at', { withTimezone: true }),
    /** LDAP and SSO people: the organization whose directory or identity provider vouches for them. */
    identityOrgId: uuid('identity_org_id'),
    /** LDAP and SSO people: their DN or the provider's subject. */
    externalId: text('external_id'),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('users_email_key').on(sql`lower(${table.email})`)],
);

export const memberships = pgTable(
  'memberships',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['owner', 'administrator', 'technician', 'monitor', 'billing'] }).notNull(),
    /** Disabled in this organization (the person's accounts elsewhere are untouched). */
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('memberships_org_user_key').on(table.orgId, table.userId),
    index('memberships_user_idx').on(table.userId),
  ],
);

/** Invitation links; only the SHA-256 of the token is stored, and a link works once. */
export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    invitedByLabel: text('invited_by_label').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('invitations_token_hash_key').on(table.tokenHash),
    index('invitations_org_user_idx').on(table.orgId, table.userId),
  ],
);

/** Forgot-password links; hashed, single use, short-lived. Not a tenant table: a person resets across orgs. */
export const passwordResets = pgTable(
  'password_resets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('password_resets_token_hash_key').on(table.tokenHash)],
);

/** REST API tokens (`Authorization: Bearer tutti_…`), scoped to one org and role; only the hash is stored. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    role: text('role', { enum: ['owner', 'administrator', 'technician', 'monitor', 'billing'] }).notNull(),
    createdByUserId: uuid('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdByLabel: text('created_by_label').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('api_tokens_token_hash_key').on(table.tokenHash),
    index('api_tokens_org_idx').on(table.orgId),
  ],
);

/** Browser sessions; only the SHA-256 of the token is stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    currentOrgId: uuid('current_org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    persistent: boolean('persistent').notNull().default(false),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (table) => [uniqueIndex('sessions_token_hash_key').on(table.tokenHash), index('sessions_user_idx').on(table.userId)],
);

/** Local Agent server accounts ("Servers"); the name is unique within the org. */
export const agents = pgTable(
  'agents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    /** Highest event seq committed for this agent: the de-duplication watermark. */
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
    connected: boolean('connected').notNull().default(false),
    lastConnectedAt: timestamp('last_connected_at', { withTimezone: true }),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    version: text('version'),
    monitoring: text('monitoring', { enum: ['active', 'issue', 'off'] })
      .notNull()
      .default('off'),
    subnetsEnabled: integer('subnets_enabled').notNull().default(0),
    subnetsTotal: integer('subnets_total').notNull().default(0),
    deviceCount: integer('device_count').notNull().default(0),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('agents_org_name_key').on(table.orgId, table.name), index('agents_name_idx').on(table.name)],
);

/**
 * Current state of every device; history lives in device_events. No index may include the columns a status change
 * writes (status, severity, status_since, last_seen_at, lost_at, updated_at): every status change is then a HOT
 * update that touches no index, with room for it kept on the page by the table's fillfactor (migration 0032). With
 * the status indexed, each change wrote an entry in all twelve indexes and cost about ten times the CPU. The list's
 * counts and status filters read device_statuses instead.
 */
export const devices = pgTable(
  'devices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    agentId: uuid('agent_id').references(() => agents.id, { onDelete: 'set null' }),
    serial: text('serial').notNull(),
    model: text('model').notNull(),
    name: text('name').notNull(),
    mac: text('mac').notNull(),
    firmware: text('firmware').notNull(),
    accessIp: text('access_ip').notNull(),
    port: integer('port').notNull(),
    subnet: text('subnet').notNull(),
    interfaceName: text('interface_name'),
    stack: text('stack'),
    clink: integer('clink'),
    plink: integer('plink'),
    hostSerial: text('host_serial'),
    /** FTP as the unit itself last reported it through its agent (NETWORK FTP_ENABLE); null when it never told. */
    ftpEnabled: boolean('ftp_enabled'),
    /** Where the device is installed; null while unassigned. */
    locationId: uuid('location_id').references((): AnyPgColumn => locations.id, { onDelete: 'set null' }),
    status: text('status').notNull(),
    severity: text('severity', { enum: ['healthy', 'issue', 'down'] }).notNull(),
    statusSince: timestamp('status_since', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    lostAt: timestamp('lost_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('devices_org_serial_key').on(table.orgId, table.serial),
    index('devices_org_name_idx').on(table.orgId, table.name),
    index('devices_org_location_idx').on(table.orgId, table.locationId),
    // The list's sort orders; the access IP sort (an expression) and the search's trigram index are in migrations.
    index('devices_org_model_idx').on(table.orgId, table.model, table.id),
    index('devices_org_firmware_idx').on(table.orgId, table.firmware, table.id),
    // The sort by connection walks each server's devices in this order (server names come from agents).
    index('devices_org_connection_idx').on(
      table.orgId,
      table.agentId,
      table.subnet,
      table.stack,
      table.clink,
      table.plink,
      table.id,
    ),
  ],
);

/**
 * Each device's status, severity and status start under indexes: the device list counts by severity from an index
 * alone and pages by status duration through one. A trigger on devices keeps it (migration 0032): status changes
 * write these narrow index entries and none of the devices table's.
 */
export const deviceStatuses = pgTable(
  'device_statuses',
  {
    deviceId: uuid('device_id')
      .primaryKey()
      .references(() => devices.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    severity: text('severity', { enum: ['healthy', 'issue', 'down'] }).notNull(),
    status: text('status').notNull(),
    statusSince: timestamp('status_since', { withTimezone: true }).notNull(),
  },
  (table) => [
    index('device_statuses_org_severity_status_idx').on(table.orgId, table.severity, table.status),
    index('device_statuses_org_status_since_idx').on(table.orgId, table.statusSince, table.deviceId),
  ],
);

/** Append-only history of everything agents reported, one row per event, de-duplicated by (agent, seq). */
export const deviceEvents = pgTable(
  'device_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    agentId: uuid('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    serial: text('serial'),
    payload: jsonb('payload').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('device_events_agent_seq_key').on(table.agentId, table.seq),
    index('device_events_org_serial_idx').on(table.orgId, table.serial, table.occurredAt),
  ],
);

/** Append-only, hash-chained record of every change. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: uuid('org_id').references(() => organizations.id, { onDelete: 'set null' }),
    actorUserId: uuid('actor_user_id'),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: text('ip'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (table) => [index('audit_log_org_at_idx').on(table.orgId, table.at)],
);

/**
 * Directory sign-in (LDAP) and single sign-on (OIDC) of an organization: non-secret settings as JSON, the secret
 * (bind password, client secret) sealed with the hub's secret box.
 */
export const signInProviders = pgTable(
  'sign_in_providers',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['ldap', 'oidc'] }).notNull(),
    settings: jsonb('settings').notNull(),
    sealedSecret: text('sealed_secret'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('sign_in_providers_org_kind_key').on(table.orgId, table.kind)],
);

/** An organization's enterprise license as uploaded (payload and signature), verified before it is stored. */
export const licenses = pgTable('licenses', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  payload: jsonb('payload').notNull(),
  signature: text('signature').notNull(),
  maxProAudioDevices: integer('max_pro_audio_devices').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  installedAt: timestamp('installed_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Where devices are installed: a tree of any depth per organization (building > floor > room, or anything else). */
export const locations = pgTable(
  'locations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** Null for a top-level location. Deleting a location re-parents its children first (see the service). */
    parentId: uuid('parent_id').references((): AnyPgColumn => locations.id),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['building', 'floor', 'room', 'other'] }).notNull(),
    /** Order among siblings. */
    sort: integer('sort').notNull().default(0),
    createdAt: createdAt(),
  },
  (table) => [
    unique('locations_org_parent_name_key').on(table.orgId, table.parentId, table.name).nullsNotDistinct(),
    index('locations_org_parent_idx').on(table.orgId, table.parentId),
  ],
);

/** Raw bytes (chat attachments); both drivers hand back a Buffer/Uint8Array. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * A chat conversation of one organization: the organization's channel, a thread about a device or a job, or a
 * direct conversation between members. Everyone with a membership in the organization (its own people and the
 * support organization's people granted access there) sees channels and threads; direct ones only their members.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['channel', 'device', 'job', 'direct'] }).notNull(),
    title: text('title'),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'cascade' }),
    jobId: uuid('job_id'),
    /** Direct conversations: the two user ids in sorted order, so a pair has one conversation. */
    directKey: text('direct_key'),
    createdByUserId: uuid('created_by_user_id'),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    index('conversations_org_last_idx').on(table.orgId, table.lastMessageAt),
    uniqueIndex('conversations_org_device_key').on(table.orgId, table.deviceId),
    uniqueIndex('conversations_org_job_key').on(table.orgId, table.jobId),
    uniqueIndex('conversations_org_direct_key').on(table.orgId, table.directKey),
  ],
);

/** Who takes part in a conversation, with their read marker (the last message id they have read). */
export const conversationMembers = pgTable(
  'conversation_members',
  {
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    lastReadMessageId: bigint('last_read_message_id', { mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.conversationId, table.userId] }),
    index('conversation_members_org_user_idx').on(table.orgId, table.userId),
  ],
);

/** Chat messages; the bigserial id orders a conversation and is the paging cursor. */
export const messages = pgTable(
  'messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    authorUserId: uuid('author_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Kept with the message: the author may later leave the organization. */
    authorName: text('author_name').notNull(),
    body: text('body').notNull(),
    /** User ids mentioned with @. */
    mentions: uuid('mentions')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    createdAt: createdAt(),
  },
  (table) => [index('messages_conversation_id_idx').on(table.conversationId, table.id)],
);

/** A file attached to a message (e.g. a device log), kept in the database within the hub's size limit. */
export const messageAttachments = pgTable(
  'message_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    messageId: bigint('message_id', { mode: 'number' })
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('message_attachments_message_key').on(table.messageId)],
);

/** Call log: one row per audio or video call, from ringing to its end. */
export const calls = pgTable(
  'calls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    callerUserId: uuid('caller_user_id').references(() => users.id, { onDelete: 'set null' }),
    callerName: text('caller_name').notNull(),
    calleeUserId: uuid('callee_user_id').references(() => users.id, { onDelete: 'set null' }),
    calleeName: text('callee_name').notNull(),
    media: text('media', { enum: ['audio', 'video'] }).notNull(),
    state: text('state', { enum: ['ringing', 'accepted', 'declined', 'missed', 'ended'] }).notNull(),
    createdAt: createdAt(),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (table) => [index('calls_org_created_idx').on(table.orgId, table.createdAt)],
);

/**
 * An organization's linked COLLABORATE Space account. Tokens are sealed with the hub's secret box; a refused
 * refresh clears them and leaves the row asking to be linked again.
 */
export const spaceAccounts = pgTable(
  'space_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    accountId: text('account_id').notNull(),
    name: text('name').notNull(),
    plan: text('plan'),
    accountStatus: text('account_status'),
    linkedEmail: text('linked_email'),
    /** Access and refresh token as sealed JSON; null once the link must be renewed. */
    sealedTokens: text('sealed_tokens'),
    accessExpiresAt: timestamp('access_expires_at', { withTimezone: true }),
    linkState: text('link_state', { enum: ['linked', 'relink_required', 'unreachable'] }).notNull(),
    lastError: text('last_error'),
    checkedAt: timestamp('checked_at', { withTimezone: true }),
    linkedByUserId: uuid('linked_by_user_id'),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('space_accounts_org_account_key').on(table.orgId, table.accountId)],
);

/** Authorization requests in flight: the OAuth2 state and its sealed PKCE verifier, used once. */
export const spaceLinkRequests = pgTable('space_link_requests', {
  state: text('state').primaryKey(),
  orgId: uuid('org_id')
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').notNull(),
  sealedVerifier: text('sealed_verifier').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: createdAt(),
});

/**
 * Alert rules of an organization. The condition, recipients, escalation and quiet hours are JSON in the shapes of the
 * protocol's alert schemas (validated at the API boundary), so a new kind of condition needs no migration.
 */
export const alertRules = pgTable(
  'alert_rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    condition: jsonb('condition').notNull(),
    recipients: jsonb('recipients').notNull(),
    /** `{ afterMinutes, recipients }`: who hears about an alert nobody acknowledged in time; null for nobody. */
    escalation: jsonb('escalation'),
    /** `{ start, end, timeZone }`: messages wait until the quiet hours end; null for none. */
    quietHours: jsonb('quiet_hours'),
    notifyRecovery: boolean('notify_recovery').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('alert_rules_org_idx').on(table.orgId)],
);

/**
 * One alert per rule and subject (a device, an agent, or the organization) while its condition holds. The names are
 * copied when the alert opens, so messages and history still read right after a rename or removal.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    ruleId: uuid('rule_id')
      .notNull()
      .references(() => alertRules.id, { onDelete: 'cascade' }),
    /** `device:<id>`, `agent:<id>` or `organization`: at most one unresolved alert per rule and subject. */
    subjectKey: text('subject_key').notNull(),
    subjectKind: text('subject_kind', { enum: ['device', 'agent', 'organization'] }).notNull(),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'set null' }),
    agentId: uuid('agent_id').references(() => agents.id, { onDelete: 'set null' }),
    locationId: uuid('location_id').references(() => locations.id, { onDelete: 'set null' }),
    subjectName: text('subject_name').notNull(),
    model: text('model'),
    locationName: text('location_name'),
    /** What is wrong: a device status code, or `agent_disconnected`, `monitoring_issue`, `plan_overflow`. */
    problem: text('problem').notNull(),
    state: text('state', { enum: ['open', 'acknowledged', 'resolved'] })
      .notNull()
      .default('open'),
    /** When the condition began (the device's status_since, the agent's disconnect). */
    since: timestamp('since', { withTimezone: true }).notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    /** Null until a message about it was queued (quiet hours and maintenance windows hold it back). */
    notifiedAt: timestamp('notified_at', { withTimezone: true }),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedByLabel: text('acknowledged_by_label'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    recoveryNotifiedAt: timestamp('recovery_notified_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('alerts_rule_subject_unresolved_key')
      .on(table.ruleId, table.subjectKey)
      .where(sql`${table.state} <> 'resolved'`),
    index('alerts_org_state_idx').on(table.orgId, table.state, table.openedAt),
  ],
);

/**
 * The durable delivery queue: one row per message to one recipient on one channel. Hub nodes claim due rows with
 * `FOR UPDATE SKIP LOCKED` and a lease (`claimed_until`), so no two nodes send the same row and a stopped node's
 * claims return to the queue when the lease runs out.
 */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    channel: text('channel', { enum: ['email', 'sms', 'teams', 'slack'] }).notNull(),
    /** An email address, an E.164 number or a webhook URL. */
    target: text('target').notNull(),
    recipientLabel: text('recipient_label').notNull(),
    language: text('language').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    /** Every alert the message tells about. */
    alertIds: uuid('alert_ids').array().notNull(),
    /** The open alerts the message's acknowledge link acknowledges (empty for a recovery-only message). */
    ackAlertIds: uuid('ack_alert_ids').array().notNull(),
    status: text('status', { enum: ['queued', 'sending', 'sent', 'failed'] })
      .notNull()
      .default('queued'),
    attempts: integer('attempts').notNull().default(0),
    /** `[{ at, outcome, error? }]`, one entry per attempt. */
    attemptLog: jsonb('attempt_log').notNull().default([]),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** The acknowledge link works once. */
    ackUsedAt: timestamp('ack_used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    index('alert_deliveries_due_idx').on(table.status, table.nextAttemptAt),
    index('alert_deliveries_org_created_idx').on(table.orgId, table.createdAt),
  ],
);

/**
 * Maintenance windows hold back alert messages for the whole organization, a location (and everything in it) or one
 * device. `schedule` is `{ kind: 'once', startsAt, endsAt }` or `{ kind: 'weekly', weekdays, startTime,
 * durationMinutes, timeZone }`.
 */
export const maintenanceWindows = pgTable(
  'maintenance_windows',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    locationId: uuid('location_id').references(() => locations.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'cascade' }),
    schedule: jsonb('schedule').notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('maintenance_windows_org_idx').on(table.orgId)],
);

/**
 * One row per tick of a periodic background task. The node whose insert of (task, tick_at) wins runs that tick, so
 * every tick runs on exactly one hub node however many share the database (see src/scheduler). System table: no
 * org_id, never read by the app role.
 */
export const scheduledRuns = pgTable(
  'scheduled_runs',
  {
    task: text('task').notNull(),
    tickAt: timestamp('tick_at', { withTimezone: true }).notNull(),
    node: text('node').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** The task's error message when it failed. */
    error: text('error'),
  },
  (table) => [
    primaryKey({ columns: [table.task, table.tickAt] }),
    index('scheduled_runs_tick_at_idx').on(table.tickAt),
  ],
);

/** A support organization's service plans for its clients; amounts in the currency's minor unit. */
export const servicePlans = pgTable(
  'service_plans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The support organization that sells the plan. */
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    maxProAudioDevices: integer('max_pro_audio_devices').notNull(),
    pricePerDeviceYearMinor: bigint('price_per_device_year_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    billingPeriod: text('billing_period', { enum: ['monthly', 'quarterly', 'yearly'] }).notNull(),
    paymentTermsDays: integer('payment_terms_days').notNull(),
    graceDays: integer('grace_days').notNull(),
    /** Days relative to the due date on which a reminder goes out (negative: before it). */
    reminderOffsets: jsonb('reminder_offsets').$type<number[]>().notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('service_plans_org_name_key').on(table.orgId, sql`lower(${table.name})`)],
);

/** A client organization on a service plan, billed from `billingStart` (periods are counted from it). */
export const organizationPlans = pgTable(
  'organization_plans',
  {
    orgId: uuid('org_id')
      .primaryKey()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    supportOrgId: uuid('support_org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    planId: uuid('plan_id')
      .notNull()
      .references(() => servicePlans.id),
    billingStart: date('billing_start', { mode: 'string' }).notNull(),
    /** Set while the organization is Expired for an invoice unpaid past its grace period. */
    billingExpiredAt: timestamp('billing_expired_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('organization_plans_plan_idx').on(table.planId)],
);

/**
 * One row per client organization and day, kept for the life of the organization. Sampled several times a day:
 * the maximum and the sum/count give the day's maximum and average of Pro Audio devices managed.
 */
export const usageSnapshots = pgTable(
  'usage_snapshots',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    supportOrgId: uuid('support_org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    proAudioManagedMax: integer('pro_audio_managed_max').notNull(),
    proAudioManagedSum: bigint('pro_audio_managed_sum', { mode: 'number' }).notNull(),
    samples: integer('samples').notNull(),
    servers: integer('servers').notNull(),
    /** More Pro Audio devices than the plan allows at some sample of the day. */
    overflow: boolean('overflow').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('usage_snapshots_org_day_key').on(table.orgId, table.day),
    index('usage_snapshots_support_day_idx').on(table.supportOrgId, table.day),
  ],
);

/** Invoices of a client organization, numbered per support organization; one per billing period. */
export const invoices = pgTable(
  'invoices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    supportOrgId: uuid('support_org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    sequence: integer('sequence').notNull(),
    number: text('number').notNull(),
    status: text('status', { enum: ['draft', 'issued', 'paid', 'overdue', 'void'] }).notNull(),
    planName: text('plan_name').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    issuedOn: date('issued_on', { mode: 'string' }),
    dueOn: date('due_on', { mode: 'string' }),
    currency: text('currency').notNull(),
    totalMinor: bigint('total_minor', { mode: 'number' }).notNull(),
    paidMinor: bigint('paid_minor', { mode: 'number' }).notNull().default(0),
    /** Copied from the plan when issued, so later plan edits do not change an issued invoice's terms. */
    graceDays: integer('grace_days').notNull(),
    reminderOffsets: jsonb('reminder_offsets').$type<number[]>().notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('invoices_support_number_key').on(table.supportOrgId, table.number),
    uniqueIndex('invoices_support_sequence_key').on(table.supportOrgId, table.sequence),
    uniqueIndex('invoices_org_period_key').on(table.orgId, table.periodStart),
    index('invoices_org_status_idx').on(table.orgId, table.status),
  ],
);

export const invoiceLines = pgTable(
  'invoice_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    supportOrgId: uuid('support_org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    kind: text('kind', { enum: ['pro_audio_device_days'] }).notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceMinor: bigint('unit_price_minor', { mode: 'number' }).notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
  },
  (table) => [uniqueIndex('invoice_lines_invoice_position_key').on(table.invoiceId, table.position)],
);

export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    supportOrgId: uuid('support_org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    paidOn: date('paid_on', { mode: 'string' }).notNull(),
    reference: text('reference'),
    recordedByLabel: text('recorded_by_label').notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('payments_invoice_idx').on(table.invoiceId)],
);

/** Payment reminders sent: one per invoice, offset and recipient, so none goes out twice. */
export const billingReminders = pgTable(
  'billing_reminders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    supportOrgId: uuid('support_org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    offsetDays: integer('offset_days').notNull(),
    recipient: text('recipient').notNull(),
    language: text('language').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  },
  (table) => [uniqueIndex('billing_reminders_once_key').on(table.invoiceId, table.offsetDays, table.recipient)],
);

/** An organization's firmware catalog: packages verified on upload (checksum, manifest, model family). */
export const firmwarePackages = pgTable(
  'firmware_packages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    modelFamily: text('model_family').notNull(),
    version: text('version').notNull(),
    releaseNotes: text('release_notes').notNull().default(''),
    fileName: text('file_name').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    uploadedBy: text('uploaded_by').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('firmware_packages_org_family_version_key').on(table.orgId, table.modelFamily, table.version),
  ],
);

/** The organization's configuration library: project files (a ZIP holding one XML), each for one model. */
export const configurationFiles = pgTable(
  'configuration_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    fileName: text('file_name').notNull(),
    /** The model the project names, read from the file on upload. */
    model: text('model').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    uploadedBy: text('uploaded_by').notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('configuration_files_org_model_idx').on(table.orgId, table.model)],
);

/** One operation on many devices (DESIGN.md §6); each device is a row of job_targets. */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    operation: jsonb('operation').notNull(),
    firmwarePackageId: uuid('firmware_package_id').references(() => firmwarePackages.id),
    state: text('state', { enum: ['running', 'completed', 'cancelled', 'halted'] })
      .notNull()
      .default('running'),
    concurrency: integer('concurrency').notNull(),
    waveSize: integer('wave_size'),
    wavePauseSeconds: integer('wave_pause_seconds').notNull().default(0),
    failureThresholdPercent: integer('failure_threshold_percent').notNull().default(100),
    /** Highest wave released so far. */
    currentWave: integer('current_wave').notNull().default(1),
    /** When the next wave may start, once the current one has finished. */
    nextWaveAt: timestamp('next_wave_at', { withTimezone: true }),
    cancelRequestedAt: timestamp('cancel_requested_at', { withTimezone: true }),
    createdByUserId: uuid('created_by_user_id'),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [index('jobs_org_created_idx').on(table.orgId, table.createdAt), index('jobs_state_idx').on(table.state)],
);

/** A device of a job: its own state, progress and outcome; `attempt` grows with each retry. */
export const jobTargets = pgTable(
  'job_targets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'set null' }),
    agentId: uuid('agent_id').references(() => agents.id, { onDelete: 'set null' }),
    serial: text('serial').notNull(),
    deviceName: text('device_name').notNull(),
    model: text('model').notNull(),
    wave: integer('wave').notNull().default(1),
    attempt: integer('attempt').notNull().default(1),
    state: text('state', { enum: ['queued', 'running', 'succeeded', 'failed', 'cancelled'] })
      .notNull()
      .default('queued'),
    progress: integer('progress').notNull().default(0),
    failureCode: text('failure_code'),
    reason: text('reason'),
    /** What this target needs beyond the job's operation, e.g. the backup a restore loads. */
    input: jsonb('input'),
    result: jsonb('result'),
    /** When the target was last handed to its agent; null while it waits for its wave or a free slot. */
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('job_targets_job_serial_key').on(table.jobId, table.serial),
    index('job_targets_job_state_idx').on(table.jobId, table.state),
    index('job_targets_agent_state_idx').on(table.agentId, table.state),
  ],
);

/** Running configurations downloaded from devices, versioned per device and checked against their SHA-256 on read. */
export const deviceBackups = pgTable(
  'device_backups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'set null' }),
    serial: text('serial').notNull(),
    model: text('model').notNull(),
    /** 1, 2, 3… per device. */
    version: integer('version').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    jobId: uuid('job_id').references(() => jobs.id, { onDelete: 'set null' }),
    /** The job target and attempt that stored it: an upload repeated after a lost answer stores nothing new. */
    targetId: uuid('target_id'),
    attempt: integer('attempt'),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('device_backups_org_serial_version_key').on(table.orgId, table.serial, table.version),
    uniqueIndex('device_backups_target_attempt_key').on(table.targetId, table.attempt),
  ],
);

/** Logs read from devices by collect_logs jobs: the text as the unit gave it, with its checksum checked on read. */
export const deviceLogs = pgTable(
  'device_logs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'set null' }),
    serial: text('serial').notNull(),
    deviceName: text('device_name').notNull(),
    model: text('model').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    jobId: uuid('job_id').references(() => jobs.id, { onDelete: 'set null' }),
    /** The job target and attempt that stored it: an upload repeated after a lost answer stores nothing new. */
    targetId: uuid('target_id'),
    attempt: integer('attempt'),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('device_logs_target_attempt_key').on(table.targetId, table.attempt),
    index('device_logs_org_device_idx').on(table.orgId, table.deviceId, table.createdAt),
    index('device_logs_job_idx').on(table.jobId),
  ],
);

/**
 * An organization's outgoing webhook: event types POSTed to a URL, signed with HMAC-SHA256 under a per-subscription
 * secret (kept sealed with the hub's secret box). Disabled automatically after too many failed attempts in a row.
 */
export const webhookSubscriptions = pgTable(
  'webhook_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    eventTypes: text('event_types').array().notNull(),
    sealedSecret: text('sealed_secret').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Failed delivery attempts since the last success; reaching the hub's limit disables the subscription. */
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    /** Why it is off: `manual`, or `failures` when the hub turned it off. Null while enabled. */
    disabledReason: text('disabled_reason', { enum: ['manual', 'failures'] }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('webhook_subscriptions_org_idx').on(table.orgId)],
);

/** One event for one subscription: the durable queue entry, retried with backoff until it succeeds or gives up. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
    /** The event's id: the same in every delivery of one event, so receivers can de-duplicate. */
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    /** The JSON body as sent (id, type, organization, time, data). */
    body: jsonb('body').notNull(),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    /** A node that took the delivery holds it until then; another node may take it over afterwards. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [
    index('webhook_deliveries_due_idx')
      .on(table.nextAttemptAt)
      .where(sql`${table.status} = 'pending'`),
    index('webhook_deliveries_subscription_idx').on(table.orgId, table.subscriptionId, table.createdAt),
  ],
);

/** Every attempt of a delivery: when, the HTTP status or the error, and how long it took. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attemptedAt: timestamp('attempted_at', { withTimezone: true }).notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (table) => [index('webhook_attempts_delivery_idx').on(table.deliveryId, table.attemptedAt)],
);

/**
 * The VoIP lines of CONVERGE Pro 2 units as their agents last reported them: the account (never the password), the
 * registration state with the registrar's reason, and since when the line is in that state.
 */
export const voipLines = pgTable(
  'voip_lines',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    line: integer('line').notNull(),
    /** registered, failed, restart_pending, unregistered or disabled. */
    state: text('state').notNull(),
    reason: text('reason'),
    server: text('server').notNull(),
    port: integer('port').notNull(),
    transport: text('transport').notNull(),
    user: text('user').notNull(),
    extension: text('extension').notNull(),
    displayName: text('display_name').notNull(),
    since: timestamp('since', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.deviceId, table.line] }), index('voip_lines_org_idx').on(table.orgId)],
);

/**
 * Failed sign-in attempts per account or client address, shared by every hub node so that spreading guesses over
 * nodes gains nothing. Not tenant data: keys are what people typed and where they came from.
 */
export const signInThrottle = pgTable('sign_in_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  lockouts: integer('lockouts').notNull().default(0),
});

import {
  API_PREFIX,
  acknowledgeLinkResultSchema,
  alertDeliveryListSchema,
  alertDtoSchema,
  alertListSchema,
  alertRuleDtoSchema,
  alertRuleListSchema,
  maintenanceWindowDtoSchema,
  maintenanceWindowListSchema,
  type AlertDeliveryListQuery,
  type AlertListQuery,
  type AlertRuleRequest,
  type MaintenanceWindowRequest,
  webhookDeliveryListSchema,
  webhookSecretResponseSchema,
  webhookSubscriptionDtoSchema,
  webhookSubscriptionListSchema,
  type CreateWebhookRequest,
  type UpdateWebhookRequest,
  invoiceDetailSchema,
  invoiceListSchema,
  servicePlanDtoSchema,
  servicePlanListSchema,
  usageReportSchema,
  type AssignServicePlanRequest,
  type CreateServicePlanRequest,
  type InvoiceListQuery,
  type Language,
  type RecordPaymentRequest,
  type UpdateServicePlanRequest,
  type UsageQuery,
  backupListSchema,
  backupDiffSchema,
  backupVerificationSchema,
  configurationDtoSchema,
  configurationListSchema,
  firmwareCatalogImportSchema,
  type BackupDiffQuery,
  type ImportFirmwareCatalogRequest,
  type RenameConfigurationRequest,
  type UploadConfigurationRequest,
  firmwareListSchema,
  firmwarePackageDtoSchema,
  type BackupListQuery,
  jobDetailSchema,
  deviceLogListSchema,
  deviceFtpStateSchema,
  type DeviceLogListQuery,
  jobListSchema,
  type CreateJobRequest,
  type JobListQuery,
  type UploadFirmwareRequest,
  callDtoSchema,
  callListSchema,
  callSettingsSchema,
  chatPeopleSchema,
  conversationDtoSchema,
  conversationListSchema,
  messageDtoSchema,
  messageHistorySchema,
  spaceAccountDtoSchema,
  spaceAccountListSchema,
  spaceDirectorySchema,
  spaceLinkStartSchema,
  type CallMedia,
  type CreateConversationRequest,
  type MessageHistoryQuery,
  type PostMessageRequest,
  ldapSettingsDtoSchema,
  licenseStateSchema,
  type SignedLicense,
  ldapTestResultSchema,
  oidcSettingsDtoSchema,
  signInProvidersSchema,
  ssoStatusSchema,
  type LdapSettingsRequest,
  type LdapTestRequest,
  type OidcSettingsRequest,
  agentPackageListSchema,
  apiTokenListSchema,
  auditListSchema,
  createdApiTokenSchema,
  invitationInfoSchema,
  inviteUsersResultSchema,
  organizationDtoSchema,
  organizationListSchema,
  orgUserDtoSchema,
  personalSettingsSchema,
  roleListSchema,
  serverDtoSchema,
  serverListSchema,
  sessionListSchema,
  userListSchema,
  type AcceptInvitationRequest,
  type AuditListQuery,
  type ChangePasswordRequest,
  type CreateApiTokenRequest,
  type CreateOrganizationRequest,
  type CreateServerRequest,
  type InviteUsersRequest,
  type OrganizationListQuery,
  type ServerListQuery,
  type ServerPasswordRequest,
  type UpdateOrganizationRequest,
  type UpdatePersonalSettings,
  type UpdateUserRequest,
  type UserListQuery,
  assignLocationResultSchema,
  deleteLocationResultSchema,
  locationDtoSchema,
  locationListSchema,
  type AssignLocationRequest,
  type CreateLocationRequest,
  type DeviceExportQuery,
  type UpdateLocationRequest,
  dashboardSchema,
  deviceDetailSchema,
  deviceHistorySchema,
  deviceListSchema,
  devicePageSchema,
  errorBodySchema,
  sessionInfoSchema,
  type Dashboard,
  type DeviceDetail,
  type DeviceHistory,
  type DeviceHistoryQuery,
  type DeviceList,
  type DevicePage,
  type DeviceListQuery,
  type ErrorCode,
  type SessionInfo,
  type SignInRequest,
  voipCsvPreviewSchema,
  voipLinesSchema,
  type ProvisionVoipRequest,
} from '@tutti/protocol';
import type { z } from 'zod';

/** A non-2xx answer from the hub, with the stable code the UI translates. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'NETWORK';
  readonly details: unknown;

  constructor(status: number, code: ErrorCode | 'NETWORK', message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface CreateApiClientOptions {
  /** Hub origin, e.g. `http://127.0.0.1:8080`; empty for same-origin use in the browser. */
  baseUrl?: string;
  /** Keep the session cookie in memory (Node callers); browsers keep it themselves. */
  keepCookies?: boolean;
  fetch?: typeof fetch;
}

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(options: CreateApiClientOptions = {}) {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let cookie: string | null = null;

  async function request<T>(method: string, path: string, schema: z.ZodType<T> | null, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (cookie) headers.cookie = cookie;
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${API_PREFIX}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'include',
      });
    } catch (error) {
      throw new ApiError(0, 'NETWORK', error instanceof Error ? error.message : 'Network error');
    }
    if (options.keepCookies) {
      const setCookie = response.headers.get('set-cookie');
      if (setCookie) cookie = setCookie.split(';')[0] ?? null;
    }
    const text = await response.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const parsed = errorBodySchema.safeParse(json);
      if (parsed.success) {
        const { code, message, details } = parsed.data.error;
        throw new ApiError(response.status, code, message, details);
      }
      throw new ApiError(response.status, 'INTERNAL', `Unexpected answer ${response.status}`);
    }
    return schema ? schema.parse(json) : (undefined as T);
  }

  /** A file download for Node callers: the bytes, or the hub's error as an ApiError. */
  async function fetchBytes(path: string): Promise<Uint8Array> {
    const response = await doFetch(`${baseUrl}${path}`, { headers: cookie ? { cookie } : {}, credentials: 'include' });
    if (!response.ok) {
      const parsed = errorBodySchema.safeParse(await response.json().catch(() => null));
      if (parsed.success) throw new ApiError(response.status, parsed.data.error.code, parsed.data.error.message);
      throw new ApiError(response.status, 'INTERNAL', `Unexpected answer ${response.status}`);
    }
    return new Uint8Array(await response.arrayBuffer());
  }

  function queryString(query: Record<string, unknown>): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null || value === '') continue;
      for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
    }
    const text = params.toString();
    return text ? `?${text}` : '';
  }

  return {
    /** The session cookie this client holds (Node callers), e.g. to open `/live`. */
    sessionCookie: () => cookie,
    signIn: (body: SignInRequest): Promise<SessionInfo> => request('POST', '/auth/sign-in', sessionInfoSchema, body),
    signOut: (): Promise<void> => request('POST', '/auth/sign-out', null, {}),
    me: (): Promise<SessionInfo> => request('GET', '/auth/me', sessionInfoSchema),
    listDevices: (query: Omit<DeviceListQuery, 'counts'> = {}): Promise<DeviceList> =>
      request('GET', `/devices${queryString(query)}`, deviceListSchema),
    /** A page without the total and the counts, for a client that has them for these filters. */
    listDevicePage: (query: Omit<DeviceListQuery, 'counts'> = {}): Promise<DevicePage> =>
      request('GET', `/devices${queryString({ ...query, counts: 'false' })}`, devicePageSchema),
    getDevice: (id: string): Promise<DeviceDetail> =>
      request('GET', `/devices/${encodeURIComponent(id)}`, deviceDetailSchema),
    deviceHistory: (id: string, query: DeviceHistoryQuery = {}): Promise<DeviceHistory> =>
      request('GET', `/devices/${encodeURIComponent(id)}/history${queryString(query)}`, deviceHistorySchema),
    dashboard: (): Promise<Dashboard> => request('GET', '/dashboard', dashboardSchema),
    /** Where the browser downloads the CSV of a device list view (same filters and sort). */
    deviceExportUrl: (query: DeviceExportQuery = {}) =>
      `${baseUrl}${API_PREFIX}/devices/export.csv${queryString(query)}`,

    // Locations
    listLocations: () => request('GET', '/locations', locationListSchema),
    createLocation: (body: CreateLocationRequest) => request('POST', '/locations', locationDtoSchema, body),
    updateLocation: (id: string, body: UpdateLocationRequest) =>
      request('PATCH', `/locations/${encodeURIComponent(id)}`, locationDtoSchema, body),
    deleteLocation: (id: string) =>
      request('DELETE', `/locations/${encodeURIComponent(id)}`, deleteLocationResultSchema),
    assignLocation: (body: AssignLocationRequest) =>
      request('POST', '/locations/assign', assignLocationResultSchema, body),

    // Sign-in extras and personal settings
    switchOrganization: (organizationId: string) =>
      request('POST', '/auth/switch-organization', sessionInfoSchema, { organizationId }),
    listSessions: () => request('GET', '/auth/sessions', sessionListSchema),
    revokeSession: (id: string) => request('DELETE', `/auth/sessions/${encodeURIComponent(id)}`, null),
    signOutEverywhere: () => request('POST', '/auth/sign-out-everywhere', null, {}),
    forgotPassword: (email: string) => request('POST', '/auth/forgot-password', null, { email }),
    resetPassword: (token: string, password: string) =>
      request('POST', '/auth/reset-password', null, { token, password }),
    roles: () => request('GET', '/auth/roles', roleListSchema),
    invitation: (token: string) =>
      request('GET', `/auth/invitations/${encodeURIComponent(token)}`, invitationInfoSchema),
    acceptInvitation: (body: AcceptInvitationRequest) => request('POST', '/auth/invitations/accept', null, body),
    settings: () => request('GET', '/me/settings', personalSettingsSchema),
    updateSettings: (body: UpdatePersonalSettings) => request('PATCH', '/me/settings', personalSettingsSchema, body),
    changePassword: (body: ChangePasswordRequest) => request('POST', '/me/password', null, body),

    // Organizations
    listOrganizations: (query: OrganizationListQuery = {}) =>
      request('GET', `/organizations${queryString(query)}`, organizationListSchema),
    getOrganization: (id: string) => request('GET', `/organizations/${encodeURIComponent(id)}`, organizationDtoSchema),
    createOrganization: (body: CreateOrganizationRequest) =>
      request('POST', '/organizations', organizationDtoSchema, body),
    updateOrganization: (id: string, body: UpdateOrganizationRequest) =>
      request('PATCH', `/organizations/${encodeURIComponent(id)}`, organizationDtoSchema, body),

    // Users
    listUsers: (query: UserListQuery = {}) => request('GET', `/users${queryString(query)}`, userListSchema),
    getUser: (id: string) => request('GET', `/users/${encodeURIComponent(id)}`, orgUserDtoSchema),
    inviteUsers: (body: InviteUsersRequest) => request('POST', '/users/invitations', inviteUsersResultSchema, body),
    updateUser: (id: string, body: UpdateUserRequest) =>
      request('PATCH', `/users/${encodeURIComponent(id)}`, orgUserDtoSchema, body),
    removeUser: (id: string) => request('DELETE', `/users/${encodeURIComponent(id)}`, null),
    resendInvitation: (id: string) => request('POST', `/users/${encodeURIComponent(id)}/resend-invitation`, null, {}),

    // Servers (agent accounts)
    listServers: (query: ServerListQuery = {}) => request('GET', `/servers${queryString(query)}`, serverListSchema),
    getServer: (id: string) => request('GET', `/servers/${encodeURIComponent(id)}`, serverDtoSchema),
    createServer: (body: CreateServerRequest) => request('POST', '/servers', serverDtoSchema, body),
    setServerPassword: (id: string, body: ServerPasswordRequest) =>
      request('PUT', `/servers/${encodeURIComponent(id)}/password`, null, body),
    setServerEnabled: (id: string, enabled: boolean) =>
      request('PATCH', `/servers/${encodeURIComponent(id)}`, serverDtoSchema, { enabled }),
    listAgentPackages: () => request('GET', '/agent-packages', agentPackageListSchema),

    // API tokens
    listTokens: () => request('GET', '/tokens', apiTokenListSchema),
    createToken: (body: CreateApiTokenRequest) => request('POST', '/tokens', createdApiTokenSchema, body),
    revokeToken: (id: string) => request('DELETE', `/tokens/${encodeURIComponent(id)}`, null),

    // Webhooks: subscriptions of the current organization and their delivery log
    listWebhooks: () => request('GET', '/webhooks', webhookSubscriptionListSchema),
    createWebhook: (body: CreateWebhookRequest) => request('POST', '/webhooks', webhookSecretResponseSchema, body),
    updateWebhook: (id: string, body: UpdateWebhookRequest) =>
      request('PATCH', `/webhooks/${encodeURIComponent(id)}`, webhookSubscriptionDtoSchema, body),
    deleteWebhook: (id: string) => request('DELETE', `/webhooks/${encodeURIComponent(id)}`, null),
    rotateWebhookSecret: (id: string) =>
      request('POST', `/webhooks/${encodeURIComponent(id)}/secret`, webhookSecretResponseSchema),
    sendTestWebhook: (id: string) =>
      request('POST', `/webhooks/${encodeURIComponent(id)}/test`, webhookSubscriptionDtoSchema),
    listWebhookDeliveries: (id: string, query: { status?: 'pending' | 'succeeded' | 'failed'; limit?: number } = {}) =>
      request('GET', `/webhooks/${encodeURIComponent(id)}/deliveries${queryString(query)}`, webhookDeliveryListSchema),

    // Sign-in providers (Settings > Sign-in): LDAP and OIDC single sign-on of the current organization
    signInProviders: () => request('GET', '/sign-in-providers', signInProvidersSchema),
    setLdapSettings: (body: LdapSettingsRequest) =>
      request('PUT', '/sign-in-providers/ldap', ldapSettingsDtoSchema, body),
    testLdapSettings: (body: LdapTestRequest = {}) =>
      request('POST', '/sign-in-providers/ldap/test', ldapTestResultSchema, body),
    setOidcSettings: (body: OidcSettingsRequest) =>
      request('PUT', '/sign-in-providers/oidc', oidcSettingsDtoSchema, body),
    removeSignInProvider: (kind: 'ldap' | 'oidc') => request('DELETE', `/sign-in-providers/${kind}`, null),
    ssoStatus: (organization: string) =>
      request('GET', `/auth/sso/${encodeURIComponent(organization)}/status`, ssoStatusSchema),
    /** Where a browser starts single sign-on for an organization (by account number); a full-page navigation. */
    ssoStartUrl: (organization: string, redirect?: string) =>
      `${baseUrl}${API_PREFIX}/auth/sso/${encodeURIComponent(organization)}/start${queryString({ redirect })}`,

    // Enterprise license (Settings > License)
    license: () => request('GET', '/settings/license', licenseStateSchema),
    installLicense: (file: SignedLicense) => request('PUT', '/settings/license', licenseStateSchema, file),

    // Chat
    chatPeople: (organizationId?: string) =>
      request('GET', `/chat/people${queryString({ organizationId })}`, chatPeopleSchema),
    listConversations: () => request('GET', '/chat/conversations', conversationListSchema),
    openConversation: (body: CreateConversationRequest) =>
      request('POST', '/chat/conversations', conversationDtoSchema, body),
    getConversation: (id: string) =>
      request('GET', `/chat/conversations/${encodeURIComponent(id)}`, conversationDtoSchema),
    messageHistory: (id: string, query: MessageHistoryQuery = {}) =>
      request(
        'GET',
        `/chat/conversations/${encodeURIComponent(id)}/messages${queryString(query)}`,
        messageHistorySchema,
      ),
    postMessage: (id: string, body: PostMessageRequest) =>
      request('POST', `/chat/conversations/${encodeURIComponent(id)}/messages`, messageDtoSchema, body),
    markRead: (id: string, messageId: number) =>
      request('POST', `/chat/conversations/${encodeURIComponent(id)}/read`, null, { messageId }),
    /** Where an attachment downloads from (a link, not a fetch). */
    attachmentUrl: (conversationId: string, attachmentId: string) =>
      `${baseUrl}${API_PREFIX}/chat/conversations/${encodeURIComponent(conversationId)}/attachments/${encodeURIComponent(attachmentId)}`,

    // Calls
    callSettings: () => request('GET', '/calls/settings', callSettingsSchema),
    listCalls: () => request('GET', '/calls', callListSchema),
    startCall: (calleeUserId: string, media: CallMedia) =>
      request('POST', '/calls', callDtoSchema, { calleeUserId, media }),
    acceptCall: (id: string) => request('POST', `/calls/${encodeURIComponent(id)}/accept`, callDtoSchema),
    declineCall: (id: string) => request('POST', `/calls/${encodeURIComponent(id)}/decline`, callDtoSchema),
    hangUpCall: (id: string) => request('POST', `/calls/${encodeURIComponent(id)}/hang-up`, callDtoSchema),

    // COLLABORATE Space accounts
    listSpaceAccounts: () => request('GET', '/space/accounts', spaceAccountListSchema),
    startSpaceLink: () => request('POST', '/space/link', spaceLinkStartSchema, {}),
    checkSpaceAccount: (id: string) =>
      request('POST', `/space/accounts/${encodeURIComponent(id)}/check`, spaceAccountDtoSchema, {}),
    spaceDirectory: (id: string) =>
      request('GET', `/space/accounts/${encodeURIComponent(id)}/directory`, spaceDirectorySchema),
    unlinkSpaceAccount: (id: string) => request('DELETE', `/space/accounts/${encodeURIComponent(id)}`, null),

    // Jobs and firmware
    listJobs: (query: JobListQuery = {}) => request('GET', `/jobs${queryString(query)}`, jobListSchema),
    getJob: (id: string) => request('GET', `/jobs/${encodeURIComponent(id)}`, jobDetailSchema),
    createJob: (body: CreateJobRequest) => request('POST', '/jobs', jobDetailSchema, body),
    cancelJob: (id: string) => request('POST', `/jobs/${encodeURIComponent(id)}/cancel`, jobDetailSchema, {}),
    retryJob: (id: string) => request('POST', `/jobs/${encodeURIComponent(id)}/retry`, jobDetailSchema, {}),
    /** What Tutti's newest succeeded FTP job set a device's FTP to. */
    deviceFtpState: (deviceId: string) =>
      request('GET', `/devices/${encodeURIComponent(deviceId)}/ftp`, deviceFtpStateSchema),
    /** Logs collected from devices by collect_logs jobs, of one device or one job, newest first. */
    listDeviceLogs: (query: DeviceLogListQuery = {}) =>
      request('GET', `/device-logs${queryString(query)}`, deviceLogListSchema),
    /** Where a browser downloads one device log as text (a plain link). */
    deviceLogDownloadUrl: (id: string) => `${baseUrl}${API_PREFIX}/device-logs/${encodeURIComponent(id)}/download`,
    /** Where a browser downloads the ZIP of a job's device logs, one file per device (a plain link). */
    jobLogsZipUrl: (jobId: string) => `${baseUrl}${API_PREFIX}/jobs/${encodeURIComponent(jobId)}/logs.zip`,
    /** The bytes of one device log, or of a job's ZIP (Node callers). */
    downloadDeviceLog: (id: string): Promise<Uint8Array> =>
      fetchBytes(`${API_PREFIX}/device-logs/${encodeURIComponent(id)}/download`),
    downloadJobLogs: (jobId: string): Promise<Uint8Array> =>
      fetchBytes(`${API_PREFIX}/jobs/${encodeURIComponent(jobId)}/logs.zip`),
    listFirmware: () => request('GET', '/firmware', firmwareListSchema),
    uploadFirmware: (body: UploadFirmwareRequest) => request('POST', '/firmware', firmwarePackageDtoSchema, body),
    /** Imports a catalog file; the answer lists the packages added and those refused with their reasons. */
    importFirmwareCatalog: (body: ImportFirmwareCatalogRequest) =>
      request('POST', '/firmware/import', firmwareCatalogImportSchema, body),
    listConfigurations: () => request('GET', '/configurations', configurationListSchema),
    uploadConfiguration: (body: UploadConfigurationRequest) =>
      request('POST', '/configurations', configurationDtoSchema, body),
    renameConfiguration: (id: string, body: RenameConfigurationRequest) =>
      request('PATCH', `/configurations/${encodeURIComponent(id)}`, configurationDtoSchema, body),
    /** Refused (CONFIGURATION_IN_USE) while a running or halted job loads the file. */
    deleteConfiguration: (id: string) => request('DELETE', `/configurations/${encodeURIComponent(id)}`, null),
    /** Where a browser downloads a project file of the library (a plain link). */
    configurationDownloadUrl: (id: string) =>
      `${baseUrl}${API_PREFIX}/configurations/${encodeURIComponent(id)}/download`,
    /** The settings that differ between two backups. */
    diffBackups: (query: BackupDiffQuery) => request('GET', `/backups/diff${queryString(query)}`, backupDiffSchema),
    /** Every stored version of a device read back and checked against its SHA-256. */
    verifyBackups: (deviceId: string) =>
      request('GET', `/backups/verification${queryString({ deviceId })}`, backupVerificationSchema),
    listBackups: (query: BackupListQuery = {}) => request('GET', `/backups${queryString(query)}`, backupListSchema),
    /** Where a browser downloads one backup (a plain link). */
    backupDownloadUrl: (id: string) => `${baseUrl}${API_PREFIX}/backups/${encodeURIComponent(id)}/download`,
    /** The bytes of one backup (Node callers); the hub checks its SHA-256 before it answers. */
    downloadBackup: async (id: string): Promise<Uint8Array> => {
      const response = await doFetch(`${baseUrl}${API_PREFIX}/backups/${encodeURIComponent(id)}/download`, {
        headers: cookie ? { cookie } : {},
        credentials: 'include',
      });
      if (!response.ok) {
        const parsed = errorBodySchema.safeParse(await response.json());
        if (parsed.success) throw new ApiError(response.status, parsed.data.error.code, parsed.data.error.message);
        throw new ApiError(response.status, 'INTERNAL', `Unexpected answer ${response.status}`);
      }
      return new Uint8Array(await response.arrayBuffer());
    },

    // Billing (cloud): service plans, usage, invoices and payments
    listServicePlans: () => request('GET', '/billing/plans', servicePlanListSchema),
    createServicePlan: (body: CreateServicePlanRequest) =>
      request('POST', '/billing/plans', servicePlanDtoSchema, body),
    updateServicePlan: (id: string, body: UpdateServicePlanRequest) =>
      request('PATCH', `/billing/plans/${encodeURIComponent(id)}`, servicePlanDtoSchema, body),
    deleteServicePlan: (id: string) => request('DELETE', `/billing/plans/${encodeURIComponent(id)}`, null),
    assignServicePlan: (organizationId: string, body: AssignServicePlanRequest) =>
      request('PUT', `/billing/organizations/${encodeURIComponent(organizationId)}/plan`, servicePlanDtoSchema, body),
    usage: (query: UsageQuery) => request('GET', `/billing/usage${queryString(query)}`, usageReportSchema),
    listInvoices: (query: InvoiceListQuery = {}) =>
      request('GET', `/billing/invoices${queryString(query)}`, invoiceListSchema),
    getInvoice: (id: string) => request('GET', `/billing/invoices/${encodeURIComponent(id)}`, invoiceDetailSchema),
    recordPayment: (id: string, body: RecordPaymentRequest) =>
      request('POST', `/billing/invoices/${encodeURIComponent(id)}/payments`, invoiceDetailSchema, body),
    voidInvoice: (id: string) =>
      request('POST', `/billing/invoices/${encodeURIComponent(id)}/void`, invoiceDetailSchema, {}),
    /** Where a browser downloads an invoice as PDF in a language, or as CSV; plain links. */
    invoicePdfUrl: (id: string, lang: Language) =>
      `${baseUrl}${API_PREFIX}/billing/invoices/${encodeURIComponent(id)}/pdf${queryString({ lang })}`,
    invoiceCsvUrl: (id: string) => `${baseUrl}${API_PREFIX}/billing/invoices/${encodeURIComponent(id)}/csv`,
    /** Where a browser downloads the filtered invoices as CSV (the same filters as the list); a plain link. */
    invoicesExportUrl: (query: Omit<InvoiceListQuery, 'page' | 'limit'> = {}) =>
      `${baseUrl}${API_PREFIX}/billing/invoices/export.csv${queryString(query)}`,

    // Audit
    listAudit: (query: AuditListQuery = {}) => request('GET', `/audit${queryString(query)}`, auditListSchema),
    /** Where a browser downloads the filtered audit log as CSV (the same filters as the list); a plain link. */
    auditExportUrl: (query: Omit<AuditListQuery, 'page' | 'limit'> = {}) =>
      `${baseUrl}${API_PREFIX}/audit/export.csv${queryString(query)}`,

    // Alerts: rules, alerts, their messages, maintenance windows
    listAlerts: (query: AlertListQuery = {}) => request('GET', `/alerts${queryString(query)}`, alertListSchema),
    acknowledgeAlert: (id: string) =>
      request('POST', `/alerts/${encodeURIComponent(id)}/acknowledge`, alertDtoSchema, {}),
    acknowledgeByLink: (token: string) =>
      request('POST', '/alerts/acknowledge-link', acknowledgeLinkResultSchema, { token }),
    listAlertDeliveries: (query: AlertDeliveryListQuery = {}) =>
      request('GET', `/alerts/deliveries${queryString(query)}`, alertDeliveryListSchema),
    listAlertRules: () => request('GET', '/alert-rules', alertRuleListSchema),
    createAlertRule: (body: AlertRuleRequest) => request('POST', '/alert-rules', alertRuleDtoSchema, body),
    updateAlertRule: (id: string, body: AlertRuleRequest) =>
      request('PUT', `/alert-rules/${encodeURIComponent(id)}`, alertRuleDtoSchema, body),
    deleteAlertRule: (id: string) => request('DELETE', `/alert-rules/${encodeURIComponent(id)}`, null),
    listMaintenanceWindows: () => request('GET', '/maintenance-windows', maintenanceWindowListSchema),
    createMaintenanceWindow: (body: MaintenanceWindowRequest) =>
      request('POST', '/maintenance-windows', maintenanceWindowDtoSchema, body),
    deleteMaintenanceWindow: (id: string) => request('DELETE', `/maintenance-windows/${encodeURIComponent(id)}`, null),

    // VoIP lines of CONVERGE Pro 2 units
    voipLines: (deviceId: string) => request('GET', `/devices/${encodeURIComponent(deviceId)}/voip`, voipLinesSchema),
    provisionVoip: (deviceId: string, body: ProvisionVoipRequest) =>
      request('POST', `/devices/${encodeURIComponent(deviceId)}/voip`, jobDetailSchema, body),
    /** The dry run of a provisioning CSV: every row with its errors. */
    previewVoipCsv: (csv: string) => request('POST', '/voip/csv/preview', voipCsvPreviewSchema, { csv }),
    provisionVoipCsv: (csv: string) => request('POST', '/voip/csv/jobs', jobDetailSchema, { csv }),
  };
}

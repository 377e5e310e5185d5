/** Every error the product can answer with, declared once: HTTP status and default English message. */
export const errorCatalog = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid.' },
  MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  UNAUTHENTICATED: { status: 401, message: 'Sign in to continue.' },
  INVALID_CREDENTIALS: { status: 401, message: 'The email address or password is incorrect.' },
  FORBIDDEN: { status: 403, message: 'You do not have permission to do this.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  DEVICE_NOT_FOUND: { status: 404, message: 'The device does not exist.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed here.' },
  CONFLICT: { status: 409, message: 'The request conflicts with the current state.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The content type is not supported.' },
  RATE_LIMITED: { status: 429, message: 'Too many attempts. Try again later.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is not ready.' },
  AGENT_AUTH_FAILED: { status: 401, message: 'The agent name or password is incorrect.' },
  AGENT_PROTOCOL_ERROR: { status: 400, message: 'The agent sent a message that does not follow the protocol.' },
  AGENT_REPLACED: { status: 409, message: 'Another connection of this agent took over.' },
  ADDRESS_NOT_LOOPBACK: { status: 400, message: 'Only loopback addresses (127.0.0.0/8) may be used.' },
  CONFIG_INVALID: { status: 400, message: 'The configuration is not valid.' },
  SESSION_REQUIRED: { status: 403, message: 'Sign in with a browser session to do this; API tokens cannot.' },
  ROLE_NOT_GRANTABLE: { status: 403, message: 'You cannot grant a role with permissions you do not hold.' },
  NOT_A_MEMBER: { status: 403, message: 'You have no account in that organization.' },
  ORGANIZATION_NOT_FOUND: { status: 404, message: 'The organization does not exist.' },
  ORGANIZATION_CANNOT_HAVE_CLIENTS: {
    status: 403,
    message: 'Only the platform and support organizations add organizations.',
  },
  USER_NOT_FOUND: { status: 404, message: 'The user does not exist.' },
  USER_ALREADY_MEMBER: { status: 409, message: 'This person already has an account in the organization.' },
  USER_NOT_INVITED: { status: 409, message: 'The user has already registered.' },
  LAST_OWNER: { status: 409, message: 'An organization keeps at least one active owner.' },
  CANNOT_CHANGE_SELF: { status: 409, message: 'You cannot change your own role or disable or remove yourself.' },
  INVITATION_INVALID: { status: 404, message: 'The invitation link is not valid or has expired.' },
  RESET_LINK_INVALID: { status: 404, message: 'The password reset link is not valid or has expired.' },
  PASSWORD_TOO_WEAK: { status: 400, message: 'The password is too easy to guess.' },
  PASSWORD_REQUIRED: { status: 400, message: 'Choose a password to register.' },
  WRONG_PASSWORD: { status: 400, message: 'The current password is incorrect.' },
  SESSION_NOT_FOUND: { status: 404, message: 'The session does not exist.' },
  SERVER_NOT_FOUND: { status: 404, message: 'The server account does not exist.' },
  SERVER_NAME_TAKEN: { status: 409, message: 'A server account with this name already exists in the organization.' },
  API_TOKEN_NOT_FOUND: { status: 404, message: 'The API token does not exist.' },
  MAIL_FAILED: { status: 502, message: 'The email could not be sent.' },
  SIGN_IN_NOT_ALLOWED: {
    status: 403,
    message: 'Your directory account is not in a group that gives access to this organization.',
  },
  DIRECTORY_UNAVAILABLE: { status: 502, message: 'The directory or identity provider could not be reached.' },
  SSO_NOT_CONFIGURED: { status: 404, message: 'Single sign-on is not set up for this organization.' },
  SSO_FAILED: { status: 401, message: 'Single sign-on did not complete. Try again.' },
  LICENSE_INVALID: {
    status: 400,
    message: 'The license file is not valid: it is damaged, was changed, or was not issued for Tutti.',
  },
  LICENSE_EXPIRED: { status: 400, message: 'The license has expired.' },
  AGENT_PACKAGE_NOT_FOUND: { status: 404, message: 'No Local Agent package of that version is available.' },
  AGENT_PACKAGE_REJECTED: {
    status: 422,
    message: 'The Local Agent package was refused: its checksum or signature does not match. Nothing was installed.',
  },
  LOCATION_NOT_FOUND: { status: 404, message: 'The location does not exist.' },
  LOCATION_NAME_TAKEN: { status: 409, message: 'A location with this name already exists at this place in the tree.' },
  LOCATION_CYCLE: { status: 409, message: 'A location cannot move into itself or one of its own sub-locations.' },
  CONVERSATION_NOT_FOUND: { status: 404, message: 'The conversation does not exist.' },
  ATTACHMENT_NOT_FOUND: { status: 404, message: 'The attachment does not exist.' },
  ATTACHMENT_TOO_LARGE: { status: 413, message: 'The attachment is larger than the limit.' },
  CALL_NOT_FOUND: { status: 404, message: 'The call does not exist.' },
  CALL_NOT_ACTIVE: { status: 409, message: 'The call has already ended.' },
  SPACE_NOT_CONFIGURED: { status: 404, message: 'No COLLABORATE Space service is set up on this hub.' },
  SPACE_ACCOUNT_NOT_FOUND: { status: 404, message: 'The COLLABORATE Space account is not linked.' },
  SPACE_LINK_INVALID: { status: 400, message: 'The COLLABORATE Space sign-in expired or was not started here.' },
  SPACE_CONSENT_DENIED: { status: 403, message: 'Access to the COLLABORATE Space account was refused.' },
  SPACE_RELINK_REQUIRED: { status: 409, message: 'The COLLABORATE Space account must be linked again.' },
  SPACE_UNAVAILABLE: { status: 502, message: 'The COLLABORATE Space service could not be reached.' },
  SERVICE_PLAN_NOT_FOUND: { status: 404, message: 'The service plan does not exist.' },
  SERVICE_PLAN_NAME_TAKEN: { status: 409, message: 'A service plan with this name already exists.' },
  SERVICE_PLAN_IN_USE: { status: 409, message: 'Client organizations are on this plan; move them first.' },
  BILLING_SUPPORT_ONLY: { status: 403, message: 'Only a support organization sells service plans to its clients.' },
  INVOICE_NOT_FOUND: { status: 404, message: 'The invoice does not exist.' },
  INVOICE_NOT_PAYABLE: { status: 409, message: 'Only issued or overdue invoices take payments.' },
  INVOICE_CLOSED: { status: 409, message: 'The invoice is paid or void and cannot change.' },
  ALERT_RULE_NOT_FOUND: { status: 404, message: 'The alert rule does not exist.' },
  ALERT_NOT_FOUND: { status: 404, message: 'The alert does not exist.' },
  ALERT_RESOLVED: { status: 409, message: 'The alert is already resolved.' },
  ALERT_RECIPIENT_UNKNOWN: { status: 400, message: 'A recipient is not a member of the organization.' },
  WEBHOOK_URL_NOT_ALLOWED: { status: 400, message: 'This hub does not send to webhooks at that address.' },
  WEBHOOK_DISABLED: { status: 409, message: 'The subscription is turned off; turn it on to send a test.' },
  ACK_LINK_INVALID: { status: 404, message: 'The acknowledge link is not valid or was already used.' },
  MAINTENANCE_WINDOW_NOT_FOUND: { status: 404, message: 'The maintenance window does not exist.' },
  JOB_NOT_FOUND: { status: 404, message: 'The job does not exist.' },
  JOB_TOKEN_INVALID: { status: 401, message: 'The job token is not valid or has expired.' },
  FIRMWARE_NOT_FOUND: { status: 404, message: 'The firmware package does not exist.' },
  FIRMWARE_CHECKSUM_MISMATCH: { status: 400, message: 'The file does not match the SHA-256 checksum given.' },
  FIRMWARE_PACKAGE_INVALID: {
    status: 400,
    message: 'The file is not a firmware package, or it is damaged or incomplete.',
  },
  FIRMWARE_WRONG_MODEL: { status: 400, message: 'The firmware package is for another model family.' },
  FIRMWARE_VERSION_EXISTS: { status: 409, message: 'This firmware version is already in the catalog.' },
  BACKUP_NOT_FOUND: { status: 404, message: 'The backup does not exist.' },
  BACKUP_WRONG_MODEL: { status: 400, message: 'A backup can only be restored to a device of the same model.' },
  BACKUP_CORRUPT: { status: 409, message: 'The stored backup no longer matches its checksum and is not used.' },
  DEVICE_LOG_NOT_FOUND: { status: 404, message: 'No collected device log is there.' },
  DEVICE_LOG_CORRUPT: { status: 409, message: 'The stored device log no longer matches its checksum.' },
  CONFIGURATION_NOT_FOUND: { status: 404, message: 'The configuration file does not exist in the library.' },
  CONFIGURATION_IN_USE: {
    status: 409,
    message: 'A running or halted job loads this configuration file; it can be deleted once that job has ended.',
  },
  CONFIGURATION_CHECKSUM_MISMATCH: {
    status: 400,
    message: 'The configuration file does not match the SHA-256 checksum given; it may be truncated.',
  },
  CONFIGURATION_FILE_INVALID: {
    status: 400,
    message: 'The file is not a readable project file (a ZIP holding one project XML file).',
  },
  CONFIGURATION_WRONG_MODEL: { status: 400, message: 'The configuration file is for another model.' },
  FIRMWARE_CATALOG_INVALID: {
    status: 400,
    message: 'The file is not a firmware catalog (a ZIP with a catalog.json listing its packages).',
  },
  VOIP_LINE_NOT_ON_DEVICE: { status: 400, message: 'The device has no VoIP line with that number.' },
  VOIP_CSV_INVALID: { status: 400, message: 'Some rows of the CSV file have errors; correct them and preview again.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalog;
export const errorCodes = Object.keys(errorCatalog) as ErrorCode[];

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? errorCatalog[code].message);
    this.name = 'AppError';
    this.code = code;
    this.status = errorCatalog[code].status;
    this.details = details;
  }
}

/** The one way to raise a product error: `throw appError('DEVICE_NOT_FOUND', { id })`. */
export function appError(code: ErrorCode, details?: unknown, message?: string): AppError {
  return new AppError(code, message, details);
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

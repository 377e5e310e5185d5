/**
 * [INV] SIP account settings of a CONVERGE Pro 2 VoIP line (UA endpoint), read and written with
 * `EP UA <epn> SETTINGS <PARAM> [value]`. The field set and defaults follow the project file's VoIP block
 * (DEVICE-PROTOCOL §4: SIP 5060 over UDP/TCP, 5061 over TLS); the parameter names are ours, kept here with
 * the rest of the invented vocabulary so they can be corrected from the vendor manual in one place.
 *
 * Writing a setting leaves the line "restart pending" (`BOX <name> VOIP RESTART_PENDING 1`) until
 * `BOX <name> VOIP RESTART` or a reboot applies it and the line registers again.
 */

export const sipTransports = ['UDP', 'TCP', 'TLS'] as const;
export type SipTransport = (typeof sipTransports)[number];

/** Default SIP port per transport (§4). */
export function defaultSipPort(transport: SipTransport): number {
  return transport === 'TLS' ? 5061 : 5060;
}

/** `EP UA <epn> SETTINGS <param>` names of the writable account fields. */
export const sipSettingParams = {
  server: 'SIP_SERVER',
  port: 'SIP_PORT',
  transport: 'SIP_TRANSPORT',
  user: 'SIP_USER',
  authUser: 'AUTH_USER',
  /** Write-only: reads answer `********` when a password is set, `NONE` otherwise. */
  password: 'AUTH_PASSWORD',
  extension: 'EXTENSION',
  /** May contain spaces (the rest of the line is the value). */
  displayName: 'DISPLAY_NAME',
} as const;
export type SipSettingField = keyof typeof sipSettingParams;

export const SIP_PASSWORD_MASK = '********';
export const SIP_VALUE_NONE = 'NONE';

/**
 * `EP UA <epn> INQUIRE SIP_ACCOUNT` → the line's account without its password, as `KEY=value` pairs joined by `;`
 * with URI-encoded values: `SERVER=…;PORT=5060;TRANSPORT=UDP;USER=…;AUTH_USER=…;EXTENSION=…;DISPLAY_NAME=…;PENDING=0`.
 * PENDING is 1 while written settings wait for a VoIP restart. Also sent as a status line when it changes.
 */
export const SIP_ACCOUNT_PARAM = 'SIP_ACCOUNT';
/** `EP UA <epn> INQUIRE REG_REASON` → why the last registration failed (`401 Unauthorized`), or `NONE`. */
export const REG_REASON_PARAM = 'REG_REASON';

/** A line's SIP account as the device reports it (never the password). */
export interface SipAccount {
  server: string;
  port: number;
  transport: SipTransport;
  user: string;
  authUser: string;
  extension: string;
  displayName: string;
  /** Settings were written and wait for a VoIP restart. */
  pending: boolean;
}

const summaryKeys: Record<Exclude<keyof SipAccount, 'pending'>, string> = {
  server: 'SERVER',
  port: 'PORT',
  transport: 'TRANSPORT',
  user: 'USER',
  authUser: 'AUTH_USER',
  extension: 'EXTENSION',
  displayName: 'DISPLAY_NAME',
};

export function formatSipAccount(account: SipAccount): string {
  const pairs = (Object.keys(summaryKeys) as (keyof typeof summaryKeys)[]).map(
    (field) => `${summaryKeys[field]}=${encodeURIComponent(String(account[field]))}`,
  );
  return [...pairs, `PENDING=${account.pending ? 1 : 0}`].join(';');
}

/** Parses a SIP_ACCOUNT value; null when it is not one. */
export function parseSipAccount(value: string): SipAccount | null {
  const pairs = new Map<string, string>();
  for (const pair of value.split(';')) {
    const at = pair.indexOf('=');
    if (at <= 0) return null;
    try {
      pairs.set(pair.slice(0, at), decodeURIComponent(pair.slice(at + 1)));
    } catch {
      return null;
    }
  }
  const transport = pairs.get('TRANSPORT');
  const port = Number(pairs.get('PORT'));
  if (!isSipTransport(transport) || !Number.isInteger(port) || port < 0 || port > 65535) return null;
  const text = (key: string) => pairs.get(key) ?? '';
  return {
    server: text('SERVER'),
    port,
    transport,
    user: text('USER'),
    authUser: text('AUTH_USER'),
    extension: text('EXTENSION'),
    displayName: text('DISPLAY_NAME'),
    pending: pairs.get('PENDING') === '1',
  };
}

export function isSipTransport(value: string | undefined): value is SipTransport {
  return value !== undefined && (sipTransports as readonly string[]).includes(value);
}

/** Host names and IPv4 addresses a SIP server setting may hold. */
export const SIP_HOST_PATTERN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$/;
/** SIP user parts (user, auth user, extension): unreserved characters only, so they fit one command token. */
export const SIP_USER_PATTERN = /^[A-Za-z0-9._+-]{1,64}$/;
/** Passwords travel as one command token: printable ASCII without spaces. */
export const SIP_PASSWORD_PATTERN = /^[\x21-\x7e]{1,128}$/;
/** Display names: printable text without the summary's separators. */
export const SIP_DISPLAY_NAME_PATTERN = /^[^;=\p{Cc}]{0,64}$/u;

/** What provisioning writes to one line; empty optional fields are left as they are on the unit. */
export interface SipSettingsInput {
  server: string;
  port: number;
  transport: SipTransport;
  user: string;
  authUser: string;
  password: string;
  extension: string;
  displayName: string;
}

/** The `EP UA <epn> SETTINGS …` lines that write these settings (the password line carries a secret: never log it). */
export function sipSettingCommands(epn: string, settings: SipSettingsInput): string[] {
  const lines: string[] = [];
  for (const field of Object.keys(sipSettingParams) as SipSettingField[]) {
    const value = String(settings[field]);
    if (value === '' && (field === 'displayName' || field === 'extension' || field === 'authUser')) continue;
    lines.push(`EP UA ${epn} SETTINGS ${sipSettingParams[field]} ${value}`);
  }
  return lines;
}

/** `EP UA <epn> INQUIRE SIP_ACCOUNT` / `REG_REASON` / `REG_STATUS`. */
export function uaInquiry(epn: string, param: string): string {
  return `EP UA ${epn} INQUIRE ${param}`;
}

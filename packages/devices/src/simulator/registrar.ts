import type { SipTransport } from '../sip-account.ts';

/**
 * The SIP servers the simulated site "has". SIP is simulated entirely inside the simulator: nothing is ever sent
 * to a server; a line's registration is decided from this table when its settings are applied.
 */
export interface SimulatedSipServer {
  host: string;
  /** Default: 5060 for UDP/TCP, 5061 for TLS; a line aimed at another port times out. */
  port?: number;
  /** Transports the server speaks; default all. */
  transports?: SipTransport[];
  /** Known accounts (auth user → password). Omitted: any account with a password registers. */
  accounts?: Record<string, string>;
}

export interface SimulatedRegistrar {
  servers: SimulatedSipServer[];
}

/** The registrar every simulator has unless told otherwise: one server that takes any account. */
export const DEFAULT_SIP_SERVER = '127.30.0.5';
export const defaultRegistrar: SimulatedRegistrar = { servers: [{ host: DEFAULT_SIP_SERVER }] };

export interface RegistrationAttempt {
  server: string;
  port: number;
  transport: SipTransport;
  user: string;
  authUser: string;
  password: string;
}

export type RegistrationOutcome = { registered: true } | { registered: false; reason: string };

/** What the simulated registrar answers to a REGISTER with these settings (SIP response texts of RFC 3261). */
export function decideRegistration(registrar: SimulatedRegistrar, attempt: RegistrationAttempt): RegistrationOutcome {
  if (attempt.server === '' || attempt.user === '') return { registered: false, reason: 'No SIP account configured' };
  const server = registrar.servers.find((candidate) => candidate.host.toLowerCase() === attempt.server.toLowerCase());
  const port = server?.port ?? (attempt.transport === 'TLS' ? 5061 : 5060);
  const speaks = server?.transports === undefined || server.transports.includes(attempt.transport);
  if (!server || port !== attempt.port || !speaks) return { registered: false, reason: '408 Request Timeout' };
  const authUser = attempt.authUser === '' ? attempt.user : attempt.authUser;
  if (server.accounts === undefined) {
    return attempt.password === '' ? { registered: false, reason: '401 Unauthorized' } : { registered: true };
  }
  const expected = server.accounts[authUser];
  if (expected === undefined) return { registered: false, reason: '404 Not Found' };
  if (expected !== attempt.password) return { registered: false, reason: '401 Unauthorized' };
  return { registered: true };
}

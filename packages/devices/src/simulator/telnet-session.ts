import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { createLineDecoder, formatReply, lineTerminator, type LineDecoder, type LineEnding } from '../codec.ts';
import type { DeviceLog } from '../device-log.ts';
import { loginTexts } from '../system-commands.ts';
import type { MisbehaviourGate } from './misbehaviour.ts';
import type { Credentials } from './types.ts';

/** What every simulated telnet session carries, whatever the unit (DSP box or codec). */
export interface TelnetSession {
  socket: Socket;
  decoder: LineDecoder;
  phase: 'username' | 'password' | 'ready';
  username: string;
  failures: number;
  /** While the session's own command runs, its unsolicited lines wait here until the reply is out. */
  deferred: string[] | undefined;
}

/** The simulator-wide settings the telnet side of a unit reads (read again on every use). */
export interface TelnetSettings {
  lineEnding: LineEnding;
  idleTimeoutMs: number;
  maxLineBytes: number;
}

export interface TelnetSessionsOptions<S extends TelnetSession> {
  settings: TelnetSettings;
  gate: MisbehaviourGate;
  /** The unit's live session set: sessions are added on login prompt and removed on close. */
  sessions: Set<S>;
  credentials: () => Credentials;
  /** The unit's own session fields, fresh for each connection. */
  extra: () => Omit<S, keyof TelnetSession>;
  /** A line from a logged-in session. */
  command: (session: S, line: string) => void;
  /** The unit's log, where every login attempt is written (never the password). */
  log: DeviceLog;
}

/**
 * The DSP telnet session core shared by every simulated unit (DEVICE-PROTOCOL §6.1–§6.2): the
 * username/password login, line framing, and replies that go out before the session's own unsolicited lines.
 */
export class TelnetSessions<S extends TelnetSession> {
  constructor(private readonly options: TelnetSessionsOptions<S>) {}

  accept(socket: Socket): void {
    const { gate, settings, sessions } = this.options;
    if (gate.accept(socket)) return;
    const session = {
      socket,
      decoder: createLineDecoder({ maxLineBytes: settings.maxLineBytes }),
      phase: 'username',
      username: '',
      failures: 0,
      deferred: undefined,
      ...this.options.extra(),
    } as S;
    sessions.add(session);
    socket.setNoDelay(true);
    socket.setTimeout(settings.idleTimeoutMs, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sessions.delete(session));
    socket.on('data', (chunk: Buffer) => {
      if (gate.intercept(socket)) return;
      for (const line of session.decoder.push(chunk)) {
        if (socket.destroyed) return;
        this.handleLine(session, line);
      }
    });
    gate.send(socket, loginTexts.usernamePrompt, false);
  }

  write(session: S, payload: string): void {
    if (session.deferred) session.deferred.push(payload);
    else this.options.gate.send(session.socket, formatReply(payload, this.options.settings.lineEnding), true);
  }

  /**
   * Runs a session's own command: its reply first, then the unsolicited lines it caused, so replies are
   * never interleaved (§6.2). The writer already has its own change in the reply; it does not get it twice.
   */
  reply<T>(session: S, run: () => T, payloadOf: (outcome: T) => string): T {
    session.deferred = [];
    const outcome = run();
    const reply = payloadOf(outcome);
    const deferred = session.deferred;
    session.deferred = undefined;
    this.write(session, reply);
    for (const payload of deferred) if (payload !== reply) this.write(session, payload);
    return outcome;
  }

  private handleLine(session: S, line: string): void {
    const { gate } = this.options;
    const end = lineTerminator(this.options.settings.lineEnding);
    switch (session.phase) {
      case 'username':
        // The username is checked with the password so a failure does not reveal which one was wrong.
        session.username = line;
        session.phase = 'password';
        gate.send(session.socket, loginTexts.passwordPrompt, false);
        return;
      case 'password': {
        const credentials = this.options.credentials();
        const from = session.socket.remoteAddress ?? 'unknown';
        if (session.username === credentials.username && line === credentials.password) {
          this.options.log.add('LOGIN', `${session.username} signed in from ${from}`);
          session.phase = 'ready';
          gate.send(session.socket, `${end}=> ${loginTexts.success}${end}`, false);
          return;
        }
        session.failures += 1;
        this.options.log.add('LOGIN', `${session.username} refused from ${from}: wrong username or password`);
        gate.send(session.socket, `=> ${loginTexts.failure}${end}`, false);
        if (session.failures >= loginTexts.maxFailures) session.socket.end();
        else {
          session.phase = 'username';
          gate.send(session.socket, loginTexts.usernamePrompt, false);
        }
        return;
      }
      case 'ready':
        this.options.command(session, line);
        return;
    }
  }
}

/** Opens a unit's telnet listener; a failing listener after start must not crash the whole simulator. */
export function listenTelnet(host: string, port: number, accept: (socket: Socket) => void): Promise<Server> {
  const server = createServer(accept);
  return new Promise<Server>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      server.on('error', () => undefined);
      resolve(server);
    });
  });
}

/** Binds a unit's discovery responder on its own address. */
export function bindDiscoveryResponder(
  address: string,
  port: number,
  onMessage: (udp: UdpSocket, message: Buffer, remote: { port: number; address: string }) => void,
): Promise<UdpSocket> {
  const udp = createSocket({ type: 'udp4' });
  udp.on('message', (message, remote) => onMessage(udp, message, remote));
  udp.on('error', () => undefined);
  return new Promise<UdpSocket>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind({ address, port, exclusive: true }, () => {
      udp.off('error', reject);
      resolve(udp);
    });
  });
}

/** Resolves and empties a list of waiters. */
export function flushWaiters(waiters: Array<() => void>): void {
  for (const resolve of waiters.splice(0)) resolve();
}

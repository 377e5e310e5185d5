import type { Socket } from 'node:net';
import { appError } from '@tutti/protocol';
import { createRandom } from './random.ts';
import type { Misbehaviour } from './types.ts';

const GARBAGE_MIN_BYTES = 8;
const GARBAGE_MAX_BYTES = 300;

export function validateMisbehaviour(misbehaviour: Misbehaviour): void {
  if (misbehaviour.mode === 'slow' && (!Number.isFinite(misbehaviour.delayMs) || misbehaviour.delayMs < 0)) {
    throw appError('CONFIG_INVALID', { delayMs: misbehaviour.delayMs }, 'A slow unit needs a delay of 0 ms or more');
  }
}

function isSilent(misbehaviour: Misbehaviour): boolean {
  return misbehaviour.mode === 'mute' || misbehaviour.mode === 'half-open';
}

/**
 * Puts a unit's telnet traffic through its current misbehaviour. Every byte a unit sends passes `send`,
 * every chunk it receives passes `intercept`, every connection it accepts passes `accept`.
 */
export class MisbehaviourGate {
  private mode: Misbehaviour = { mode: 'none' };
  /** Connections taken over on accept (never sessions): held silent, or babbled at. */
  private readonly taken = new Set<Socket>();
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = createRandom(seed);
  }

  get current(): Misbehaviour {
    return this.mode;
  }

  /**
   * Switches mode. Connections taken over by the old mode are dropped; sessions frozen by mute or
   * half-open never heard their replies, so a recovered unit drops them too.
   */
  set(next: Misbehaviour, liveSockets: Iterable<Socket>): void {
    validateMisbehaviour(next);
    const wasSilent = isSilent(this.mode);
    this.mode = next;
    this.close();
    if (wasSilent && !isSilent(next)) for (const socket of liveSockets) socket.destroy();
  }

  private take(socket: Socket): void {
    this.taken.add(socket);
    socket.on('close', () => this.taken.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  /** Returns true when the connection is taken over (no login prompt, no session). */
  accept(socket: Socket): boolean {
    switch (this.mode.mode) {
      case 'mute':
      case 'half-open':
        this.take(socket);
        socket.resume();
        return true;
      case 'garbage':
        this.take(socket);
        socket.write(this.garbage());
        socket.on('data', () => {
          if (socket.writable) socket.write(this.garbage());
        });
        return true;
      case 'none':
      case 'slow':
      case 'reset-mid-reply':
        return false;
    }
  }

  /** Returns true when received bytes must not be processed (the unit is frozen or babbling). */
  intercept(socket: Socket): boolean {
    switch (this.mode.mode) {
      case 'mute':
      case 'half-open':
        return true;
      case 'garbage':
        if (socket.writable) socket.write(this.garbage());
        return true;
      case 'none':
      case 'slow':
      case 'reset-mid-reply':
        return false;
    }
  }

  /** Writes as the current mode allows; `reply` marks command replies (what reset-mid-reply cuts). */
  send(socket: Socket, text: string, reply: boolean): void {
    switch (this.mode.mode) {
      case 'none':
      case 'garbage':
        if (socket.writable) socket.write(text);
        return;
      case 'mute':
      case 'half-open':
        return;
      case 'slow':
        setTimeout(() => {
          if (socket.writable) socket.write(text);
        }, this.mode.delayMs).unref();
        return;
      case 'reset-mid-reply':
        if (!reply) {
          if (socket.writable) socket.write(text);
          return;
        }
        if (socket.writable) socket.write(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
        // RST rather than FIN: the client sees ECONNRESET with half a line in its buffer.
        setImmediate(() => socket.resetAndDestroy());
        return;
    }
  }

  /** Random bytes, CR, LF and Telnet IAC included, deterministic per unit. */
  garbage(): Buffer {
    const length = GARBAGE_MIN_BYTES + Math.floor(this.next() * (GARBAGE_MAX_BYTES - GARBAGE_MIN_BYTES));
    const bytes = Buffer.allocUnsafe(length);
    for (let index = 0; index < length; index += 1) bytes[index] = Math.floor(this.next() * 256);
    return bytes;
  }

  /** Drops every taken-over connection (mode change, power off). */
  close(): void {
    for (const socket of this.taken) socket.destroy();
    this.taken.clear();
  }
}

/**
 * [INV] The unit log of simulated CONVERGE Pro 2 / Huddle boxes and COLLABORATE Live codecs, read with
 * `BOX <name> UNIT LOG` (system-commands.ts). Each line is `<ISO time> <CATEGORY> <text>`; lines are numbered from 1
 * and the oldest fall out of the ring, so a reader asks for the range held first and then each line of it.
 */
import { systemCommandLine } from './system-commands.ts';

/** Lines a unit keeps; older ones are dropped. */
export const DEVICE_LOG_CAPACITY = 500;
/** Longest text of one line, so that the reply always fits a telnet line. */
const MAX_TEXT_CHARS = 300;

export const deviceLogCategories = [
  'LOGIN',
  'COMMAND',
  'NETWORK',
  'SECURITY',
  'FIRMWARE',
  'CONFIG',
  'SYSTEM',
  'FAULT',
  'VOIP',
  'CODEC',
] as const;
export type DeviceLogCategory = (typeof deviceLogCategories)[number];

/** A unit's ring of log lines. Passwords never reach it: callers log that credentials changed, not to what. */
export class DeviceLog {
  private readonly lines: string[] = [];
  private next = 1;

  constructor(
    private readonly capacity = DEVICE_LOG_CAPACITY,
    private readonly now: () => number = Date.now,
  ) {}

  add(category: DeviceLogCategory, text: string): void {
    const clean = text.replace(/[\r\n]+/g, ' ').slice(0, MAX_TEXT_CHARS);
    this.lines.push(`${new Date(this.now()).toISOString()} ${category} ${clean}`);
    this.next += 1;
    if (this.lines.length > this.capacity) this.lines.shift();
  }

  /** Numbers of the oldest and newest line held; `[0, 0]` when empty. */
  range(): [number, number] {
    if (this.lines.length === 0) return [0, 0];
    return [this.next - this.lines.length, this.next - 1];
  }

  /** Line `n`, or undefined when it was never written or fell out of the ring. */
  line(n: number): string | undefined {
    const [first, last] = this.range();
    if (!Number.isInteger(n) || n < first || n > last || first === 0) return undefined;
    return this.lines[n - first];
  }

  /** Every line held, oldest first. */
  all(): string[] {
    return [...this.lines];
  }
}

/** What a device log reader needs of a session. */
export interface DeviceLogSession {
  commandValue(line: string): Promise<string>;
}

/**
 * Reads a unit's whole log, oldest line first. Lines that fall out of the ring while it is read are skipped;
 * `onProgress` gets the share read so far (0–100).
 */
export async function readDeviceLog(
  session: DeviceLogSession,
  boxName: string,
  onProgress?: (percent: number) => void,
): Promise<string[]> {
  const path = systemCommandLine(boxName, 'log');
  const [first = 0, last = 0] = (await session.commandValue(path)).split(' ').map(Number);
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last < first) {
    throw new RangeError(`the device answered an unreadable log range`);
  }
  const lines: string[] = [];
  if (first === 0) return lines;
  for (let n = first; n <= last; n += 1) {
    try {
      // The reply repeats the line number after the path: `BOX <name> UNIT LOG <n> <line>`.
      const value = await session.commandValue(`${path} ${n}`);
      lines.push(value.startsWith(`${n} `) ? value.slice(String(n).length + 1) : value);
    } catch (error) {
      // Only a line that rotated out (the device refuses its number) is skipped; anything else ends the read.
      if (!(error instanceof Error && error.name === 'DeviceCommandError')) throw error;
    }
    if (onProgress && (n - first) % 50 === 0) onProgress(Math.floor(((n - first) * 100) / (last - first + 1)));
  }
  return lines;
}

import { stackStates, type StackState } from './system-commands.ts';

/** `STACK STATUS` value [INV]: `OK`, `INCOMPLETE;MISSING=2,3`, `MISMATCHED;MISMATCH=2` (details may combine). */
export interface StackStatus {
  state: StackState;
  /** Box numbers the project expects that are not reachable. */
  missing: number[];
  /** Box numbers present but not matching the stack (model family, firmware, position). */
  mismatched: number[];
}

export function formatStackStatus(status: StackStatus): string {
  const parts: string[] = [status.state];
  if (status.missing.length > 0) parts.push(`MISSING=${status.missing.join(',')}`);
  if (status.mismatched.length > 0) parts.push(`MISMATCH=${status.mismatched.join(',')}`);
  return parts.join(';');
}

function parseNumbers(text: string): number[] {
  return text
    .split(',')
    .map(Number)
    .filter((value) => Number.isInteger(value) && value > 0);
}

export function parseStackStatus(text: string): StackStatus | undefined {
  const [state, ...details] = text.trim().split(';');
  if (!(stackStates as readonly string[]).includes(state ?? '')) return undefined;
  const status: StackStatus = { state: state as StackState, missing: [], mismatched: [] };
  for (const detail of details) {
    if (detail.startsWith('MISSING=')) status.missing = parseNumbers(detail.slice('MISSING='.length));
    else if (detail.startsWith('MISMATCH=')) status.mismatched = parseNumbers(detail.slice('MISMATCH='.length));
  }
  return status;
}

/** `STACK BOXES` value [INV]: `1:MAIN_DSP;2:AUX_DSP`, box number and name per reachable member. */
export interface StackMember {
  boxNumber: number;
  boxName: string;
}

export function formatStackMembers(members: readonly StackMember[]): string {
  return members.map((member) => `${member.boxNumber}:${member.boxName}`).join(';');
}

/** Keeps the readable entries of a `STACK BOXES` value and skips the rest. */
export function parseStackMembers(value: string): StackMember[] {
  return value
    .split(';')
    .map((entry) => {
      const colon = entry.indexOf(':');
      return { boxNumber: Number(entry.slice(0, colon)), boxName: entry.slice(colon + 1).trim() };
    })
    .filter(
      (member) =>
        Number.isInteger(member.boxNumber) &&
        member.boxNumber >= 1 &&
        member.boxNumber <= 9 &&
        member.boxName.length > 0,
    );
}

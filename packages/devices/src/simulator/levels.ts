import { errorPayloads, type ErrorPayload } from '../system-commands.ts';

/** LEVEL block of one endpoint (§2.1): gain −65…+20 dB in 0.5 dB steps, mute, and gain limits. */
export interface Level {
  gain: number;
  mute: 0 | 1;
  minGain: number;
  maxGain: number;
}

export const GAIN_FLOOR = -65;
export const GAIN_CEILING = 20;

export function defaultLevel(): Level {
  return { gain: 0, mute: 0, minGain: GAIN_FLOOR, maxGain: GAIN_CEILING };
}

export type LevelParam = 'GAIN' | 'MUTE' | 'MIN_GAIN' | 'MAX_GAIN';

export function isLevelParam(value: string): value is LevelParam {
  return value === 'GAIN' || value === 'MUTE' || value === 'MIN_GAIN' || value === 'MAX_GAIN';
}

export function formatGain(value: number): string {
  return value.toFixed(1);
}

export function readLevel(level: Level, param: LevelParam): string {
  switch (param) {
    case 'GAIN':
      return formatGain(level.gain);
    case 'MUTE':
      return String(level.mute);
    case 'MIN_GAIN':
      return formatGain(level.minGain);
    case 'MAX_GAIN':
      return formatGain(level.maxGain);
  }
}

const numberPattern = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;
const roundToStep = (value: number): number => Math.round(value * 2) / 2;

/**
 * Applies a write in place and returns the changed parameters, or the error payload. Absolute values
 * outside the limits are refused; REL results are clamped to the limits, as a fader would stop.
 */
export function writeLevel(level: Level, param: LevelParam, raw: string, rel: boolean): LevelParam[] | ErrorPayload {
  if (!numberPattern.test(raw)) return errorPayloads.invalidParameters;
  const value = Number(raw);
  switch (param) {
    case 'MUTE': {
      if (rel || !Number.isInteger(value)) return errorPayloads.invalidParameters;
      if (value < 0 || value > 2) return errorPayloads.outOfRange;
      const next = value === 2 ? (level.mute === 1 ? 0 : 1) : (value as 0 | 1);
      if (next === level.mute) return [];
      level.mute = next;
      return ['MUTE'];
    }
    case 'GAIN': {
      let next: number;
      if (rel) next = Math.min(level.maxGain, Math.max(level.minGain, roundToStep(level.gain + value)));
      else {
        next = roundToStep(value);
        if (next < level.minGain || next > level.maxGain) return errorPayloads.outOfRange;
      }
      if (next === level.gain) return [];
      level.gain = next;
      return ['GAIN'];
    }
    case 'MIN_GAIN':
    case 'MAX_GAIN': {
      if (rel) return errorPayloads.invalidParameters;
      const next = roundToStep(value);
      if (next < GAIN_FLOOR || next > GAIN_CEILING) return errorPayloads.outOfRange;
      if (param === 'MIN_GAIN' ? next > level.maxGain : next < level.minGain) return errorPayloads.outOfRange;
      const changed: LevelParam[] = [];
      if (param === 'MIN_GAIN' && next !== level.minGain) {
        level.minGain = next;
        changed.push('MIN_GAIN');
      }
      if (param === 'MAX_GAIN' && next !== level.maxGain) {
        level.maxGain = next;
        changed.push('MAX_GAIN');
      }
      // Narrowed limits pull the gain along, as they cap ramps on the device (§2.1).
      const clamped = Math.min(level.maxGain, Math.max(level.minGain, level.gain));
      if (clamped !== level.gain) {
        level.gain = clamped;
        changed.push('GAIN');
      }
      return changed;
    }
  }
}

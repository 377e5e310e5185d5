/**
 * Line codec for the CONVERGE text protocol (DEVICE-PROTOCOL §1.2, §6.2): splits a byte stream into
 * lines, strips Telnet IAC negotiation, formats `=> ` replies and normalises command keywords.
 */

export const DEFAULT_MAX_LINE_BYTES = 8 * 1024;

const IAC = 0xff;
const SB = 0xfa;
const SE = 0xf0;
const WILL = 0xfb;
const DONT = 0xfe;
const CR = 0x0d;
const LF = 0x0a;

export interface LineDecoderOptions {
  maxLineBytes?: number;
  /** Called once per discarded oversized line with the number of bytes it had when dropping started. */
  onOversize?: (bytes: number) => void;
}

export interface LineDecoder {
  /** Feeds bytes; returns the complete, non-empty lines they finish (IAC removed, latin1-decoded). */
  push(chunk: Buffer): string[];
  /** The unterminated text received so far (prompts such as `Username: ` never end with a newline). */
  pending(): string;
  /** Returns and forgets the unterminated text, so a prompt is answered only once. */
  takePending(): string;
  /** Number of oversized lines discarded so far. */
  readonly oversized: number;
}

type IacState = 'data' | 'iac' | 'option' | 'sub' | 'subIac';

/**
 * Any CR or LF ends a line and empty lines are skipped, which makes CR, LF, CRLF and LFCR all work
 * and keeps the result independent of how the stream is chunked.
 */
export function createLineDecoder(options: LineDecoderOptions = {}): LineDecoder {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let line = Buffer.allocUnsafe(Math.min(256, maxLineBytes));
  let length = 0;
  let discarding = false;
  let state: IacState = 'data';
  let oversized = 0;

  function appendByte(byte: number): void {
    if (discarding) return;
    if (length >= maxLineBytes) {
      discarding = true;
      oversized += 1;
      options.onOversize?.(length);
      length = 0;
      return;
    }
    if (length === line.length) {
      const grown = Buffer.allocUnsafe(Math.min(line.length * 2, maxLineBytes));
      line.copy(grown, 0, 0, length);
      line = grown;
    }
    line[length] = byte;
    length += 1;
  }

  function endLine(out: string[]): void {
    if (!discarding && length > 0) out.push(line.toString('latin1', 0, length));
    discarding = false;
    length = 0;
  }

  return {
    push(chunk) {
      const out: string[] = [];
      for (const byte of chunk) {
        switch (state) {
          case 'data':
            if (byte === IAC) state = 'iac';
            else if (byte === CR || byte === LF) endLine(out);
            else appendByte(byte);
            break;
          case 'iac':
            if (byte === IAC) {
              // IAC IAC is an escaped data byte 0xFF.
              appendByte(byte);
              state = 'data';
            } else if (byte === SB) state = 'sub';
            else if (byte >= WILL && byte <= DONT) state = 'option';
            else state = 'data';
            break;
          case 'option':
            state = 'data';
            break;
          case 'sub':
            if (byte === IAC) state = 'subIac';
            break;
          case 'subIac':
            state = byte === SE ? 'data' : 'sub';
            break;
        }
      }
      return out;
    },
    pending() {
      return discarding ? '' : line.toString('latin1', 0, length);
    },
    takePending() {
      const text = discarding ? '' : line.toString('latin1', 0, length);
      length = 0;
      return text;
    },
    get oversized() {
      return oversized;
    },
  };
}

export type LineEnding = 'CRLF' | 'LFCR';

export function lineTerminator(lineEnding: LineEnding): string {
  return lineEnding === 'CRLF' ? '\r\n' : '\n\r';
}

/** A device line: `=> ` + payload + terminator (§6.2). */
export function formatReply(payload: string, lineEnding: LineEnding): string {
  return `=> ${payload}${lineTerminator(lineEnding)}`;
}

/** Endpoint types of the EP grammar (§2.1). */
export const endpointTypes = [
  'BFM',
  'DANTE',
  'FADER',
  'GPIO',
  'MIC',
  'OUTPUT',
  'PROC',
  'SGEN',
  'SPEAKER',
  'TELCO_RX',
  'TELCO_TX',
  'UA',
  'USB_RX',
  'USB_TX',
  'VOIP_RX',
  'VOIP_TX',
] as const;
export type EndpointType = (typeof endpointTypes)[number];

export function isEndpointType(value: string): value is EndpointType {
  return (endpointTypes as readonly string[]).includes(value);
}

// Numeric block and parameter codes the devices accept in place of names (§2.1, DRV).
const blockNumbers: Record<string, string> = { '1': 'LEVEL', '2': 'SETTINGS', '12': 'SIG_GEN' };
const levelParamNumbers: Record<string, string> = { '1': 'GAIN', '2': 'MUTE', '7': 'MAX_GAIN', '8': 'MIN_GAIN' };

function normaliseBlockAndParam(block: string | undefined, param: string | undefined): string[] {
  if (block === undefined) return [];
  const blockName = blockNumbers[block] ?? block.toUpperCase();
  if (param === undefined) return [blockName];
  const paramName = blockName === 'LEVEL' ? (levelParamNumbers[param] ?? param.toUpperCase()) : param.toUpperCase();
  return [blockName, paramName];
}

function normaliseValues(values: string[]): string[] {
  // REL is the only keyword among values; everything else (passwords, names, digits) keeps its case.
  return values.map((value, index) => (index === values.length - 1 && value.toUpperCase() === 'REL' ? 'REL' : value));
}

/**
 * Splits a command line on runs of spaces and upper-cases its keywords, leaving case-sensitive
 * names (box names, channel labels, macro names) and values as they were. Numeric BN/PN codes become
 * their names, so the result is also the address a reply repeats (§6.3).
 */
export function parseCommand(line: string): string[] {
  const tokens = line
    .trim()
    .split(/\s+/)
    .filter((token) => token.length > 0);
  const [first, ...rest] = tokens;
  if (first === undefined) return [];
  const verb = first.toUpperCase();
  switch (verb) {
    case 'BOX': {
      const [box, block, param, ...values] = rest;
      if (box === undefined) return [verb];
      const head = normaliseBlockAndParam(block, param);
      if (head[0] === 'PLINK' && param !== undefined && /^\d+$/.test(param)) {
        // `PLINK <port> <PARAM>` / `PLINK <port> CHANNEL <n> <PARAM>`: the sub-address is keywords too.
        const [sub, channel, channelParam, ...channelValues] = values;
        if (sub?.toUpperCase() === 'CHANNEL') {
          const address = [sub.toUpperCase(), channel, channelParam?.toUpperCase()].filter(
            (token): token is string => token !== undefined,
          );
          return [verb, box, ...head, ...address, ...channelValues];
        }
        return sub === undefined ? [verb, box, ...head] : [verb, box, ...head, sub.toUpperCase(), ...values.slice(1)];
      }
      return [verb, box, ...head, ...normaliseValues(values)];
    }
    case 'CODEC': {
      // Values (dial strings) keep their case.
      const [param, ...values] = rest;
      return param === undefined ? [verb] : [verb, param.toUpperCase(), ...values];
    }
    case 'EP': {
      const [target, ...after] = rest;
      if (target === undefined) return [verb];
      const upper = target.toUpperCase();
      if (isEndpointType(upper)) {
        const [epn, block, param, ...values] = after;
        if (epn === undefined) return [verb, upper];
        return [verb, upper, epn, ...normaliseBlockAndParam(block, param), ...normaliseValues(values)];
      }
      const [block, param, ...values] = after;
      return [verb, target, ...normaliseBlockAndParam(block, param), ...normaliseValues(values)];
    }
    case 'RAMP': {
      const [target, ...values] = rest;
      if (target === undefined) return [verb];
      const upper = target.toUpperCase();
      return [verb, isEndpointType(upper) ? upper : target, ...values];
    }
    case 'MCCF':
      return [verb, ...rest];
    default:
      return [verb, ...rest.map((token) => token.toUpperCase())];
  }
}

/**
 * How many leading tokens of a parsed command form its address, i.e. the part a reply repeats
 * before the value. Used by the driver to tell a reply from an unsolicited line.
 */
export function addressLength(tokens: string[]): number {
  const [verb, target] = tokens;
  if (verb === 'BOX') {
    if (tokens[2] === 'PLINK' && /^\d+$/.test(tokens[3] ?? '')) {
      return Math.min(tokens.length, tokens[4] === 'CHANNEL' ? 7 : 5);
    }
    return Math.min(tokens.length, 4);
  }
  if (verb === 'CODEC') return Math.min(tokens.length, 2);
  if (verb === 'EP') return Math.min(tokens.length, target !== undefined && isEndpointType(target) ? 5 : 4);
  if (verb === 'MCCF') return Math.min(tokens.length, 2);
  return tokens.length;
}

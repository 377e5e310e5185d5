import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressLength, createLineDecoder, formatReply, parseCommand } from './codec.ts';

const bytes = (...parts: Array<string | number[]>): Buffer =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));

/** Splits a buffer at the given cut points (any order, duplicates allowed). */
function chunk(buffer: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (buffer.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(buffer.subarray(start, point));
    start = point;
  }
  chunks.push(buffer.subarray(start));
  return chunks;
}

describe('createLineDecoder', () => {
  it('accepts CR, LF, CRLF and LFCR and skips empty lines', () => {
    const decoder = createLineDecoder();
    expect(decoder.push(bytes('a\rb\nc\r\nd\n\re\r\n\r\n\n'))).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('keeps an unterminated line for the next chunk and exposes it as pending', () => {
    const decoder = createLineDecoder();
    expect(decoder.push(bytes('=> BOX A UN'))).toEqual([]);
    expect(decoder.pending()).toBe('=> BOX A UN');
    expect(decoder.push(bytes('IT SN 1\r\n'))).toEqual(['=> BOX A UNIT SN 1']);
    expect(decoder.pending()).toBe('');
  });

  it('takePending returns the prompt once', () => {
    const decoder = createLineDecoder();
    decoder.push(bytes('Username: '));
    expect(decoder.takePending()).toBe('Username: ');
    decoder.push(bytes('Password: '));
    expect(decoder.pending()).toBe('Password: ');
  });

  it('strips IAC commands, option negotiation and subnegotiation', () => {
    const decoder = createLineDecoder();
    const stream = bytes(
      [0xff, 0xfb, 0x01], // IAC WILL ECHO
      'Us',
      [0xff, 0xf1], // IAC NOP
      'er',
      [0xff, 0xfa, 0x18, 0x01, 0x41, 0x42, 0xff, 0xf0], // IAC SB TERMINAL-TYPE ... IAC SE
      [0xff, 0xfe, 0x21], // IAC DONT LINEMODE
      'name\r\n',
    );
    expect(decoder.push(stream)).toEqual(['Username']);
  });

  it('keeps an escaped 0xFF data byte (IAC IAC)', () => {
    const decoder = createLineDecoder();
    expect(decoder.push(bytes('a', [0xff, 0xff], 'b\n'))).toEqual(['a\u00ffb']);
  });

  it('discards an oversized line, reports it, and goes on with the next line', () => {
    const reported: number[] = [];
    const decoder = createLineDecoder({ maxLineBytes: 16, onOversize: (size) => reported.push(size) });
    const lines = decoder.push(bytes('x'.repeat(40), '\r\nafter\r\n'));
    expect(lines).toEqual(['after']);
    expect(decoder.oversized).toBe(1);
    expect(reported).toEqual([16]);
  });

  it('accepts a line of exactly the limit', () => {
    const decoder = createLineDecoder({ maxLineBytes: 8 });
    expect(decoder.push(bytes('12345678\n'))).toEqual(['12345678']);
    expect(decoder.oversized).toBe(0);
  });

  it('property: any chunking of the same bytes yields the same lines', () => {
    const streamByte = fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(0x0d, 0x0a, 0xff, 0xfa, 0xf0, 0xfb, 0x41),
    );
    fc.assert(
      fc.property(
        fc.array(streamByte, { maxLength: 400 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.integer({ min: 1, max: 64 }),
        (raw, cuts, maxLineBytes) => {
          const buffer = Buffer.from(raw);
          const whole = createLineDecoder({ maxLineBytes });
          const expected = whole.push(buffer);
          const pieces = createLineDecoder({ maxLineBytes });
          const actual = chunk(buffer, cuts).flatMap((part) => pieces.push(part));
          expect(actual).toEqual(expected);
          expect(pieces.oversized).toBe(whole.oversized);
          expect(pieces.pending()).toBe(whole.pending());
        },
      ),
    );
  });

  it('property: garbage never throws, lines are non-empty, bounded and free of CR/LF', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }), (chunks) => {
        const decoder = createLineDecoder({ maxLineBytes: 50 });
        for (const part of chunks) {
          for (const line of decoder.push(Buffer.from(part))) {
            expect(line.length).toBeGreaterThan(0);
            expect(line.length).toBeLessThanOrEqual(50);
            expect(line).not.toMatch(/[\r\n]/);
          }
        }
      }),
    );
  });

  it('property: printable lines joined with any terminator come back unchanged', () => {
    const printable = fc.string({ minLength: 1, maxLength: 40 }).filter((text) => /^[\x20-\x7e]+$/.test(text));
    fc.assert(
      fc.property(
        fc.array(printable, { maxLength: 20 }),
        fc.constantFrom('\r', '\n', '\r\n', '\n\r'),
        (lines, terminator) => {
          const decoder = createLineDecoder();
          expect(decoder.push(Buffer.from(lines.map((line) => line + terminator).join(''), 'latin1'))).toEqual(lines);
        },
      ),
    );
  });
});

describe('formatReply', () => {
  it('prefixes => and ends with the chosen line ending', () => {
    expect(formatReply('BOX A UNIT SN 1', 'CRLF')).toBe('=> BOX A UNIT SN 1\r\n');
    expect(formatReply('BOX A UNIT SN 1', 'LFCR')).toBe('=> BOX A UNIT SN 1\n\r');
  });
});

describe('parseCommand', () => {
  it.each([
    ['box Main_Dsp unit sn', ['BOX', 'Main_Dsp', 'UNIT', 'SN']],
    ['  BOX   MAIN  unit   PASSWORD  OldPw   NewPw ', ['BOX', 'MAIN', 'UNIT', 'PASSWORD', 'OldPw', 'NewPw']],
    ['ep mic 103 level mute 1', ['EP', 'MIC', '103', 'LEVEL', 'MUTE', '1']],
    ['ep output 102 level gain 2 rel', ['EP', 'OUTPUT', '102', 'LEVEL', 'GAIN', '2', 'REL']],
    ['EP MIC 101 1 2 1', ['EP', 'MIC', '101', 'LEVEL', 'MUTE', '1']],
    ['EP FADER 101 1 7', ['EP', 'FADER', '101', 'LEVEL', 'MAX_GAIN']],
    ['EP Room_Level level gain', ['EP', 'Room_Level', 'LEVEL', 'GAIN']],
    ['ep ua 101 notification reg_failed', ['EP', 'UA', '101', 'NOTIFICATION', 'REG_FAILED']],
    ['mccf SysOn', ['MCCF', 'SysOn']],
    ['ramp fader 101 -20 1', ['RAMP', 'FADER', '101', '-20', '1']],
    ['codec call_status', ['CODEC', 'CALL_STATUS']],
    ['', []],
    ['box', ['BOX']],
  ])('%j', (line, tokens) => {
    expect(parseCommand(line)).toEqual(tokens);
  });

  it('finds the address part a reply repeats', () => {
    expect(addressLength(parseCommand('BOX A UNIT LOCATE 1'))).toBe(4);
    expect(addressLength(parseCommand('EP MIC 101 LEVEL GAIN -5'))).toBe(5);
    expect(addressLength(parseCommand('EP LABEL LEVEL GAIN -5'))).toBe(4);
    expect(addressLength(parseCommand('MCCF SYSON'))).toBe(2);
  });
});

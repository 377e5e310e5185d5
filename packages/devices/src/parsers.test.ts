import fc from 'fast-check';
import { deviceModels } from '@tutti/protocol';
import { describe, expect, it } from 'vitest';
import { addressLength, parseCommand } from './codec.ts';
import { formatDiscoveryAnswer, parseDiscoveryAnswer, type DiscoveryAnswer } from './discovery.ts';
import { applyLine, emptyDeviceState, firmwareProgress } from './driver/device-state.ts';
import { formatPlinkDevices, parsePlinkDevices, type PlinkEntry } from './plink-devices.ts';
import { formatStackMembers, formatStackStatus, parseStackMembers, parseStackStatus } from './stack-status.ts';
import { stackStates } from './system-commands.ts';

// Property tests of every parser the driver applies to device text: they never throw on any input,
// and what the simulator formats they read back unchanged.

const token = fc.stringMatching(/^[A-Za-z0-9_.-]{1,16}$/);
const serial = fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/);
const anyText = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }));
const loopback = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 }))
  .map(([a, b, c]) => `127.${a}.${b}.${c}`);

describe('discovery answer', () => {
  const answer: fc.Arbitrary<DiscoveryAnswer> = fc.record({
    model: fc.constantFrom(...deviceModels),
    boxName: token,
    serial,
    mac: fc.stringMatching(/^([0-9A-F]{2}:){5}[0-9A-F]{2}$/),
    ip: loopback,
    telnetPort: fc.integer({ min: 1, max: 65535 }),
    stackName: token,
  });

  it('reads back what it formats', () => {
    fc.assert(
      fc.property(answer, (value) => {
        expect(parseDiscoveryAnswer(formatDiscoveryAnswer(value))).toEqual(value);
      }),
    );
  });

  it('never throws, and accepts only loopback answers with a known model and a valid port', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const parsed = parseDiscoveryAnswer(text);
        if (parsed) {
          expect(parsed.ip.startsWith('127.')).toBe(true);
          expect(deviceModels).toContain(parsed.model);
          expect(parsed.telnetPort).toBeGreaterThanOrEqual(1);
        }
      }),
    );
    fc.assert(
      fc.property(answer, fc.integer({ min: 0, max: 120 }), (value, cut) => {
        // A datagram cut short must not be taken for a different device.
        const parsed = parseDiscoveryAnswer(formatDiscoveryAnswer(value).slice(0, cut));
        if (parsed) expect(parsed.serial).toBe(value.serial.slice(0, parsed.serial.length));
      }),
    );
  });
});

describe('stack status and members', () => {
  const numbers = fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { maxLength: 9 });

  it('reads back what it formats', () => {
    fc.assert(
      fc.property(fc.constantFrom(...stackStates), numbers, numbers, (state, missing, mismatched) => {
        const status = { state, missing, mismatched };
        expect(parseStackStatus(formatStackStatus(status))).toEqual(status);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ boxNumber: fc.integer({ min: 1, max: 9 }), boxName: token })), (members) => {
        expect(parseStackMembers(formatStackMembers(members))).toEqual(members);
      }),
    );
  });

  it('never throws and yields only box numbers 1–9', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const status = parseStackStatus(text);
        if (status) for (const number of [...status.missing, ...status.mismatched]) expect(number).toBeGreaterThan(0);
        for (const member of parseStackMembers(text)) {
          expect(member.boxNumber).toBeGreaterThanOrEqual(1);
          expect(member.boxNumber).toBeLessThanOrEqual(9);
          expect(member.boxName.length).toBeGreaterThan(0);
        }
      }),
    );
  });
});

describe('PLINK DEVICES', () => {
  const entry: fc.Arbitrary<PlinkEntry> = fc.record({
    plink: fc.integer({ min: 1, max: 99 }),
    model: fc.constantFrom(...deviceModels),
    serial,
    firmware: fc.stringMatching(/^[0-9.]{0,12}$/),
    name: fc.stringMatching(/^[A-Za-z0-9_]{0,20}$/),
  });

  it('reads back what it formats', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), (entries) => {
        expect(parsePlinkDevices(formatPlinkDevices(entries))).toEqual(entries);
      }),
    );
  });

  it('formats any name so that the list still parses', () => {
    fc.assert(
      fc.property(entry, fc.string({ maxLength: 30 }), (value, name) => {
        expect(parsePlinkDevices(formatPlinkDevices([{ ...value, name }]))).toHaveLength(1);
      }),
    );
  });

  it('never throws on garbage; unreadable lists are undefined, not half-read', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const parsed = parsePlinkDevices(text);
        if (parsed) for (const item of parsed) expect(item.plink).toBeGreaterThanOrEqual(1);
      }),
    );
    expect(parsePlinkDevices('1:BMA_2:SN1:1.0:Mic;garbage')).toBeUndefined();
    expect(parsePlinkDevices('NONE')).toEqual([]);
  });
});

describe('command parsing', () => {
  const word = fc.stringMatching(/^[A-Za-z0-9_:.-]{1,10}$/);
  const line = fc.oneof(
    fc.array(word, { maxLength: 9 }).map((words) => words.join(' ')),
    fc
      .tuple(word, fc.integer({ min: 1, max: 9 }), fc.array(word, { maxLength: 4 }))
      .map(([box, port, rest]) => ['box', box, 'plink', String(port), ...rest].join('  ')),
    fc.array(word, { maxLength: 3 }).map((words) => ['codec', ...words].join(' ')),
    anyText,
  );

  it('is idempotent, and a reply address is a prefix of the command', () => {
    fc.assert(
      fc.property(line, (text) => {
        const tokens = parseCommand(text);
        expect(parseCommand(tokens.join(' '))).toEqual(tokens);
        const length = addressLength(tokens);
        expect(length).toBeGreaterThanOrEqual(0);
        expect(length).toBeLessThanOrEqual(tokens.length);
      }),
    );
  });

  it('upper-cases P-Link sub-addresses and keeps dial strings', () => {
    expect(parseCommand('box Main plink 2 channel 1 battery')).toEqual([
      'BOX',
      'Main',
      'PLINK',
      '2',
      'CHANNEL',
      '1',
      'BATTERY',
    ]);
    expect(addressLength(parseCommand('BOX Main PLINK 2 CHANNEL 1 BATTERY'))).toBe(7);
    expect(addressLength(parseCommand('BOX Main PLINK 2 LOCATE 1'))).toBe(5);
    expect(parseCommand('codec dial sip:Room@127.0.0.9')).toEqual(['CODEC', 'DIAL', 'sip:Room@127.0.0.9']);
    expect(addressLength(parseCommand('CODEC STANDBY 1'))).toBe(2);
  });
});

describe('device state lines', () => {
  it('applyLine never throws and keeps the state well-formed whatever a device sends', () => {
    const payload = fc.oneof(
      anyText,
      fc
        .tuple(
          fc.constantFrom('BOX MAIN', 'BOX OTHER', 'EP UA 101', 'CODEC'),
          fc.array(
            fc.constantFrom(
              'PLINK',
              '1',
              '2',
              'CHANNEL',
              'LINK',
              'DOWN',
              'UP',
              'FW_UPDATE',
              'PROGRESS',
              'UNIT',
              'STATE',
              'RESTARTING',
              'BATTERY',
              'NONE',
              '-50',
              'SERVICE_STATUS',
              'FAILED',
              'x',
            ),
            { maxLength: 6 },
          ),
        )
        .map(([head, rest]) => [head, ...rest].join(' ')),
    );
    fc.assert(
      fc.property(fc.array(payload, { maxLength: 30 }), fc.boolean(), (lines, unsolicited) => {
        const state = emptyDeviceState();
        state.codec = { callStatus: 'IDLE', standby: false, serviceStatus: 'OK' };
        state.peripherals.SN1 = {
          plink: 1,
          model: 'DIALOG_20',
          link: 'UP',
          locate: false,
          firmwareUpdate: null,
          channels: [{ batteryPercent: 50, rfDbm: -50 }],
        };
        for (const text of lines) applyLine(state, text, { boxName: 'MAIN', boxNumber: 1, unsolicited });
        const peripheral = state.peripherals.SN1;
        expect(['UP', 'DOWN']).toContain(peripheral?.link);
        if (peripheral !== undefined && peripheral.firmwareUpdate !== null) {
          expect(peripheral.firmwareUpdate).toBeGreaterThanOrEqual(0);
          expect(peripheral.firmwareUpdate).toBeLessThanOrEqual(100);
        }
        expect(['OK', 'FAILED']).toContain(state.codec?.serviceStatus);
      }),
    );
  });

  it('reads FW_UPDATE words', () => {
    expect(firmwareProgress('STARTED', undefined)).toBe(0);
    expect(firmwareProgress('PROGRESS', '50')).toBe(50);
    expect(firmwareProgress('PROGRESS', '150')).toBeUndefined();
    expect(firmwareProgress('DONE', '1.2')).toBeNull();
    expect(firmwareProgress('what', undefined)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { readVoipCsv } from './voip-csv.ts';

describe('readVoipCsv', () => {
  it('reads quoted fields, a BOM, header aliases and CRLF, numbering rows as lines of the file', () => {
    const file = readVoipCsv(
      '\uFEFFSerial Number,Line,Server,Username,Auth User,Password,Extension,Transport,Display Name\r\n' +
        'CP2-1,1,pbx.site.test,2001,,"pa,ss",,udp,"Board Room ""A"""\r\n' +
        '\r\n' +
        'CP2-2,2,pbx.site.test,2002,auth2002,secret,1200,TLS,\r\n',
    );
    expect(file.error).toBeNull();
    expect(file.rows.map((row) => row.row)).toEqual([2, 4]);
    expect(file.rows[0]).toMatchObject({ serial: 'CP2-1', line: 1, errors: [] });
    expect(file.rows[0]!.settings).toEqual({
      line: 1,
      server: 'pbx.site.test',
      port: 5060,
      transport: 'UDP',
      user: '2001',
      authUser: '2001',
      password: 'pa,ss',
      extension: '2001',
      displayName: 'Board Room "A"',
    });
    expect(file.rows[1]!.settings).toMatchObject({ port: 5061, authUser: 'auth2002', extension: '1200' });
  });

  it('takes ; as the separator when the header uses it (spreadsheets in many locales)', () => {
    const file = readVoipCsv('serial;line;sip_server;user;password\nCP2-1;1;pbx.site.test;2001;pw\n');
    expect(file.rows[0]?.settings?.user).toBe('2001');
  });

  it('reports each bad row with its columns and keeps the good ones', () => {
    const file = readVoipCsv(
      'serial,line,sip_server,user,password,transport,port\n' +
        'CP2-1,1,pbx.site.test,2001,pw,,\n' +
        ',x,bad host,,,SCTP,99999\n',
    );
    expect(file.rows[0]!.errors).toEqual([]);
    expect(file.rows[1]!.settings).toBeNull();
    expect(file.rows[1]!.errors).toEqual([
      { column: 'serial', code: 'required' },
      { column: 'user', code: 'required' },
      { column: 'password', code: 'required' },
      { column: 'line', code: 'invalid' },
      { column: 'sip_server', code: 'invalid' },
      { column: 'port', code: 'invalid' },
      { column: 'transport', code: 'invalid' },
    ]);
  });

  it.each([
    ['', 'empty', []],
    ['serial,line,sip_server,user,password\n', 'empty', []],
    ['serial,line,user\nCP2-1,1,2001\n', 'missing_columns', ['sip_server', 'password']],
    ['serial,line\n"CP2-1,1\n', 'unreadable', []],
  ])('refuses the file as a whole: %j → %s', (text, error, missing) => {
    const file = readVoipCsv(text);
    expect(file.error).toBe(error);
    expect(file.missingColumns).toEqual(missing);
  });
});

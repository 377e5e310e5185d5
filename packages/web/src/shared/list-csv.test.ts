import { describe, expect, it } from 'vitest';
import { listCsv } from './list-csv.ts';

describe('listCsv', () => {
  it('writes the chosen columns in their order, quoting what needs it', () => {
    const columns = [
      { title: 'Nom', csv: (row: { name: string; devices: number }) => row.name },
      { title: 'Appareils', csv: (row: { name: string; devices: number }) => String(row.devices) },
    ];
    const rows = [
      { name: 'Lobby, "east"', devices: 3 },
      { name: 'مكتب', devices: 12 },
    ];
    expect(listCsv(columns, rows)).toBe('Nom,Appareils\n"Lobby, ""east""",3\nمكتب,12\n');
    expect(listCsv([...columns].reverse(), rows).split('\n')[0]).toBe('Appareils,Nom');
  });
});

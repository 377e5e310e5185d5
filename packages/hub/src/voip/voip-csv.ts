import { parse } from 'csv-parse/sync';
import {
  MAX_VOIP_CSV_ROWS,
  requiredVoipCsvColumns,
  validateVoipCsvRow,
  voipCsvColumns,
  type VoipCsvColumn,
  type VoipCsvPreview,
  type VoipCsvRowError,
  type VoipLineSettings,
} from '@tutti/protocol';
import { z } from 'zod';

const recordsSchema = z.array(z.object({ record: z.array(z.string()), info: z.object({ lines: z.number().int() }) }));

/** Header spellings people use for our columns, after lower-casing and turning spaces and dashes into `_`. */
const aliases: Record<string, VoipCsvColumn> = {
  serial_number: 'serial',
  sn: 'serial',
  line_number: 'line',
  server: 'sip_server',
  sip_proxy: 'sip_server',
  proxy: 'sip_server',
  sip_port: 'port',
  username: 'user',
  sip_user: 'user',
  authentication_user: 'auth_user',
  auth_username: 'auth_user',
  auth_password: 'password',
  ext: 'extension',
  name: 'display_name',
};

function columnOf(header: string): VoipCsvColumn | undefined {
  const key = header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if ((voipCsvColumns as readonly string[]).includes(key)) return key as VoipCsvColumn;
  return aliases[key];
}

export interface VoipCsvFileRow {
  /** Line number in the file (the header is line 1). */
  row: number;
  serial: string;
  line: number | null;
  server: string;
  user: string;
  transport: string;
  settings: VoipLineSettings | null;
  errors: VoipCsvRowError[];
}

export type VoipCsvFile =
  | { error: null; missingColumns: []; rows: VoipCsvFileRow[] }
  | { error: NonNullable<VoipCsvPreview['fileError']>; missingColumns: string[]; rows: [] };

/**
 * Parses a provisioning CSV (RFC 4180: quoted fields, a BOM, `,` or `;` separators) and checks each row on its own.
 * Only the file's shape fails as a whole: unreadable, no rows, a required column missing, too many rows.
 */
export function readVoipCsv(text: string): VoipCsvFile {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: z.infer<typeof recordsSchema>;
  try {
    // With `info`, each record comes with where it was read; its declared type does not say so.
    records = recordsSchema.parse(
      parse(text, {
        bom: true,
        delimiter,
        info: true,
        relax_column_count: true,
        skip_empty_lines: true,
        skip_records_with_empty_values: true,
      }),
    );
  } catch {
    return { error: 'unreadable', missingColumns: [], rows: [] };
  }
  const [header, ...body] = records;
  if (!header || body.length === 0) return { error: 'empty', missingColumns: [], rows: [] };
  if (body.length > MAX_VOIP_CSV_ROWS) return { error: 'too_many_rows', missingColumns: [], rows: [] };
  const columns = header.record.map(columnOf);
  const missing = requiredVoipCsvColumns.filter((column) => !columns.includes(column));
  if (missing.length > 0) return { error: 'missing_columns', missingColumns: [...missing], rows: [] };
  const rows = body.map(({ record, info }) => {
    const values: Partial<Record<VoipCsvColumn, string>> = {};
    columns.forEach((column, index) => {
      if (column && values[column] === undefined) values[column] = record[index] ?? '';
    });
    const checked = validateVoipCsvRow(values);
    const lineText = (values.line ?? '').trim();
    return {
      row: info.lines,
      serial: (values.serial ?? '').trim(),
      line: /^\d{1,3}$/.test(lineText) ? Number(lineText) : null,
      server: (values.sip_server ?? '').trim(),
      user: (values.user ?? '').trim(),
      transport: (values.transport ?? '').trim().toUpperCase(),
      settings: 'settings' in checked ? checked.settings : null,
      errors: checked.errors,
    };
  });
  return { error: null, missingColumns: [], rows };
}

import { stringify } from 'csv-stringify/browser/esm/sync';

/** Rows as CSV: a header of the column titles, then each record's cells, in the columns' order. */
export function listCsv<T>(
  columns: readonly { title: string; csv: (record: T) => string }[],
  records: readonly T[],
): string {
  return stringify([
    columns.map((column) => column.title),
    ...records.map((record) => columns.map((c) => c.csv(record))),
  ]);
}

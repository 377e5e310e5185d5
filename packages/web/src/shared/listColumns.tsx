import { Alert, Button } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import type { DataTableColumn } from 'mantine-datatable';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorKey } from '../api.ts';
import { ColumnChooser } from './ColumnChooser.tsx';
import { listCsv } from './list-csv.ts';
import { useColumnPreferences } from './columnPreferences.ts';

/** One column a person can show, hide, move and export. */
export interface ListColumn<T, K extends string> {
  key: K;
  title: string;
  render: (record: T) => ReactNode;
  sortable?: boolean;
  width?: number;
  /** The cell in a CSV file: plain values (ISO 8601 times, unformatted numbers). */
  csv: (record: T) => string;
}

/**
 * A list's columns as the signed-in person arranged them (remembered per user): the table's columns, the chooser
 * that changes them, and the CSV of rows with the same columns in the same order.
 */
export function useListColumns<T, K extends string>(
  list: string,
  columns: readonly ListColumn<T, K>[],
  defaultHidden: readonly K[] = [],
) {
  const byKey = new Map(columns.map((column) => [column.key, column]));
  const preferences = useColumnPreferences(
    list,
    columns.map((column) => column.key),
    defaultHidden,
  );
  const visible = preferences.visible.flatMap((key) => byKey.get(key) ?? []);
  const tableColumns: DataTableColumn<T>[] = visible.map((column) => ({
    accessor: column.key,
    title: column.title,
    sortable: column.sortable,
    width: column.width,
    render: column.render,
  }));
  return {
    tableColumns,
    chooser: (
      <ColumnChooser
        choice={preferences.choice}
        label={(key) => byKey.get(key)?.title ?? key}
        onChange={preferences.update}
        onReset={preferences.reset}
      />
    ),
    toCsv: (records: readonly T[]) => listCsv(visible, records),
  };
}

/** The most rows one export holds. */
export const LIST_EXPORT_LIMIT = 10_000;
const EXPORT_PAGE_SIZE = 500;

/** Reads every page of the current view (same search, filters and sort) and saves it as a CSV file. */
export function ExportCsvButton<T>({
  fileName,
  fetchPage,
  toCsv,
  testId,
}: {
  fileName: string;
  fetchPage: (page: number, limit: number) => Promise<{ items: T[]; total: number }>;
  toCsv: (records: readonly T[]) => string;
  testId: string;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);

  async function download(): Promise<void> {
    setBusy(true);
    setFailure(null);
    try {
      const records: T[] = [];
      for (let page = 1; records.length < LIST_EXPORT_LIMIT; page += 1) {
        const result = await fetchPage(page, EXPORT_PAGE_SIZE);
        records.push(...result.items);
        if (result.items.length < EXPORT_PAGE_SIZE || records.length >= result.total) break;
      }
      const url = URL.createObjectURL(new Blob([toCsv(records.slice(0, LIST_EXPORT_LIMIT))], { type: 'text/csv' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      link.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button
        variant="default"
        leftSection={<IconDownload size={16} aria-hidden />}
        loading={busy}
        onClick={() => void download()}
        data-testid={testId}
      >
        {t('lists.exportCsv')}
      </Button>
      {failure !== null ? (
        <Alert color="red" variant="light" role="alert" withCloseButton onClose={() => setFailure(null)}>
          {t(errorKey(failure))}
        </Alert>
      ) : null}
    </>
  );
}

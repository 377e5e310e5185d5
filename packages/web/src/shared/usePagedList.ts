import { useDebouncedValue } from '@mantine/hooks';
import type { DataTableSortStatus } from 'mantine-datatable';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';

export interface PagedListOptions {
  /** The API's sort field for a table column; unknown columns fall back to what it returns. */
  sortField: (column: string) => string;
  initialSearch?: string;
  initialLimit?: number;
  /** The column and direction first shown sorted (by name, ascending, unless given). */
  initialSort?: { column: string; direction: 'asc' | 'desc' };
}

/** Search box, page, page size and sort of a server-paged list; any change but the page returns to page 1. */
export function usePagedList<T>({
  sortField,
  initialSearch = '',
  initialLimit = 25,
  initialSort = { column: 'name', direction: 'asc' },
}: PagedListOptions) {
  const [search, setSearchValue] = useState(initialSearch);
  const [q] = useDebouncedValue(search.trim(), 300);
  const [page, setPage] = useState(1);
  const [limit, setLimitValue] = useState(initialLimit);
  const [sortStatus, setSortStatusValue] = useState<DataTableSortStatus<T>>({
    columnAccessor: initialSort.column,
    direction: initialSort.direction,
  });
  const sort = `${sortStatus.direction === 'desc' ? '-' : ''}${sortField(String(sortStatus.columnAccessor))}`;

  function resetPage<V>(set: (value: V) => void): (value: V) => void {
    return (value) => {
      set(value);
      setPage(1);
    };
  }

  return {
    search,
    setSearch: resetPage(setSearchValue),
    q,
    page,
    setPage,
    limit,
    setLimit: resetPage(setLimitValue),
    sortStatus,
    setSortStatus: resetPage(setSortStatusValue),
    sort,
  };
}

export type PagedList<T> = ReturnType<typeof usePagedList<T>>;

/** Sort by the column itself when the API knows it, else by name. */
export function sortableColumns(columns: string[]): (column: string) => string {
  const sortable = new Set(columns);
  return (column) => (sortable.has(column) ? column : 'name');
}

/** "1–25 of 120" under a paged list, in the reader's number format. */
export function usePageRange(): (from: number, to: number, total: number) => string {
  const { t } = useTranslation();
  const language = currentLanguage();
  return (from, to, total) =>
    t('devices.pageRange', {
      from: formatNumber(language, from),
      to: formatNumber(language, to),
      total: formatNumber(language, total),
    });
}

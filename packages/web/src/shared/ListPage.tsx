import {
  ActionIcon,
  Alert,
  Group,
  Loader,
  Menu,
  Stack,
  Text,
  TextInput,
  Title,
  type TextInputProps,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconDots, IconSearch } from '@tabler/icons-react';
import type { UseQueryResult } from '@tanstack/react-query';
import { DataTable, type DataTableColumn } from 'mantine-datatable';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorKey } from '../api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { RecordCards, type RecordCardsProps } from '../shell/RecordCards.tsx';
import { usePageRange, type PagedList } from './usePagedList.ts';

interface Page<T> {
  items: T[];
  total: number;
}

/** Page title with the record count, a spinner while refetching, and the page's main action. */
export function ListHeader({
  title,
  count,
  fetching,
  action,
}: {
  title: string;
  count: string | null;
  fetching: boolean;
  action: ReactNode;
}) {
  return (
    <Group justify="space-between" align="center" gap="sm">
      <Group align="baseline" gap="sm">
        <Title order={1} size="h2">
          {title}
        </Title>
        {count !== null ? (
          <Text c="dimmed" size="sm">
            {count}
          </Text>
        ) : null}
        {fetching ? <Loader size="xs" aria-hidden /> : null}
      </Group>
      {action}
    </Group>
  );
}

export interface SearchBoxProps extends Omit<TextInputProps, 'value' | 'onChange' | 'label'> {
  label: string;
  value: string;
  onChange: (value: string) => void;
  'data-testid'?: string;
}

/** The search field above a list, named for screen readers by its label. */
export function SearchBox({ label, placeholder, value, onChange, ...rest }: SearchBoxProps) {
  return (
    <TextInput
      aria-label={label}
      placeholder={placeholder ?? label}
      leftSection={<IconSearch size={16} aria-hidden />}
      type="search"
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      {...rest}
    />
  );
}

/** A failed action, dismissed by resetting the mutation. */
export function MutationError({ mutation }: { mutation: { isError: boolean; error: unknown; reset: () => void } }) {
  const { t } = useTranslation();
  if (!mutation.isError) return null;
  return (
    <Alert color="red" variant="light" role="alert" withCloseButton onClose={() => mutation.reset()}>
      {t(errorKey(mutation.error))}
    </Alert>
  );
}

/** The "…" menu at the end of a row or card. */
export function RowActionsMenu({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <Menu position="bottom-end" shadow="md" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={label} data-testid={testId}>
          <IconDots size={18} aria-hidden />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>{children}</Menu.Dropdown>
    </Menu>
  );
}

/** Title block of a record card: the name, its status below, actions at the end. */
export function CardHeader({
  name,
  status,
  actions,
  align,
}: {
  name: string;
  status: ReactNode;
  actions: ReactNode;
  align?: 'flex-start';
}) {
  return (
    <Group justify="space-between" wrap="nowrap" align={align}>
      <Stack gap={4} miw={0}>
        <Text fw={600} truncate>
          <bdi>{name}</bdi>
        </Text>
        {status}
      </Stack>
      {actions}
    </Group>
  );
}

export interface ListViewProps<T> {
  query: Pick<UseQueryResult<Page<T>>, 'isError' | 'data' | 'error' | 'refetch' | 'isLoading'>;
  paged: PagedList<T>;
  columns: DataTableColumn<T>[];
  loadFailed: string;
  noRecordsText: string;
  /** data-testid of a table row, and of a phone card. */
  rowTestId: (record: T) => string;
  /** Phones: one card per record… */
  cards?: Omit<RecordCardsProps<T>, 'records' | 'recordKey' | 'testId' | 'emptyText'>;
  /** …or a layout of the page's own. */
  phone?: ReactNode;
  minHeight?: number;
  /** Lets the reader choose the page size. */
  pageSizes?: { options: number[]; label: string };
  paginationControlLabel?: (control: 'first' | 'last' | 'previous' | 'next') => string;
  onRowClick?: (record: T) => void;
  /** Rows picked for a bulk action, with the labels of their checkboxes. */
  selection?: {
    selected: T[];
    onChange: (records: T[]) => void;
    allLabel: string;
    rowLabel: (record: T) => string;
  };
}

/** A server-paged list: its load error, else cards on phones and a sortable table elsewhere. */
export function ListView<T extends { id: string | number }>({
  query,
  paged,
  columns,
  loadFailed,
  noRecordsText,
  rowTestId,
  cards,
  phone,
  minHeight = 200,
  pageSizes,
  paginationControlLabel,
  onRowClick,
  selection,
}: ListViewProps<T>) {
  const isPhone = useMediaQuery('(max-width: 48em)');
  const pageRange = usePageRange();
  const list = query.data;
  if (query.isError && !list) {
    return <LoadError title={loadFailed} error={query.error} onRetry={() => void query.refetch()} />;
  }
  if (isPhone) {
    if (phone !== undefined || !cards) return phone;
    return list ? (
      <RecordCards
        records={list.items}
        recordKey={(record) => String(record.id)}
        testId={rowTestId}
        emptyText={noRecordsText}
        {...cards}
      />
    ) : (
      <Loader mx="auto" my="xl" />
    );
  }
  const sizes = pageSizes
    ? {
        recordsPerPageOptions: pageSizes.options,
        onRecordsPerPageChange: paged.setLimit,
        recordsPerPageLabel: pageSizes.label,
      }
    : {};
  const selecting = selection
    ? {
        selectedRecords: selection.selected,
        onSelectedRecordsChange: selection.onChange,
        allRecordsSelectionCheckboxProps: { 'aria-label': selection.allLabel },
        getRecordSelectionCheckboxProps: (record: T) => ({ 'aria-label': selection.rowLabel(record) }),
      }
    : {};
  return (
    <DataTable<T>
      {...selecting}
      withTableBorder
      borderRadius="md"
      highlightOnHover
      verticalSpacing="sm"
      minHeight={list && list.items.length > 0 ? undefined : minHeight}
      records={list?.items ?? []}
      columns={columns}
      idAccessor="id"
      fetching={!list && query.isLoading}
      totalRecords={list?.total ?? 0}
      recordsPerPage={paged.limit}
      page={paged.page}
      onPageChange={paged.setPage}
      {...sizes}
      paginationText={({ from, to, totalRecords }) => pageRange(from, to, totalRecords)}
      getPaginationControlProps={
        paginationControlLabel ? (control) => ({ 'aria-label': paginationControlLabel(control) }) : undefined
      }
      sortStatus={paged.sortStatus}
      onSortStatusChange={paged.setSortStatus}
      noRecordsText={noRecordsText}
      customRowAttributes={(record) => ({ 'data-testid': rowTestId(record) })}
      onRowClick={onRowClick ? ({ record }) => onRowClick(record) : undefined}
      rowStyle={onRowClick ? () => ({ cursor: 'pointer' }) : undefined}
    />
  );
}

import { Button, TextInput } from '@mantine/core';
import { IconFilterOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** Whether a date range (ISO `YYYY-MM-DD`, either end may be empty) ends before it starts. */
export const isReversedRange = (from: string, to: string) => from !== '' && to !== '' && to < from;

/**
 * Two date fields of a list's filters. A reversed range shows as an error on the second field; the page does not
 * send it. Test ids are `<testId>-from` and `<testId>-to`.
 */
export function DateRangeFilter({
  labels,
  from,
  to,
  onChange,
  width,
  testId,
}: {
  labels: { from: string; to: string };
  from: string;
  to: string;
  onChange: (end: 'from' | 'to', value: string) => void;
  width: number;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      <TextInput
        type="date"
        label={labels.from}
        value={from}
        onChange={(event) => onChange('from', event.currentTarget.value)}
        w={width}
        data-testid={`${testId}-from`}
      />
      <TextInput
        type="date"
        label={labels.to}
        value={to}
        onChange={(event) => onChange('to', event.currentTarget.value)}
        error={isReversedRange(from, to) ? t('audit.rangeInvalid') : undefined}
        w={width}
        data-testid={`${testId}-to`}
      />
    </>
  );
}

/** The "Clear filters" button at the end of a list's filter row. */
export function ClearFiltersButton({ onClear, disabled }: { onClear: () => void; disabled: boolean }) {
  const { t } = useTranslation();
  return (
    <Button
      variant="subtle"
      mt={25}
      leftSection={<IconFilterOff size={16} aria-hidden />}
      onClick={onClear}
      disabled={disabled}
    >
      {t('devices.clearFilters')}
    </Button>
  );
}

import { ActionIcon, Button, Checkbox, Group, Popover, Stack, Text } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconColumns } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { isolate } from '../i18n/format.ts';
import type { ColumnChoice } from './columnPreferences.ts';

/** Show, hide and reorder a list's columns (buttons rather than dragging, so a keyboard can do it too). */
export function ColumnChooser<K extends string>({
  choice,
  label,
  onChange,
  onReset,
}: {
  choice: ColumnChoice<K>;
  label: (column: K) => string;
  onChange: (choice: ColumnChoice<K>) => void;
  onReset: () => void;
}) {
  const { t } = useTranslation();
  const { order, hidden } = choice;
  const move = (index: number, by: -1 | 1) => {
    const next = [...order];
    [next[index], next[index + by]] = [next[index + by]!, next[index]!];
    onChange({ order: next, hidden });
  };
  const toggle = (column: K, shown: boolean) => {
    const nextHidden = shown ? hidden.filter((key) => key !== column) : [...hidden, column];
    if (nextHidden.length < order.length) onChange({ order, hidden: nextHidden });
  };

  return (
    <Popover position="bottom-end" shadow="md" withinPortal trapFocus>
      <Popover.Target>
        <Button variant="default" leftSection={<IconColumns size={16} aria-hidden />} data-testid="column-chooser">
          {t('lists.columns')}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap={4} component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label={t('lists.columns')}>
          {order.map((column, index) => (
            <Group key={column} component="li" gap={4} justify="space-between" wrap="nowrap">
              <Checkbox
                label={label(column)}
                checked={!hidden.includes(column)}
                onChange={(event) => toggle(column, event.currentTarget.checked)}
                data-testid={`column-toggle-${column}`}
              />
              <Group gap={2} wrap="nowrap">
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  size="sm"
                  disabled={index === 0}
                  onClick={() => move(index, -1)}
                  aria-label={t('lists.moveColumnUp', { column: isolate(label(column)) })}
                  data-testid={`column-up-${column}`}
                >
                  <IconArrowUp size={14} aria-hidden />
                </ActionIcon>
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  size="sm"
                  disabled={index === order.length - 1}
                  onClick={() => move(index, 1)}
                  aria-label={t('lists.moveColumnDown', { column: isolate(label(column)) })}
                  data-testid={`column-down-${column}`}
                >
                  <IconArrowDown size={14} aria-hidden />
                </ActionIcon>
              </Group>
            </Group>
          ))}
        </Stack>
        <Group justify="space-between" mt="sm" gap="xs">
          <Text size="xs" c="dimmed">
            {t('lists.columnsRemembered')}
          </Text>
          <Button variant="subtle" size="compact-xs" onClick={onReset}>
            {t('lists.resetColumns')}
          </Button>
        </Group>
      </Popover.Dropdown>
    </Popover>
  );
}

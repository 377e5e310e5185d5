import { Card, SimpleGrid, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

export interface CardField<T> {
  key: string;
  label: string;
  render: (record: T) => ReactNode;
}

export interface RecordCardsProps<T> {
  records: T[];
  recordKey: (record: T) => string;
  /** Title block of each card (name, status). */
  header: (record: T) => ReactNode;
  fields: CardField<T>[];
  /** Actions menu or buttons at the end of each card. */
  actions?: (record: T) => ReactNode;
  accent?: (record: T) => string;
  testId?: (record: T) => string;
  emptyText: string;
}

/** Phones: one card per record with the table's fields stacked two by two. */
export function RecordCards<T>({
  records,
  recordKey,
  header,
  fields,
  actions,
  accent,
  testId,
  emptyText,
}: RecordCardsProps<T>) {
  if (records.length === 0) {
    return (
      <Text c="dimmed" ta="center" py="xl">
        {emptyText}
      </Text>
    );
  }
  return (
    <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
      {records.map((record) => (
        <Card
          key={recordKey(record)}
          component="li"
          withBorder
          radius="md"
          padding="md"
          data-testid={testId?.(record)}
          style={accent ? { borderInlineStart: `4px solid var(--mantine-color-${accent(record)}-6)` } : undefined}
        >
          <Stack gap="sm">
            {header(record)}
            <SimpleGrid cols={2} spacing="xs" verticalSpacing="xs">
              {fields.map((field) => (
                <Stack key={field.key} gap={0} miw={0}>
                  <Text size="xs" c="dimmed">
                    {field.label}
                  </Text>
                  <Text size="sm" component="div" style={{ overflowWrap: 'anywhere' }}>
                    {field.render(record)}
                  </Text>
                </Stack>
              ))}
            </SimpleGrid>
            {actions ? actions(record) : null}
          </Stack>
        </Card>
      ))}
    </Stack>
  );
}

import { Group, Text } from '@mantine/core';
import { IconChevronRight } from '@tabler/icons-react';
import { Fragment } from 'react';

/**
 * `Server A > Subnet … > Stack S > C-Link 00`: each step is a left-to-right isolate, while the steps follow the
 * page direction and the chevron mirrors in Arabic (GLOSSARY.md §1). The separator is the one protocol's
 * formatConnectionPath() writes.
 */
export function ConnectionPath({ path }: { path: string }) {
  const steps = path.split(' > ');
  return (
    <Group gap={2} wrap="wrap" component="span">
      {steps.map((step, index) => (
        <Fragment key={`${index}-${step}`}>
          {index > 0 ? (
            <IconChevronRight size={12} className="tutti-mirror" aria-hidden color="var(--mantine-color-gray-5)" />
          ) : null}
          <Text span size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
            <bdi>{step}</bdi>
          </Text>
        </Fragment>
      ))}
    </Group>
  );
}

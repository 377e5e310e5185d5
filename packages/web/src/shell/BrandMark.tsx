import { Group, Text, ThemeIcon } from '@mantine/core';
import { IconWaveSine } from '@tabler/icons-react';

/** The product name is never translated (GLOSSARY.md §1). */
export function BrandMark({ size = 'md' }: { size?: 'md' | 'lg' }) {
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon
        size={size === 'lg' ? 40 : 32}
        radius="md"
        variant="gradient"
        gradient={{ from: 'blue.7', to: 'cyan.5', deg: 135 }}
        aria-hidden
      >
        <IconWaveSine size={size === 'lg' ? 24 : 20} stroke={2} />
      </ThemeIcon>
      <Text
        component="span"
        fw={700}
        size={size === 'lg' ? 'xl' : 'lg'}
        lang="en"
        translate="no"
        style={{ letterSpacing: '-0.01em' }}
      >
        Tutti
      </Text>
    </Group>
  );
}

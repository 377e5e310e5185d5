import { Anchor, Card, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { DeviceDto } from '@tutti/protocol';
import { useTranslation } from 'react-i18next';
import { UpdateAvailableBadge } from '../firmware/UpdateAvailableBadge.tsx';
import { ConnectionPath } from './ConnectionPath.tsx';
import { DeviceStatusCell } from './DeviceStatusCell.tsx';
import { severityColor } from './status.ts';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0} miw={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </Stack>
  );
}

/** Phones: one card per device, same data and test ids as the table rows. */
export function DeviceCards({ devices }: { devices: DeviceDto[] }) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
      {devices.map((device) => (
        <Card
          key={device.id}
          component="li"
          withBorder
          radius="md"
          padding="md"
          data-testid={`device-row-${device.serial}`}
          style={{ borderInlineStart: `4px solid var(--mantine-color-${severityColor[device.severity]}-6)` }}
        >
          <Stack gap="sm">
            <Stack gap={0} miw={0}>
              <Anchor
                renderRoot={(props) => <Link {...props} to="/devices/$id" params={{ id: device.id }} />}
                fw={600}
                truncate
                data-testid={`device-link-${device.serial}`}
              >
                <bdi>{device.name}</bdi>
              </Anchor>
              <Text size="sm" c="dimmed" truncate>
                <bdi>{device.modelName}</bdi>
              </Text>
            </Stack>
            <Group justify="space-between" align="flex-start" gap="xs">
              <DeviceStatusCell device={device} />
              <UpdateAvailableBadge version={device.updateAvailable} />
            </Group>
            <SimpleGrid cols={2} spacing="xs" verticalSpacing="xs">
              <Field label={t('devices.columns.serial')}>
                <bdi>{device.serial}</bdi>
              </Field>
              <Field label={t('devices.columns.accessIp')}>
                <bdi>{device.accessIp}</bdi>
              </Field>
              <Field label={t('devices.columns.firmware')}>
                <bdi>{device.firmware}</bdi>
              </Field>
              <Field label={t('devices.columns.location')}>
                {device.location !== null ? <bdi>{device.location}</bdi> : '—'}
              </Field>
            </SimpleGrid>
            <Stack gap={2}>
              <Text size="xs" c="dimmed">
                {t('devices.columns.connections')}
              </Text>
              <ConnectionPath path={device.connectionPath} />
            </Stack>
          </Stack>
        </Card>
      ))}
    </Stack>
  );
}

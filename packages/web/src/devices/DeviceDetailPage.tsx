import { Anchor, Card, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconChevronLeft } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { DeviceDetail, StackMember } from '@tutti/protocol';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatIsoDateTime, isolate } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { ChatAboutDeviceButton } from '../chat/ChatAboutDeviceButton.tsx';
import { LoadError } from '../shell/LoadError.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { ConnectionPath } from './ConnectionPath.tsx';
import { DeviceStatusCell } from './DeviceStatusCell.tsx';
import { deviceQueryOptions } from './devices.queries.ts';
import { StackDiagram } from './StackDiagram.tsx';
import { StatusHistory } from './StatusHistory.tsx';
import { VoipLinesCard } from '../voip/VoipLinesCard.tsx';
import { severityColor } from './status.ts';
import { UpdateAvailableBadge } from '../firmware/UpdateAvailableBadge.tsx';
import { DeviceOperationsMenu } from '../jobs/DeviceOperationsMenu.tsx';
import { DownloadRunningConfiguration } from '../backups/DownloadRunningConfiguration.tsx';
import { DeviceFtpValue, DeviceLogsCard } from '../jobs/DeviceMaintenance.tsx';

function Field({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Stack gap={2} miw={0}>
      <Text size="xs" c="dimmed" component="dt">
        {label}
      </Text>
      <Text size="sm" component="dd" m={0} style={{ overflowWrap: 'anywhere' }} data-testid={testId}>
        {children}
      </Text>
    </Stack>
  );
}

/** Units to draw: the whole stack, or a standalone unit with its peripherals, or a peripheral under its host. */
function linkedUnits(device: DeviceDetail): StackMember[] {
  if (device.stack) return device.stack.members;
  if (device.peripherals.length > 0) return [{ device, peripherals: device.peripherals }];
  if (device.host) return [{ device: device.host, peripherals: [device] }];
  return [];
}

export function DeviceDetailPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const query = useQuery(deviceQueryOptions(id));
  const device = query.data;
  usePageTitle(device?.name ?? t('deviceDetail.title'));

  const back = (
    <Anchor component={Link} to="/devices" size="sm" data-testid="back-to-devices">
      <Group gap={4} wrap="nowrap" component="span">
        <IconChevronLeft size={16} className="tutti-mirror" aria-hidden />
        {t('devices.title')}
      </Group>
    </Anchor>
  );

  if (!device) {
    return (
      <Stack gap="md">
        {back}
        {query.isError ? (
          <LoadError title={t('deviceDetail.loadFailed')} error={query.error} onRetry={() => void query.refetch()} />
        ) : (
          <Loader mx="auto" my="xl" />
        )}
      </Stack>
    );
  }

  const units = linkedUnits(device);
  const dash = (
    <Text span c="dimmed" aria-label={t('deviceDetail.none')}>
      —
    </Text>
  );

  return (
    <Stack gap="md" data-testid="device-detail">
      <Group justify="space-between" gap="sm">
        {back}
        <Group gap="xs">
          <DeviceOperationsMenu devices={[device]} />
          <DownloadRunningConfiguration device={device} />
          <ChatAboutDeviceButton deviceId={device.id} />
        </Group>
      </Group>
      <Card
        withBorder
        radius="md"
        padding="lg"
        style={{ borderInlineStart: `4px solid var(--mantine-color-${severityColor[device.severity]}-6)` }}
      >
        <Group justify="space-between" align="flex-start" gap="md">
          <Stack gap={2} miw={0}>
            <Title order={1} size="h2" data-testid="device-detail-name">
              <bdi>{device.name}</bdi>
            </Title>
            <Text c="dimmed">
              <bdi>{device.modelName}</bdi>
            </Text>
          </Stack>
          <DeviceStatusCell device={device} />
        </Group>
        <Stack gap={4} mt="md">
          <Text size="xs" c="dimmed">
            {t('devices.columns.connections')}
          </Text>
          <ConnectionPath path={device.connectionPath} />
        </Stack>
      </Card>

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Card withBorder radius="md" padding="lg">
          <Title order={2} size="h4" mb="md">
            {t('deviceDetail.identity')}
          </Title>
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md" verticalSpacing="md" component="dl" m={0}>
            <Field label={t('devices.columns.model')}>
              <bdi>{device.modelName}</bdi>
            </Field>
            <Field label={t('devices.columns.name')}>
              <bdi>{device.name}</bdi>
            </Field>
            <Field label={t('devices.columns.serial')} testId="device-detail-serial">
              <bdi className="tutti-mono">{device.serial}</bdi>
            </Field>
            <Field label={t('deviceDetail.mac')}>
              {device.mac ? <bdi className="tutti-mono">{device.mac}</bdi> : dash}
            </Field>
            <Field label={t('devices.columns.firmware')}>
              <Group gap={6} wrap="nowrap" component="span">
                <bdi>{device.firmware}</bdi>
                <UpdateAvailableBadge version={device.updateAvailable} />
              </Group>
            </Field>
            <Field label={t('devices.columns.accessIp')}>
              <bdi className="tutti-mono">{device.accessIp}</bdi>
            </Field>
            <Field label={t('deviceDetail.port')}>
              <bdi className="tutti-mono">{device.port}</bdi>
            </Field>
            <Field label={t('devices.columns.location')}>
              {device.location !== null ? <bdi>{device.location}</bdi> : dash}
            </Field>
            <Field label={t('deviceDetail.ftp')} testId="device-detail-ftp">
              <DeviceFtpValue deviceId={device.id} />
            </Field>
            <Field label={t('deviceDetail.firstSeen')}>{formatIsoDateTime(language, device.firstSeenAt) ?? dash}</Field>
            <Field label={t('deviceDetail.lastSeen')}>{formatIsoDateTime(language, device.lastSeenAt) ?? dash}</Field>
          </SimpleGrid>
        </Card>

        <Card withBorder radius="md" padding="lg">
          <Title order={2} size="h4" mb="md">
            {device.stack
              ? t('deviceDetail.stackNamed', { name: isolate(device.stack.name) })
              : t('deviceDetail.linkedDevices')}
          </Title>
          {units.length > 0 ? (
            <StackDiagram members={units} currentId={device.id} />
          ) : (
            <Text size="sm" c="dimmed">
              {t('deviceDetail.standalone')}
            </Text>
          )}
        </Card>
      </SimpleGrid>

      <VoipLinesCard device={device} />

      <DeviceLogsCard deviceId={device.id} />

      <Card withBorder radius="md" padding="lg">
        <Title order={2} size="h4" mb="md">
          {t('deviceDetail.history')}
        </Title>
        <StatusHistory deviceId={device.id} />
      </Card>
    </Stack>
  );
}

import { Group, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconCircleX } from '@tabler/icons-react';
import type { DeviceDto, Severity } from '@tutti/protocol';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatDuration } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { useNow } from '../live/clock.ts';
import { severityColor, severityTextColor, statusLabelKey } from './status.ts';

const severityIcon: Record<Severity, typeof IconCircleCheck> = {
  healthy: IconCircleCheck,
  issue: IconAlertTriangle,
  down: IconCircleX,
};

/** "for 3 min", re-rendered every second on its own so the table does not re-render. */
export function StatusAge({ since }: { since: string }) {
  const { t } = useTranslation();
  const now = useNow();
  const started = Date.parse(since);
  if (Number.isNaN(started)) return null;
  const language = currentLanguage();
  const duration = formatDuration(language, (now - started) / 1000);
  return (
    <Text size="xs" c="dimmed" component="time" dateTime={since} title={formatDateTime(language, started)}>
      {t('devices.statusFor', { duration })}
    </Text>
  );
}

export function DeviceStatusCell({
  device,
}: {
  device: Pick<DeviceDto, 'serial' | 'status' | 'severity' | 'statusSince'>;
}) {
  const { t } = useTranslation();
  const color = severityColor[device.severity];
  const SeverityIcon = severityIcon[device.severity];
  return (
    <Group gap={10} wrap="nowrap" align="flex-start" data-severity={device.severity}>
      <ThemeIcon color={color} variant="light" size={28} radius="xl" aria-hidden>
        <SeverityIcon size={18} stroke={1.8} />
      </ThemeIcon>
      <Stack gap={0} miw={0}>
        <Text size="sm" fw={600} c={severityTextColor[device.severity]} data-testid={`device-status-${device.serial}`}>
          {t(statusLabelKey(device.status))}
        </Text>
        <StatusAge since={device.statusSince} />
      </Stack>
    </Group>
  );
}

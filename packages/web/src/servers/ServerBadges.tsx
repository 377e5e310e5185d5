import { Badge } from '@mantine/core';
import type { MonitoringStatus } from '@tutti/protocol';
import { useTranslation } from 'react-i18next';

const monitoringColor: Record<MonitoringStatus, string> = { active: 'teal', issue: 'orange', off: 'gray' };

export function ServerStatusBadge({ connected, testId }: { connected: boolean; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Badge
      variant="dot"
      color={connected ? 'teal' : 'gray'}
      style={{ textTransform: 'none' }}
      data-testid={testId}
      data-connected={connected}
    >
      {t(connected ? 'serverStatus.connected' : 'serverStatus.disconnected')}
    </Badge>
  );
}

export function MonitoringBadge({ status }: { status: MonitoringStatus }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={monitoringColor[status]} style={{ textTransform: 'none' }}>
      {t(`monitoringStatus.${status}`)}
    </Badge>
  );
}

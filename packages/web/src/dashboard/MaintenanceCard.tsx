import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { maintenanceWindowsQueryOptions } from '../alerts/alerts.queries.ts';

/**
 * Maintenance in force right now (alerts for what it covers are held back): shown on the dashboard so nobody
 * mistakes a quiet room for a healthy one. Nothing is shown when no window is in force.
 */
export function MaintenanceCard() {
  const { t } = useTranslation();
  const windows = useQuery({ ...maintenanceWindowsQueryOptions, refetchInterval: 60_000 });
  const active = windows.data?.items.filter((window) => window.active) ?? [];
  if (active.length === 0) return null;
  return (
    <Card withBorder radius="md" padding="lg" style={{ gridColumn: '1 / -1' }} data-testid="dashboard-maintenance">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {t('dashboard.maintenanceNow')}
        </Title>
        <Anchor renderRoot={(props) => <Link {...props} to="/alerts" />} size="sm">
          {t('alerts.tabs.maintenance')}
        </Anchor>
      </Group>
      <Stack gap={6} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
        {active.map((window) => (
          <Group key={window.id} component="li" justify="space-between" wrap="nowrap" gap="sm">
            <Text size="sm" fw={500} truncate>
              <bdi>{window.name}</bdi>
            </Text>
            <Group gap="xs" wrap="nowrap">
              <Text size="sm" c="dimmed" truncate>
                {window.scopeName ? <bdi>{window.scopeName}</bdi> : t('alerts.maintenance.wholeOrganization')}
              </Text>
              <Badge variant="light" color="grape" style={{ textTransform: 'none' }}>
                {t('alerts.maintenance.active')}
              </Badge>
            </Group>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}

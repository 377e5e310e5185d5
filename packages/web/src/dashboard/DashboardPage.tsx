import {
  Anchor,
  Badge,
  Card,
  Group,
  Loader,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  ThemeIcon,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconCircleX, IconServer } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { Dashboard, Severity } from '@tutti/protocol';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { severityColor, severityLabelKey, severityTextColor, statusLabelKey } from '../devices/status.ts';
import { formatDateTime, formatDuration, formatNumber } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { useNow } from '../live/clock.ts';
import { HelpLink } from '../help/HelpLink.tsx';
import { LocationTree } from '../locations/LocationTree.tsx';
import { usePermissions } from '../session/permissions.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { MaintenanceCard } from './MaintenanceCard.tsx';
import { SeverityDonut } from './SeverityDonut.tsx';
import { MonitoringBadge, ServerStatusBadge } from '../servers/ServerBadges.tsx';
import { TableScroll } from '../shared/TableScroll.tsx';

export const dashboardQueryOptions = { queryKey: ['dashboard'], queryFn: () => api.dashboard() };

const severityIcon: Record<Severity, typeof IconCircleCheck> = {
  healthy: IconCircleCheck,
  issue: IconAlertTriangle,
  down: IconCircleX,
};
const order: Severity[] = ['down', 'issue', 'healthy'];

function DevicesCard({ data }: { data: Dashboard }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="md">
        <Title order={2} size="h4">
          {t('dashboard.devices')}
        </Title>
        <Anchor component={Link} to="/devices" size="sm">
          {t('dashboard.viewAllDevices')}
        </Anchor>
      </Group>
      <Group gap="xl" align="center" wrap="wrap" justify="center">
        <SeverityDonut
          counts={data.devices}
          total={data.devices.total}
          totalLabel={formatNumber(language, data.devices.total)}
        />
        <Stack gap="xs" style={{ flex: '1 1 200px' }} component="ul" p={0} m={0}>
          {order.map((severity) => {
            const Icon = severityIcon[severity];
            return (
              <li key={severity} style={{ listStyle: 'none' }}>
                <UnstyledButton
                  renderRoot={(props) => <Link {...props} to="/devices" search={{ severity }} />}
                  data-testid={`dashboard-severity-${severity}`}
                  w="100%"
                  p="xs"
                  style={{
                    display: 'block',
                    borderRadius: 'var(--mantine-radius-md)',
                    border: '1px solid var(--mantine-color-gray-3)',
                  }}
                >
                  <Group justify="space-between" wrap="nowrap">
                    <Group gap="sm" wrap="nowrap">
                      <ThemeIcon color={severityColor[severity]} variant="light" radius="xl" size={30} aria-hidden>
                        <Icon size={18} />
                      </ThemeIcon>
                      <Text fw={500}>{t(severityLabelKey(severity))}</Text>
                    </Group>
                    <Text
                      fw={700}
                      size="xl"
                      c={severityTextColor[severity]}
                      data-testid={`dashboard-count-${severity}`}
                    >
                      {formatNumber(language, data.devices[severity])}
                    </Text>
                  </Group>
                </UnstyledButton>
              </li>
            );
          })}
        </Stack>
      </Group>
    </Card>
  );
}

function ModelsCard({ data }: { data: Dashboard }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="md">
        {t('dashboard.byModel')}
      </Title>
      {data.byModel.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('dashboard.noDevices')}
        </Text>
      ) : (
        <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {data.byModel.map((row) => (
            <li key={row.model}>
              <UnstyledButton
                renderRoot={(props) => <Link {...props} to="/devices" search={{ model: [row.model] }} />}
                w="100%"
                style={{ display: 'block' }}
                data-testid={`dashboard-model-${row.model}`}
              >
                <Group justify="space-between" wrap="nowrap" mb={4}>
                  <Text size="sm" fw={500} truncate>
                    <bdi>{row.modelName}</bdi>
                  </Text>
                  <Text size="sm" fw={600}>
                    {formatNumber(language, row.total)}
                  </Text>
                </Group>
                <Progress.Root size="sm" aria-hidden>
                  {order.map((severity) =>
                    row[severity] > 0 ? (
                      <Progress.Section
                        key={severity}
                        value={(row[severity] / row.total) * 100}
                        color={severityColor[severity]}
                      />
                    ) : null,
                  )}
                </Progress.Root>
              </UnstyledButton>
            </li>
          ))}
        </Stack>
      )}
    </Card>
  );
}

function ServersCard({ data }: { data: Dashboard }) {
  const { t } = useTranslation();
  const { can } = usePermissions();
  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="md">
        <Title order={2} size="h4">
          {t('nav.servers')}
        </Title>
        {can('servers.view') ? (
          <Anchor component={Link} to="/servers" size="sm">
            {t('dashboard.viewAllServers')}
          </Anchor>
        ) : null}
      </Group>
      {data.byServer.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('dashboard.noServers')}
        </Text>
      ) : (
        <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {data.byServer.map((server) => (
            <Group
              key={server.id}
              component="li"
              justify="space-between"
              wrap="wrap"
              gap="xs"
              data-testid={`dashboard-server-${server.name}`}
            >
              <Group gap="sm" wrap="nowrap" miw={0}>
                <ThemeIcon variant="light" color="gray" radius="md" aria-hidden>
                  <IconServer size={18} />
                </ThemeIcon>
                <Stack gap={0} miw={0}>
                  <Text size="sm" fw={600} truncate>
                    <bdi>{server.name}</bdi>
                  </Text>
                  <Text size="xs" c="dimmed">
                    {t('devices.count', { count: server.total })}
                  </Text>
                </Stack>
              </Group>
              <Group gap={6}>
                <ServerStatusBadge connected={server.connected} />
                <MonitoringBadge status={server.monitoring} />
              </Group>
            </Group>
          ))}
        </Stack>
      )}
    </Card>
  );
}

function LocationsCard({ data }: { data: Dashboard }) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="md" padding="lg" style={{ gridColumn: '1 / -1' }} data-testid="dashboard-locations">
      <Group justify="space-between" mb="md">
        <Title order={2} size="h4">
          {t('dashboard.byLocation')}
        </Title>
        <Anchor component={Link} to="/locations" size="sm">
          {t('dashboard.manageLocations')}
        </Anchor>
      </Group>
      {data.locations.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('dashboard.noLocations')}
        </Text>
      ) : (
        <LocationTree items={data.locations} unassigned={data.unassigned} />
      )}
    </Card>
  );
}

/** A support organization's clients: how their devices are doing, one row each. */
function ClientsCard({ data }: { data: Dashboard }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const totals = data.clients.reduce(
    (sum, client) => ({
      down: sum.down + client.down,
      issue: sum.issue + client.issue,
      healthy: sum.healthy + client.healthy,
    }),
    { down: 0, issue: 0, healthy: 0 },
  );
  return (
    <Card withBorder radius="md" padding="lg" style={{ gridColumn: '1 / -1' }} data-testid="dashboard-clients">
      <Group justify="space-between" mb="md">
        <Title order={2} size="h4">
          {t('dashboard.clients')}
        </Title>
        <Anchor component={Link} to="/organizations" size="sm">
          {t('dashboard.viewAllClients')}
        </Anchor>
      </Group>
      <TableScroll label={t('dashboard.clients')} minWidth={420}>
        <Table verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('dashboard.client')}</Table.Th>
              {order.map((severity) => (
                <Table.Th key={severity} ta="end">
                  {t(severityLabelKey(severity))}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.clients.map((client) => (
              <Table.Tr key={client.id} data-testid={`dashboard-client-${client.name}`}>
                <Table.Td>
                  <bdi>{client.name}</bdi>
                </Table.Td>
                {order.map((severity) => (
                  <Table.Td key={severity} ta="end" c={client[severity] > 0 ? severityTextColor[severity] : 'dimmed'}>
                    {formatNumber(language, client[severity])}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
          <Table.Tfoot>
            <Table.Tr>
              <Table.Th>{t('dashboard.allClients')}</Table.Th>
              {order.map((severity) => (
                <Table.Th key={severity} ta="end" data-testid={`dashboard-clients-${severity}`}>
                  {formatNumber(language, totals[severity])}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Tfoot>
        </Table>
      </TableScroll>
    </Card>
  );
}

function RecentChangesCard({ data }: { data: Dashboard }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const now = useNow();
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="md">
        {t('dashboard.recentChanges')}
      </Title>
      {data.recentChanges.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('dashboard.noChanges')}
        </Text>
      ) : (
        <Stack gap={0} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {data.recentChanges.map((change, index) => {
            const at = Date.parse(change.at);
            const name = <bdi>{change.name ?? change.serial}</bdi>;
            return (
              <Group
                key={`${change.serial}-${change.at}-${index}`}
                component="li"
                justify="space-between"
                wrap="nowrap"
                gap="sm"
                py={8}
                style={{ borderTop: index === 0 ? undefined : '1px solid var(--mantine-color-gray-2)' }}
              >
                <Stack gap={2} miw={0}>
                  {change.deviceId ? (
                    <Anchor
                      renderRoot={(props) => (
                        <Link {...props} to="/devices/$id" params={{ id: change.deviceId ?? '' }} />
                      )}
                      size="sm"
                      fw={500}
                      truncate
                    >
                      {name}
                    </Anchor>
                  ) : (
                    <Text size="sm" fw={500} truncate>
                      {name}
                    </Text>
                  )}
                  {Number.isNaN(at) ? null : (
                    <Text
                      size="xs"
                      c="dimmed"
                      component="time"
                      dateTime={change.at}
                      title={formatDateTime(language, at)}
                    >
                      {t('dashboard.ago', { duration: formatDuration(language, (now - at) / 1000) })}
                    </Text>
                  )}
                </Stack>
                <Badge
                  color={severityColor[change.severity]}
                  variant="light"
                  style={{ textTransform: 'none', flexShrink: 0 }}
                >
                  {t(statusLabelKey(change.status))}
                </Badge>
              </Group>
            );
          })}
        </Stack>
      )}
    </Card>
  );
}

export function DashboardPage() {
  const { t } = useTranslation();
  usePageTitle(t('nav.dashboard'));
  const dashboard = useQuery(dashboardQueryOptions);
  const { can } = usePermissions();
  const data = dashboard.data;
  return (
    <Stack gap="md">
      <Group justify="space-between" align="baseline">
        <Title order={1} size="h2">
          {t('nav.dashboard')}
        </Title>
        <Group gap="xs">
          {dashboard.isFetching ? <Loader size="xs" aria-hidden /> : null}
          <HelpLink screen="dashboard" />
        </Group>
      </Group>
      {!data ? (
        dashboard.isError ? (
          <LoadError
            title={t('dashboard.loadFailed')}
            error={dashboard.error}
            onRetry={() => void dashboard.refetch()}
          />
        ) : (
          <Loader mx="auto" my="xl" />
        )
      ) : (
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
          {can('alerts.view') ? <MaintenanceCard /> : null}
          {data.clients.length > 0 ? <ClientsCard data={data} /> : null}
          <DevicesCard data={data} />
          <ModelsCard data={data} />
          <LocationsCard data={data} />
          <ServersCard data={data} />
          <RecentChangesCard data={data} />
        </SimpleGrid>
      )}
    </Stack>
  );
}

import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import {
  IconDatabaseExport,
  IconDatabaseImport,
  IconDownload,
  IconReplace,
  IconSearch,
  IconShieldCheck,
  IconShieldX,
} from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { jobPermissions, type BackupDto, type DeviceDto } from '@tutti/protocol';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { formatIsoDateTime, formatNumber } from '../i18n/format.ts';
import { HelpLink } from '../help/HelpLink.tsx';
import { currentLanguage } from '../i18n/i18n.ts';
import { JobProgress, JobStateBadge } from '../jobs/job-labels.tsx';
import { connectJobsLive, jobQueryOptions, jobsQueryKey } from '../jobs/jobs.queries.ts';
import { usePermissions } from '../session/permissions.ts';
import { formatKilobytes } from '../shared/file-reading.ts';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { BackupDiffView } from './BackupDiffView.tsx';
import { backupsQueryKey, backupsQueryOptions, backupVerificationQueryOptions } from './backups.queries.ts';
import { ConfigurationLibrary } from './ConfigurationLibrary.tsx';
import { TableScroll } from '../shared/TableScroll.tsx';

/** Families whose units keep a configuration of their own (peripherals keep theirs in their host's project). */
const backedUpFamilies = ['converge_pro_2', 'converge_huddle'] as const;

function useBackupDevices(q: string) {
  return useQuery({
    queryKey: ['devices', 'list', 'backups', q],
    queryFn: () => api.listDevices({ family: [...backedUpFamilies], q: q || undefined, sort: 'name', limit: 500 }),
  });
}

/** The job this page started, with its live progress bar, until the user starts another. */
function RunningJob({ jobId }: { jobId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const job = useQuery(jobQueryOptions(jobId));
  useEffect(() => connectJobsLive(queryClient), [queryClient]);
  const finished = job.data !== undefined && job.data.state !== 'running';
  useEffect(() => {
    if (finished) void queryClient.invalidateQueries({ queryKey: backupsQueryKey });
  }, [finished, queryClient]);
  if (!job.data) return null;
  return (
    <Card withBorder radius="md" data-testid="backup-job" data-state={job.data.state}>
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Group gap="xs">
          <JobStateBadge state={job.data.state} />
          <Anchor renderRoot={(props) => <Link {...props} to="/jobs/$id" params={{ id: jobId }} />}>
            {t('backups.openJob')}
          </Anchor>
        </Group>
        <JobProgress job={job.data} testId="backup-job-progress" />
      </Group>
    </Card>
  );
}

function VerifiedBadge({ verified }: { verified: boolean | undefined }) {
  const { t } = useTranslation();
  if (verified === undefined) return null;
  return verified ? (
    <Badge
      color="teal"
      variant="light"
      leftSection={<IconShieldCheck size={12} aria-hidden />}
      style={{ textTransform: 'none' }}
    >
      {t('backups.verified')}
    </Badge>
  ) : (
    <Badge
      color="red"
      variant="light"
      leftSection={<IconShieldX size={12} aria-hidden />}
      style={{ textTransform: 'none' }}
    >
      {t('backups.corrupt')}
    </Badge>
  );
}

/** Restores one version onto a device of the same model: the one it came from, or a replacement. */
function ReplacementDialog({
  backup,
  onClose,
  onRestore,
  pending,
  error,
}: {
  backup: BackupDto | null;
  onClose: () => void;
  onRestore: (deviceId: string) => void;
  pending: boolean;
  error: unknown;
}) {
  const { t } = useTranslation();
  const [deviceId, setDeviceId] = useState<string | null>(null);
  const candidates = useQuery({
    queryKey: ['devices', 'list', 'replacement', backup?.model],
    queryFn: () => api.listDevices({ model: backup ? [backup.model] : undefined, sort: 'name', limit: 500 }),
    enabled: backup !== null,
  });
  return (
    <Modal opened={backup !== null} onClose={onClose} title={t('backups.replacementTitle')}>
      <Stack gap="sm">
        <Text size="sm">{t('backups.replacementHint')}</Text>
        <Select
          label={t('backups.replacementDevice')}
          data={(candidates.data?.items ?? [])
            .filter((device) => device.id !== backup?.deviceId)
            .map((device) => ({ value: device.id, label: `${device.name} (${device.serial})` }))}
          value={deviceId}
          onChange={setDeviceId}
          searchable
          nothingFoundMessage={t('backups.noReplacement')}
          data-testid="replacement-select"
        />
        {error ? (
          <Alert color="red" role="alert">
            {t(errorKey(error))}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('action.cancel')}
          </Button>
          <Button disabled={!deviceId} loading={pending} onClick={() => deviceId && onRestore(deviceId)}>
            {t('backups.restore')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Every stored version of one device: time, size, checksum state, download, restore, and the differences. */
function DeviceVersions({ device, versions }: { device: DeviceDto; versions: BackupDto[] }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { can } = usePermissions();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const verification = useQuery(backupVerificationQueryOptions(device.id));
  const verified = new Map(verification.data?.items.map((item) => [item.id, item.verified]));
  const [replacing, setReplacing] = useState<BackupDto | null>(null);
  const restore = useMutation({
    mutationFn: ({ backupId, deviceId }: { backupId: string; deviceId: string }) =>
      api.createJob({ operation: { kind: 'restore', backupId }, deviceIds: [deviceId] }),
    onSuccess: (job) => {
      setReplacing(null);
      void queryClient.invalidateQueries({ queryKey: jobsQueryKey });
      void navigate({ to: '/jobs/$id', params: { id: job.id } });
    },
  });
  const canRestore = can(jobPermissions.restore);

  return (
    <Card withBorder radius="md" data-testid="device-versions">
      <Stack gap="md">
        <Title order={3} size="h4">
          {t('backups.versionsOf', { name: device.name })}
        </Title>
        {restore.error && !replacing ? (
          <Alert color="red" role="alert">
            {t(errorKey(restore.error))}
          </Alert>
        ) : null}
        <Tabs defaultValue="versions">
          <Tabs.List>
            <Tabs.Tab value="versions">{t('backups.versions')}</Tabs.Tab>
            <Tabs.Tab value="diff" data-testid="tab-diff">
              {t('backups.compare')}
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="versions" pt="sm">
            <TableScroll label={t('backups.versions')} minWidth={720}>
              <Table verticalSpacing="xs" striped data-testid="versions-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('backups.columns.version')}</Table.Th>
                    <Table.Th>{t('backups.columns.time')}</Table.Th>
                    <Table.Th>{t('backups.columns.size')}</Table.Th>
                    <Table.Th>{t('backups.columns.sha256')}</Table.Th>
                    <Table.Th>{t('backups.columns.actions')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {versions.map((backup) => (
                    <Table.Tr key={backup.id} data-testid={`version-${backup.version}`}>
                      <Table.Td>{formatNumber(language, backup.version)}</Table.Td>
                      <Table.Td>{formatIsoDateTime(language, backup.createdAt)}</Table.Td>
                      <Table.Td>{formatKilobytes(language, backup.sizeBytes)}</Table.Td>
                      <Table.Td>
                        <Group gap={6} wrap="nowrap">
                          <Text size="xs" ff="monospace" title={backup.sha256}>
                            <bdi>{backup.sha256.slice(0, 12)}…</bdi>
                          </Text>
                          <VerifiedBadge verified={verified.get(backup.id)} />
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          <Button
                            size="compact-sm"
                            variant="subtle"
                            component="a"
                            href={api.backupDownloadUrl(backup.id)}
                            leftSection={<IconDownload size={14} aria-hidden />}
                          >
                            {t('backups.download')}
                          </Button>
                          {canRestore ? (
                            <>
                              <Button
                                size="compact-sm"
                                variant="subtle"
                                leftSection={<IconDatabaseImport size={14} aria-hidden />}
                                loading={restore.isPending && restore.variables?.backupId === backup.id}
                                onClick={() => restore.mutate({ backupId: backup.id, deviceId: device.id })}
                                data-testid={`restore-${backup.version}`}
                              >
                                {t('backups.restore')}
                              </Button>
                              <Button
                                size="compact-sm"
                                variant="subtle"
                                leftSection={<IconReplace size={14} aria-hidden />}
                                onClick={() => setReplacing(backup)}
                              >
                                {t('backups.restoreReplacement')}
                              </Button>
                            </>
                          ) : null}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          </Tabs.Panel>
          <Tabs.Panel value="diff" pt="sm">
            <BackupDiffView versions={versions} />
          </Tabs.Panel>
        </Tabs>
      </Stack>
      <ReplacementDialog
        backup={replacing}
        onClose={() => setReplacing(null)}
        pending={restore.isPending}
        error={restore.error}
        onRestore={(deviceId) => replacing && restore.mutate({ backupId: replacing.id, deviceId })}
      />
    </Card>
  );
}

function BackupsTab() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { can } = usePermissions();
  const queryClient = useQueryClient();
  const [q, setQ] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [openDevice, setOpenDevice] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const devices = useBackupDevices(q);
  const backups = useQuery(backupsQueryOptions());
  const byDevice = useMemo(() => {
    const grouped = new Map<string, BackupDto[]>();
    for (const backup of backups.data?.items ?? []) {
      if (!backup.deviceId) continue;
      grouped.set(backup.deviceId, [...(grouped.get(backup.deviceId) ?? []), backup]);
    }
    return grouped;
  }, [backups.data]);
  const backUp = useMutation({
    mutationFn: () => api.createJob({ operation: { kind: 'backup' }, deviceIds: [...selected] }),
    onSuccess: (job) => {
      setJobId(job.id);
      void queryClient.invalidateQueries({ queryKey: jobsQueryKey });
    },
  });
  const items = devices.data?.items ?? [];
  const allSelected = items.length > 0 && items.every((device) => selected.has(device.id));
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const shown = items.find((device) => device.id === openDevice);

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <TextInput
          placeholder={t('backups.search')}
          aria-label={t('backups.search')}
          leftSection={<IconSearch size={16} aria-hidden />}
          value={q}
          onChange={(event) => setQ(event.currentTarget.value)}
          w={280}
        />
        {can(jobPermissions.backup) ? (
          <Button
            leftSection={<IconDatabaseExport size={16} aria-hidden />}
            disabled={selected.size === 0}
            loading={backUp.isPending}
            onClick={() => backUp.mutate()}
            data-testid="back-up-selected"
          >
            {t('backups.backUpSelected', { number: formatNumber(language, selected.size) })}
          </Button>
        ) : null}
      </Group>
      {backUp.error ? (
        <Alert color="red" role="alert">
          {t(errorKey(backUp.error))}
        </Alert>
      ) : null}
      {jobId ? <RunningJob jobId={jobId} /> : null}
      {devices.isError || backups.isError ? (
        <Alert color="red" role="alert">
          {t('backups.loadFailed')}
        </Alert>
      ) : null}
      <TableScroll label={t('backups.tabBackups')} minWidth={720}>
        <Table striped highlightOnHover verticalSpacing="sm" data-testid="backups-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={40}>
                <Checkbox
                  aria-label={t('backups.selectAll')}
                  checked={allSelected}
                  indeterminate={!allSelected && selected.size > 0}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((device) => device.id)))}
                  data-testid="select-all"
                />
              </Table.Th>
              <Table.Th>{t('backups.columns.device')}</Table.Th>
              <Table.Th>{t('backups.columns.model')}</Table.Th>
              <Table.Th>{t('backups.columns.versions')}</Table.Th>
              <Table.Th>{t('backups.columns.newest')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((device) => {
              const versions = byDevice.get(device.id) ?? [];
              return (
                <Table.Tr key={device.id} data-testid={`backup-row-${device.serial}`}>
                  <Table.Td>
                    <Checkbox
                      aria-label={device.name}
                      checked={selected.has(device.id)}
                      onChange={() => toggle(device.id)}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Anchor renderRoot={(props) => <Link {...props} to="/devices/$id" params={{ id: device.id }} />}>
                      <bdi>{device.name}</bdi>
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      <bdi>{device.serial}</bdi>
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <bdi>{device.modelName}</bdi>
                  </Table.Td>
                  <Table.Td>{formatNumber(language, versions.length)}</Table.Td>
                  <Table.Td>
                    {versions[0] ? (
                      formatIsoDateTime(language, versions[0].createdAt)
                    ) : (
                      <Text span c="dimmed" size="sm">
                        {t('backups.never')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-sm"
                      variant={openDevice === device.id ? 'light' : 'subtle'}
                      disabled={versions.length === 0}
                      onClick={() => setOpenDevice(openDevice === device.id ? null : device.id)}
                      data-testid={`show-versions-${device.serial}`}
                    >
                      {t('backups.showVersions')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </TableScroll>
      {devices.data && items.length === 0 ? <Text c="dimmed">{t('backups.noDevices')}</Text> : null}
      {shown ? <DeviceVersions device={shown} versions={byDevice.get(shown.id) ?? []} /> : null}
    </Stack>
  );
}

/** Backups per device, the systemwide backup in one click, and the organization's configuration library. */
export function BackupsPage() {
  const { t } = useTranslation();
  usePageTitle(t('nav.backups'));
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>{t('nav.backups')}</Title>
        <HelpLink screen="backups" />
      </Group>
      <Text c="dimmed" size="sm">
        {t('backups.subtitle')}
      </Text>
      <Tabs defaultValue="backups" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="backups">{t('backups.tabBackups')}</Tabs.Tab>
          <Tabs.Tab value="library" data-testid="tab-library">
            {t('backups.tabLibrary')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="backups" pt="md">
          <BackupsTab />
        </Tabs.Panel>
        <Tabs.Panel value="library" pt="md">
          <ConfigurationLibrary />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

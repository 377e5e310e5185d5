import { Alert, Button, Group, Menu, Modal, NumberInput, Select, Stack, Text } from '@mantine/core';
import {
  IconBulb,
  IconBulbOff,
  IconChevronDown,
  IconDatabaseExport,
  IconDatabaseImport,
  IconDownload,
  IconFileImport,
  IconFileText,
  IconKey,
  IconPower,
  IconServer,
  IconServerOff,
  IconVolume,
  IconVolumeOff,
} from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { jobPermissions, type DeviceDto, type JobOperation } from '@tutti/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { LoadConfigurationDialog } from '../backups/LoadConfigurationDialog.tsx';
import { firmwareQueryOptions } from '../firmware/firmware.queries.ts';
import { formatNumber } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { usePermissions } from '../session/permissions.ts';
import { CredentialsDialog } from './CredentialsDialog.tsx';
import { useFamilyName } from './job-labels.tsx';
import { jobsQueryKey } from './jobs.queries.ts';

interface RolloutInput {
  concurrency: number;
  waveSize: number | null;
  wavePauseSeconds: number;
  failureThresholdPercent: number;
}

function FirmwareDialog({
  devices,
  opened,
  onClose,
  onStart,
  pending,
  error,
}: {
  devices: DeviceDto[];
  opened: boolean;
  onClose: () => void;
  onStart: (packageId: string, rollout: RolloutInput) => void;
  pending: boolean;
  error: unknown;
}) {
  const { t } = useTranslation();
  const familyName = useFamilyName();
  const catalog = useQuery({ ...firmwareQueryOptions(), enabled: opened });
  const families = new Set(devices.map((device) => device.family));
  const suitable = (catalog.data?.items ?? []).filter((item) => families.size === 1 && families.has(item.modelFamily));
  const [packageId, setPackageId] = useState<string | null>(null);
  const [rollout, setRollout] = useState<RolloutInput>({
    concurrency: 10,
    waveSize: null,
    wavePauseSeconds: 0,
    failureThresholdPercent: 20,
  });
  const number = (value: string | number, fallback: number) => (typeof value === 'number' ? value : fallback);

  return (
    <Modal opened={opened} onClose={onClose} title={t('jobs.start.firmwareTitle')}>
      <Stack gap="sm">
        {families.size > 1 ? <Alert color="orange">{t('jobs.start.oneFamily')}</Alert> : null}
        <Select
          label={t('jobs.start.package')}
          data={suitable.map((item) => ({
            value: item.id,
            label: `${familyName(item.modelFamily)} ${item.version}`,
          }))}
          value={packageId}
          onChange={setPackageId}
          nothingFoundMessage={t('jobs.start.noPackage')}
          data-testid="firmware-package-select"
        />
        <NumberInput
          label={t('jobs.rollout.concurrency')}
          min={1}
          max={500}
          value={rollout.concurrency}
          onChange={(value) => setRollout({ ...rollout, concurrency: number(value, 10) })}
        />
        <NumberInput
          label={t('jobs.rollout.waveSize')}
          description={t('jobs.rollout.allAtOnce')}
          min={1}
          value={rollout.waveSize ?? ''}
          onChange={(value) => setRollout({ ...rollout, waveSize: typeof value === 'number' ? value : null })}
        />
        <NumberInput
          label={t('jobs.rollout.wavePauseSeconds')}
          min={0}
          max={86_400}
          value={rollout.wavePauseSeconds}
          onChange={(value) => setRollout({ ...rollout, wavePauseSeconds: number(value, 0) })}
        />
        <NumberInput
          label={t('jobs.rollout.threshold')}
          min={0}
          max={100}
          value={rollout.failureThresholdPercent}
          onChange={(value) => setRollout({ ...rollout, failureThresholdPercent: number(value, 100) })}
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
          <Button
            disabled={!packageId}
            loading={pending}
            onClick={() => packageId && onStart(packageId, rollout)}
            data-testid="start-firmware-job"
          >
            {t('jobs.start.start')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Starts a job on the given devices and opens it; each operation shows only with its permission. */
export function DeviceOperationsMenu({ devices }: { devices: DeviceDto[] }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { can } = usePermissions();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [firmwareOpen, setFirmwareOpen] = useState(false);
  const [loadOpen, setLoadOpen] = useState(false);
  const [credentialsOpen, setCredentialsOpen] = useState(false);
  const start = useMutation({
    mutationFn: ({
      operation,
      rollout,
      password,
    }: {
      operation: JobOperation;
      rollout?: RolloutInput;
      password?: string;
    }) =>
      api.createJob({
        operation,
        deviceIds: devices.map((device) => device.id),
        ...(rollout ? { rollout } : {}),
        ...(password === undefined ? {} : { password }),
      }),
    onSuccess: (job) => {
      setFirmwareOpen(false);
      setLoadOpen(false);
      setCredentialsOpen(false);
      void queryClient.invalidateQueries({ queryKey: jobsQueryKey });
      void navigate({ to: '/jobs/$id', params: { id: job.id } });
    },
  });
  const control = can(jobPermissions.locate);
  const firmware = can(jobPermissions.firmware_update);
  if (devices.length === 0 || (!control && !firmware)) return null;
  const run = (operation: JobOperation) => start.mutate({ operation });
  const item = (operation: JobOperation, label: string, icon: React.ReactNode, testId: string) => (
    <Menu.Item leftSection={icon} onClick={() => run(operation)} data-testid={testId}>
      {label}
    </Menu.Item>
  );

  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button
            variant="light"
            rightSection={<IconChevronDown size={16} aria-hidden />}
            loading={start.isPending}
            data-testid="device-operations"
          >
            {t('jobs.start.menu', { number: formatNumber(language, devices.length) })}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {control ? (
            <>
              {item(
                { kind: 'locate', on: true },
                t('jobs.operation.locateOn'),
                <IconBulb size={16} aria-hidden />,
                'op-locate-on',
              )}
              {item(
                { kind: 'locate', on: false },
                t('jobs.operation.locateOff'),
                <IconBulbOff size={16} aria-hidden />,
                'op-locate-off',
              )}
              {item(
                { kind: 'safety_mute', on: true },
                t('jobs.operation.safetyMuteOn'),
                <IconVolumeOff size={16} aria-hidden />,
                'op-mute-on',
              )}
              {item(
                { kind: 'safety_mute', on: false },
                t('jobs.operation.safetyMuteOff'),
                <IconVolume size={16} aria-hidden />,
                'op-mute-off',
              )}
              {item({ kind: 'reboot' }, t('jobs.operation.reboot'), <IconPower size={16} aria-hidden />, 'op-reboot')}
              <Menu.Divider />
              {item(
                { kind: 'backup' },
                t('jobs.operation.backup'),
                <IconDatabaseExport size={16} aria-hidden />,
                'op-backup',
              )}
              {item(
                { kind: 'restore' },
                t('jobs.start.restoreLatest'),
                <IconDatabaseImport size={16} aria-hidden />,
                'op-restore',
              )}
              <Menu.Item
                leftSection={<IconFileImport size={16} aria-hidden />}
                onClick={() => setLoadOpen(true)}
                data-testid="op-config-load"
              >
                {t('jobs.operation.configLoad')}
              </Menu.Item>
              <Menu.Divider />
              {item(
                { kind: 'collect_logs' },
                t('jobs.operation.collectLogs'),
                <IconFileText size={16} aria-hidden />,
                'op-collect-logs',
              )}
              {item(
                { kind: 'ftp', on: true },
                t('jobs.operation.ftpOn'),
                <IconServer size={16} aria-hidden />,
                'op-ftp-on',
              )}
              {item(
                { kind: 'ftp', on: false },
                t('jobs.operation.ftpOff'),
                <IconServerOff size={16} aria-hidden />,
                'op-ftp-off',
              )}
              <Menu.Item
                leftSection={<IconKey size={16} aria-hidden />}
                onClick={() => setCredentialsOpen(true)}
                data-testid="op-credentials"
              >
                {t('jobs.operation.changeCredentials')}
              </Menu.Item>
            </>
          ) : null}
          {firmware ? (
            <Menu.Item
              leftSection={<IconDownload size={16} aria-hidden />}
              onClick={() => setFirmwareOpen(true)}
              data-testid="op-firmware"
            >
              {t('jobs.operation.firmware')}
            </Menu.Item>
          ) : null}
        </Menu.Dropdown>
      </Menu>
      {start.error && !firmwareOpen && !credentialsOpen ? (
        <Text c="red" size="sm" role="alert">
          {t(errorKey(start.error))}
        </Text>
      ) : null}
      <FirmwareDialog
        devices={devices}
        opened={firmwareOpen}
        onClose={() => setFirmwareOpen(false)}
        pending={start.isPending}
        error={start.error}
        onStart={(packageId, rollout) => start.mutate({ operation: { kind: 'firmware_update', packageId }, rollout })}
      />
      <LoadConfigurationDialog
        devices={devices}
        opened={loadOpen}
        onClose={() => setLoadOpen(false)}
        pending={start.isPending}
        error={start.error}
        onStart={(configurationId) => start.mutate({ operation: { kind: 'config_load', configurationId } })}
      />
      <CredentialsDialog
        opened={credentialsOpen}
        onClose={() => setCredentialsOpen(false)}
        pending={start.isPending}
        error={start.error}
        onStart={(username, password) =>
          start.mutate({ operation: { kind: 'change_credentials', username }, password })
        }
      />
    </>
  );
}

import { Badge, Group, Progress, Text } from '@mantine/core';
import type { DeviceFamily, JobDto, JobKind, JobState, TargetState } from '@tutti/protocol';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';

export const jobStateColor: Record<JobState, string> = {
  running: 'blue',
  completed: 'teal',
  cancelled: 'gray',
  halted: 'orange',
};

export const targetStateColor: Record<TargetState, string> = {
  queued: 'gray',
  running: 'blue',
  succeeded: 'teal',
  failed: 'red',
  cancelled: 'gray',
};

/** Product names are never translated (GLOSSARY §1); the two generic families are. */
const familyNames: Partial<Record<DeviceFamily, string>> = {
  converge_pro_2: 'CONVERGE Pro 2',
  converge_huddle: 'CONVERGE Huddle',
  dialog_20: 'DIALOG 20',
  collaborate_live: 'COLLABORATE Live',
  collaborate_space: 'COLLABORATE Space',
};

export function useFamilyName(): (family: DeviceFamily) => string {
  const { t } = useTranslation();
  return (family) =>
    familyNames[family] ??
    (family === 'expander' ? t('firmware.family.expander') : t('firmware.family.beamformingMic'));
}

/** An operation with its settings (on or off, firmware version); the others read as their kind. */
export function useOperationLabel(): (job: Pick<JobDto, 'operation' | 'firmware'>) => string {
  const { t } = useTranslation();
  const kindLabel = useKindLabel();
  return ({ operation, firmware }) => {
    switch (operation.kind) {
      case 'locate':
        return operation.on ? t('jobs.operation.locateOn') : t('jobs.operation.locateOff');
      case 'safety_mute':
        return operation.on ? t('jobs.operation.safetyMuteOn') : t('jobs.operation.safetyMuteOff');
      case 'firmware_update':
        return t('jobs.operation.firmwareUpdate', { version: firmware?.version ?? '' });
      case 'ftp':
        return operation.on ? t('jobs.operation.ftpOn') : t('jobs.operation.ftpOff');
      case 'reboot':
      case 'backup':
      case 'restore':
      case 'config_load':
      case 'change_credentials':
      case 'collect_logs':
      case 'voip_provision':
        return kindLabel(operation.kind);
    }
  };
}

/** An operation as the Operation filter offers it, whatever its settings (on or off, firmware version). */
export function useKindLabel(): (kind: JobKind) => string {
  const { t } = useTranslation();
  return (kind) => {
    switch (kind) {
      case 'locate':
        return t('jobs.kind.locate');
      case 'safety_mute':
        return t('jobs.kind.safetyMute');
      case 'reboot':
        return t('jobs.operation.reboot');
      case 'firmware_update':
        return t('jobs.operation.firmware');
      case 'backup':
        return t('jobs.operation.backup');
      case 'restore':
        return t('jobs.operation.restore');
      case 'config_load':
        return t('jobs.operation.configLoad');
      case 'ftp':
        return t('jobs.kind.ftp');
      case 'change_credentials':
        return t('jobs.operation.changeCredentials');
      case 'collect_logs':
        return t('jobs.operation.collectLogs');
      case 'voip_provision':
        return t('jobs.operation.voipProvision');
    }
  };
}

export function JobStateBadge({ state }: { state: JobState }) {
  const { t } = useTranslation();
  return (
    <Badge color={jobStateColor[state]} variant="light" style={{ textTransform: 'none' }}>
      {t(`jobs.state.${state}`)}
    </Badge>
  );
}

export function TargetStateBadge({ state }: { state: TargetState }) {
  const { t } = useTranslation();
  return (
    <Badge color={targetStateColor[state]} variant="light" style={{ textTransform: 'none' }}>
      {t(`jobs.target.${state}`)}
    </Badge>
  );
}

/** The job's overall bar, coloured by outcome, with the count of each state beside it. */
export function JobProgress({ job, testId }: { job: JobDto; testId?: string }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const states: TargetState[] = ['succeeded', 'failed', 'running', 'queued', 'cancelled'];
  return (
    <Group gap="xs" wrap="nowrap" miw={220}>
      <Progress
        value={job.progress}
        color={job.counts.failed > 0 ? 'orange' : 'teal'}
        striped={job.state === 'running'}
        animated={job.state === 'running'}
        style={{ flex: 1, minWidth: 80 }}
        aria-label={t('jobs.columns.progress')}
        data-testid={testId}
        data-progress={job.progress}
      />
      <Group gap={8} wrap="nowrap">
        {states
          .filter((state) => job.counts[state] > 0)
          .map((state) => (
            <Text key={state} size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
              {t(`jobs.target.${state}`)} <b>{formatNumber(language, job.counts[state])}</b>
            </Text>
          ))}
      </Group>
    </Group>
  );
}

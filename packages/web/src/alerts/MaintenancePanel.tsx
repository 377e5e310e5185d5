import {
  Alert,
  Badge,
  Button,
  Chip,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  weekdays,
  weekdaySchema,
  type MaintenanceWindowDto,
  type MaintenanceWindowRequest,
  type Weekday,
} from '@tutti/protocol';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api, errorKey } from '../api.ts';
import { formatDuration, formatIsoDateTime } from '../i18n/format.ts';
import { currentLanguage, intlLocale } from '../i18n/i18n.ts';
import { usePermissions } from '../session/permissions.ts';
import { MutationError } from '../shared/ListPage.tsx';
import { LoadError } from '../shell/LoadError.tsx';
import { maintenanceWindowsQueryKey, maintenanceWindowsQueryOptions } from './alerts.queries.ts';
import { browserTimeZone } from './rule-form.ts';
import { TableScroll } from '../shared/TableScroll.tsx';

const weekdayList = z.array(weekdaySchema);
/** 2026-11-30 is a Monday: the weekday names come from Intl, in the reader's language. */
const MONDAY = Date.UTC(2026, 10, 30, 12);

function weekdayName(language: string, day: Weekday): string {
  const at = MONDAY + weekdays.indexOf(day) * 86_400_000;
  return new Intl.DateTimeFormat(language, { weekday: 'short', timeZone: 'UTC' }).format(at);
}

/** "22:00" in the reader's clock convention (24-hour or AM/PM), formatted by Intl. */
function clockTime(locale: string, time: string): string {
  const [hours, minutes] = time.split(':').map(Number);
  return new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone: 'UTC' }).format(
    Date.UTC(2026, 0, 1, hours ?? 0, minutes ?? 0),
  );
}

/** A `datetime-local` value (local time of the browser) as an ISO instant. */
function isoOfLocal(value: string): string {
  return new Date(value).toISOString();
}

function WindowDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const locations = useQuery({ queryKey: ['locations'], queryFn: () => api.listLocations() });
  const [name, setName] = useState('');
  const [locationId, setLocationId] = useState<string | null>(null);
  const [kind, setKind] = useState<'once' | 'weekly'>('once');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [days, setDays] = useState<Weekday[]>(['sat']);
  const [startTime, setStartTime] = useState('22:00');
  const [durationMinutes, setDurationMinutes] = useState(240);
  const [timeZone, setTimeZone] = useState(browserTimeZone());
  const [submitted, setSubmitted] = useState(false);

  const save = useMutation({
    mutationFn: () => {
      const request: MaintenanceWindowRequest = {
        name: name.trim(),
        scope: locationId ? { kind: 'location', locationId } : { kind: 'organization' },
        schedule:
          kind === 'once'
            ? { kind: 'once', startsAt: isoOfLocal(startsAt), endsAt: isoOfLocal(endsAt) }
            : { kind: 'weekly', weekdays: days, startTime, durationMinutes, timeZone },
      };
      return api.createMaintenanceWindow(request);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: maintenanceWindowsQueryKey });
      onClose();
    },
  });

  const complete = name.trim() !== '' && (kind === 'weekly' ? days.length > 0 : startsAt !== '' && endsAt !== '');
  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setSubmitted(true);
    if (complete) save.mutate();
  }

  return (
    <Modal opened onClose={onClose} title={t('alerts.maintenance.add')} centered>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {save.isError ? (
            <Alert color="red" variant="light" role="alert">
              {t(errorKey(save.error))}
            </Alert>
          ) : null}
          {submitted && !complete ? (
            <Alert color="red" variant="light" role="alert">
              {t('alerts.maintenance.incomplete')}
            </Alert>
          ) : null}
          <TextInput
            label={t('alerts.maintenance.name')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            required
            maxLength={120}
            data-autofocus
            data-testid="window-name"
          />
          <Select
            label={t('alerts.maintenance.scope')}
            placeholder={t('alerts.maintenance.wholeOrganization')}
            data={(locations.data?.items ?? []).map((location) => ({ value: location.id, label: location.path }))}
            value={locationId}
            onChange={setLocationId}
            clearable
            searchable
          />
          <SegmentedControl
            value={kind}
            onChange={(value) => setKind(value === 'weekly' ? 'weekly' : 'once')}
            data={[
              { value: 'once', label: t('alerts.maintenance.once') },
              { value: 'weekly', label: t('alerts.maintenance.weekly') },
            ]}
          />
          {kind === 'once' ? (
            <Group grow>
              <TextInput
                type="datetime-local"
                label={t('alerts.maintenance.startsAt')}
                value={startsAt}
                onChange={(event) => setStartsAt(event.currentTarget.value)}
                data-testid="window-starts"
              />
              <TextInput
                type="datetime-local"
                label={t('alerts.maintenance.endsAt')}
                value={endsAt}
                onChange={(event) => setEndsAt(event.currentTarget.value)}
                data-testid="window-ends"
              />
            </Group>
          ) : (
            <Stack gap="sm">
              <Chip.Group multiple value={days} onChange={(values) => setDays(weekdayList.parse(values))}>
                <Group gap={6}>
                  {weekdays.map((day) => (
                    <Chip key={day} value={day} size="xs">
                      {weekdayName(intlLocale(currentLanguage()), day)}
                    </Chip>
                  ))}
                </Group>
              </Chip.Group>
              <Group grow align="flex-start">
                <TextInput
                  type="time"
                  label={t('alerts.maintenance.startTime')}
                  value={startTime}
                  onChange={(event) => setStartTime(event.currentTarget.value)}
                />
                <NumberInput
                  label={t('alerts.maintenance.durationMinutes')}
                  min={1}
                  max={10080}
                  value={durationMinutes}
                  onChange={(value) => setDurationMinutes(typeof value === 'number' ? value : 1)}
                />
              </Group>
              <TextInput
                label={t('alerts.timeZone')}
                value={timeZone}
                onChange={(event) => setTimeZone(event.currentTarget.value)}
              />
            </Stack>
          )}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              {t('action.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="window-save">
              {t('action.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Maintenance windows: while one is in force, alert messages for what it covers wait. */
export function MaintenancePanel() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const locale = intlLocale(language);
  const queryClient = useQueryClient();
  const { can } = usePermissions();
  const canManage = can('alerts.manage');
  const windows = useQuery(maintenanceWindowsQueryOptions);
  const [adding, setAdding] = useState(false);
  const remove = useMutation({
    mutationFn: (window: MaintenanceWindowDto) => api.deleteMaintenanceWindow(window.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: maintenanceWindowsQueryKey }),
  });

  function scheduleText(window: MaintenanceWindowDto): string {
    const { schedule } = window;
    if (schedule.kind === 'once') {
      return t('alerts.maintenance.onceText', {
        start: formatIsoDateTime(language, schedule.startsAt),
        end: formatIsoDateTime(language, schedule.endsAt),
      });
    }
    return t('alerts.maintenance.weeklyText', {
      days: new Intl.ListFormat(locale, { type: 'unit', style: 'narrow' }).format(
        schedule.weekdays.map((day) => weekdayName(locale, day)),
      ),
      time: clockTime(locale, schedule.startTime),
      duration: formatDuration(language, schedule.durationMinutes * 60),
      timeZone: schedule.timeZone,
    });
  }

  return (
    <Stack gap="sm">
      {canManage ? (
        <Group>
          <Button
            leftSection={<IconPlus size={16} aria-hidden />}
            onClick={() => setAdding(true)}
            data-testid="add-window"
          >
            {t('alerts.maintenance.add')}
          </Button>
        </Group>
      ) : null}
      <MutationError mutation={remove} />
      {windows.isError ? (
        <LoadError
          error={windows.error}
          title={t('alerts.maintenance.loadFailed')}
          onRetry={() => void windows.refetch()}
        />
      ) : null}
      {windows.data && windows.data.items.length === 0 ? <Text c="dimmed">{t('alerts.maintenance.none')}</Text> : null}
      {windows.data && windows.data.items.length > 0 ? (
        <TableScroll label={t('alerts.tabs.maintenance')} minWidth={640}>
          <Table striped data-testid="windows-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('alerts.maintenance.name')}</Table.Th>
                <Table.Th>{t('alerts.maintenance.scope')}</Table.Th>
                <Table.Th>{t('alerts.maintenance.schedule')}</Table.Th>
                <Table.Th>{t('alerts.rules.status')}</Table.Th>
                {canManage ? <Table.Th aria-label={t('alerts.columns.actions')} /> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {windows.data.items.map((window) => (
                <Table.Tr key={window.id} data-testid={`window-row-${window.name}`}>
                  <Table.Td>
                    <bdi>{window.name}</bdi>
                  </Table.Td>
                  <Table.Td>
                    {window.scopeName ? <bdi>{window.scopeName}</bdi> : t('alerts.maintenance.wholeOrganization')}
                  </Table.Td>
                  <Table.Td>{scheduleText(window)}</Table.Td>
                  <Table.Td>
                    {window.active ? (
                      <Badge color="grape" variant="light" style={{ textTransform: 'none' }}>
                        {t('alerts.maintenance.active')}
                      </Badge>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  {canManage ? (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        leftSection={<IconTrash size={14} aria-hidden />}
                        onClick={() => remove.mutate(window)}
                      >
                        {t('alerts.delete')}
                      </Button>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      ) : null}
      {adding ? <WindowDialog onClose={() => setAdding(false)} /> : null}
    </Stack>
  );
}

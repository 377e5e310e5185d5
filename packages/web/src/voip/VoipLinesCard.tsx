import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  NumberInput,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconPhonePlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import {
  defaultVoipPort,
  voipLineCount,
  voipTransports,
  type DeviceDto,
  type VoipLineState,
  type VoipTransport,
} from '@tutti/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { formatIsoDateTime } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { jobQueryOptions } from '../jobs/jobs.queries.ts';
import { usePermissions } from '../session/permissions.ts';
import { TableScroll } from '../shared/TableScroll.tsx';

const stateColor: Record<VoipLineState, string> = {
  registered: 'teal',
  failed: 'red',
  restart_pending: 'orange',
  unregistered: 'gray',
  disabled: 'gray',
};

/** Re-read when the device's status changes: registration and Restart Pending move it. */
const voipQueryKey = (device: DeviceDto) => ['voip', device.id, device.status, device.statusSince] as const;

function ProvisionLineDialog({
  device,
  opened,
  onClose,
  onStarted,
}: {
  device: DeviceDto;
  opened: boolean;
  onClose: () => void;
  onStarted: (jobId: string) => void;
}) {
  const { t } = useTranslation();
  const lines = voipLineCount(device.model);
  const [line, setLine] = useState('1');
  const [server, setServer] = useState('');
  const [transport, setTransport] = useState<VoipTransport>('UDP');
  const [port, setPort] = useState<number | string>('');
  const [user, setUser] = useState('');
  const [authUser, setAuthUser] = useState('');
  const [password, setPassword] = useState('');
  const [extension, setExtension] = useState('');
  const [displayName, setDisplayName] = useState('');
  const provision = useMutation({
    mutationFn: () =>
      api.provisionVoip(device.id, {
        lines: [
          {
            line: Number(line),
            server: server.trim(),
            transport,
            ...(port === '' ? {} : { port: Number(port) }),
            user: user.trim(),
            ...(authUser.trim() ? { authUser: authUser.trim() } : {}),
            password,
            ...(extension.trim() ? { extension: extension.trim() } : {}),
            displayName: displayName.trim(),
          },
        ],
      }),
    onSuccess: (job) => {
      setPassword('');
      onStarted(job.id);
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('voip.form.title')}>
      <Stack gap="sm">
        <Select
          label={t('voip.columns.line')}
          data={Array.from({ length: lines }, (_, index) => String(index + 1))}
          value={line}
          onChange={(value) => setLine(value ?? '1')}
          allowDeselect={false}
          data-testid="voip-line"
        />
        <TextInput
          label={t('voip.columns.server')}
          value={server}
          onChange={(event) => setServer(event.currentTarget.value)}
          required
          data-testid="voip-server"
        />
        <Group grow>
          <Select
            label={t('voip.form.transport')}
            data={[...voipTransports]}
            value={transport}
            onChange={(value) => setTransport(value ?? 'UDP')}
            allowDeselect={false}
          />
          <NumberInput
            label={t('voip.form.port')}
            placeholder={String(defaultVoipPort(transport))}
            min={1}
            max={65535}
            value={port}
            onChange={setPort}
          />
        </Group>
        <TextInput
          label={t('voip.columns.user')}
          value={user}
          onChange={(event) => setUser(event.currentTarget.value)}
          required
          data-testid="voip-user"
        />
        <TextInput
          label={t('voip.form.authUser')}
          description={t('voip.form.sameAsUser')}
          value={authUser}
          onChange={(event) => setAuthUser(event.currentTarget.value)}
        />
        <PasswordInput
          label={t('voip.form.password')}
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          required
          autoComplete="new-password"
          data-testid="voip-password"
        />
        <TextInput
          label={t('voip.columns.extension')}
          description={t('voip.form.sameAsUser')}
          value={extension}
          onChange={(event) => setExtension(event.currentTarget.value)}
        />
        <TextInput
          label={t('voip.form.displayName')}
          value={displayName}
          onChange={(event) => setDisplayName(event.currentTarget.value)}
        />
        {provision.error ? (
          <Alert color="red" role="alert">
            {t(errorKey(provision.error))}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('action.cancel')}
          </Button>
          <Button
            disabled={!server.trim() || !user.trim() || !password}
            loading={provision.isPending}
            onClick={() => provision.mutate()}
            data-testid="voip-provision-submit"
          >
            {t('voip.form.submit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/**
 * The VoIP lines of a CONVERGE Pro 2 unit with VoIP: account, registration (with the registrar's reason when it
 * failed) and since when; "Provision line" writes an account through a job and follows it until the line reports.
 */
export function VoipLinesCard({ device }: { device: DeviceDto }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { can } = usePermissions();
  const queryClient = useQueryClient();
  const [provisioning, setProvisioning] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const hasLines = voipLineCount(device.model) > 0;
  const lines = useQuery({
    queryKey: voipQueryKey(device),
    queryFn: () => api.voipLines(device.id),
    enabled: hasLines,
  });
  const job = useQuery({
    ...jobQueryOptions(jobId ?? ''),
    enabled: jobId !== null,
    refetchInterval: (query) => (query.state.data?.state === 'running' ? 1000 : false),
  });
  const finished = job.data !== undefined && job.data.state !== 'running';
  useEffect(() => {
    if (finished) void queryClient.invalidateQueries({ queryKey: ['voip', device.id] });
  }, [finished, queryClient, device.id]);
  if (!hasLines) return null;
  const target = job.data?.targets[0];

  return (
    <Card withBorder radius="md" padding="lg" data-testid="voip-lines">
      <Group justify="space-between" mb="md">
        <Title order={2} size="h4">
          {t('voip.title')}
        </Title>
        {can('voip.provision') ? (
          <Button
            variant="light"
            leftSection={<IconPhonePlus size={16} aria-hidden />}
            onClick={() => setProvisioning(true)}
            data-testid="voip-provision"
          >
            {t('voip.provision')}
          </Button>
        ) : null}
      </Group>
      {jobId !== null ? (
        <Alert
          color={target?.state === 'failed' ? 'red' : target?.state === 'succeeded' ? 'teal' : 'blue'}
          mb="md"
          data-testid="voip-job"
        >
          <Group gap="xs" justify="space-between">
            {target?.state === 'failed' ? (
              // The failure in the user's language; the agent's reason (line and SIP answer) as it was given.
              <Stack gap={2}>
                <Text size="sm">{t(`jobs.failure.${target.failureCode ?? 'device_unreachable'}`)}</Text>
                {target.reason ? (
                  <Text size="xs" data-testid="voip-job-reason">
                    <bdi>{target.reason}</bdi>
                  </Text>
                ) : null}
              </Stack>
            ) : (
              <Text size="sm">{target?.state === 'succeeded' ? t('voip.jobDone') : t('voip.jobRunning')}</Text>
            )}
            <Anchor renderRoot={(props) => <Link {...props} to="/jobs/$id" params={{ id: jobId }} />} size="sm">
              {t('voip.viewJob')}
            </Anchor>
          </Group>
        </Alert>
      ) : null}
      {lines.isError ? (
        <Alert color="red" role="alert">
          {t('voip.loadFailed')}
        </Alert>
      ) : lines.data && lines.data.lines.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('voip.none')}
        </Text>
      ) : (
        <TableScroll label={t('voip.title')} minWidth={640}>
          <Table verticalSpacing="xs" data-testid="voip-lines-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('voip.columns.line')}</Table.Th>
                <Table.Th>{t('voip.columns.extension')}</Table.Th>
                <Table.Th>{t('voip.columns.user')}</Table.Th>
                <Table.Th>{t('voip.columns.server')}</Table.Th>
                <Table.Th>{t('voip.columns.state')}</Table.Th>
                <Table.Th>{t('voip.columns.since')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(lines.data?.lines ?? []).map((line) => (
                <Table.Tr key={line.line} data-testid={`voip-line-${line.line}`}>
                  <Table.Td>{line.line}</Table.Td>
                  <Table.Td>
                    <bdi className="tutti-mono">{line.extension}</bdi>
                  </Table.Td>
                  <Table.Td>
                    <bdi className="tutti-mono">{line.user}</bdi>
                  </Table.Td>
                  <Table.Td>
                    <bdi className="tutti-mono">
                      {line.server}
                      {line.server && line.port ? `:${line.port}` : ''} {line.server ? line.transport : ''}
                    </bdi>
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={2}>
                      <Badge color={stateColor[line.state]} variant="light" style={{ textTransform: 'none' }}>
                        {t(`voip.state.${line.state}`)}
                      </Badge>
                      {line.reason ? (
                        <Text size="xs" c="red" data-testid={`voip-reason-${line.line}`}>
                          <bdi>{line.reason}</bdi>
                        </Text>
                      ) : null}
                    </Stack>
                  </Table.Td>
                  <Table.Td>{formatIsoDateTime(language, line.since)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
      <ProvisionLineDialog
        device={device}
        opened={provisioning}
        onClose={() => setProvisioning(false)}
        onStarted={setJobId}
      />
    </Card>
  );
}

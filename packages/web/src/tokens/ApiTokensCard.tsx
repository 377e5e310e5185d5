import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconKey, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiTokenDto, Role } from '@tutti/protocol';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { formatIsoDateTime, isolate } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { SecretShownOnce } from '../shell/SecretShownOnce.tsx';
import { useGrantableRoles } from '../users/InviteUsersDialog.tsx';
import { TableScroll } from '../shared/TableScroll.tsx';

const tokensKey = ['tokens'] as const;

function CreateTokenDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const grantable = useGrantableRoles();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('monitor');
  const [expires, setExpires] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      api.createToken({
        name: name.trim(),
        role,
        expiresAt: expires ? new Date(`${expires}T23:59:59`).toISOString() : null,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensKey }),
  });

  function close(): void {
    setName('');
    setRole('monitor');
    setExpires('');
    setSubmitted(false);
    create.reset();
    onClose();
  }
  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setSubmitted(true);
    if (name.trim() === '') return;
    create.mutate();
  }

  const created = create.data;
  return (
    <Modal opened={opened} onClose={close} title={t('tokens.create')} centered size="lg">
      {created ? (
        <SecretShownOnce
          secret={created.token}
          warning={t('tokens.shownOnce')}
          onDone={close}
          testIds={{ secret: 'token-value', done: 'token-done' }}
        />
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            {create.isError ? (
              <Alert color="red" variant="light" role="alert">
                {t(errorKey(create.error))}
              </Alert>
            ) : null}
            <TextInput
              label={t('tokens.name')}
              description={t('tokens.nameHint')}
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              error={submitted && name.trim() === '' ? t('organizations.add.required') : undefined}
              maxLength={120}
              required
              data-autofocus
              data-testid="token-name"
            />
            <Select
              label={t('users.columns.role')}
              data={grantable.map((value) => ({ value, label: t(`role.${value}`) }))}
              value={role}
              onChange={(value) => value && setRole(value)}
              allowDeselect={false}
              data-testid="token-role"
            />
            <TextInput
              type="date"
              label={t('tokens.expires')}
              description={t('tokens.expiresHint')}
              value={expires}
              onChange={(event) => setExpires(event.currentTarget.value)}
            />
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={close}>
                {t('action.cancel')}
              </Button>
              <Button type="submit" loading={create.isPending} data-testid="token-create-submit">
                {t('tokens.create')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** API tokens for the REST API: scoped to this organization and a role, shown once, revocable. */
export function ApiTokensCard() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const queryClient = useQueryClient();
  const tokens = useQuery({ queryKey: tokensKey, queryFn: () => api.listTokens() });
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiTokenDto | null>(null);
  const revoke = useMutation({
    mutationFn: (id: string) => api.revokeToken(id),
    onSuccess: async () => {
      setRevoking(null);
      await queryClient.invalidateQueries({ queryKey: tokensKey });
    },
  });
  const date = (iso: string | null) => formatIsoDateTime(language, iso) ?? '—';

  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="md" gap="sm">
        <Group gap="xs">
          <IconKey size={20} aria-hidden />
          <Title order={2} size="h4">
            {t('tokens.title')}
          </Title>
        </Group>
        <Button
          leftSection={<IconPlus size={16} aria-hidden />}
          onClick={() => setCreating(true)}
          data-testid="token-create"
        >
          {t('tokens.create')}
        </Button>
      </Group>
      {revoke.isError ? (
        <Alert color="red" variant="light" role="alert" mb="md">
          {t(errorKey(revoke.error))}
        </Alert>
      ) : null}
      {tokens.isError ? (
        <LoadError title={t('tokens.loadFailed')} error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : !tokens.data ? (
        <Loader size="sm" />
      ) : tokens.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('tokens.none')}
        </Text>
      ) : (
        <TableScroll label={t('tokens.title')} minWidth={640}>
          <Table verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('tokens.name')}</Table.Th>
                <Table.Th>{t('users.columns.role')}</Table.Th>
                <Table.Th>{t('tokens.createdBy')}</Table.Th>
                <Table.Th>{t('tokens.lastUsed')}</Table.Th>
                <Table.Th>{t('tokens.expires')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tokens.data.items.map((token) => (
                <Table.Tr key={token.id} data-testid={`token-row-${token.name}`}>
                  <Table.Td>
                    <bdi>{token.name}</bdi>
                  </Table.Td>
                  <Table.Td>{t(`role.${token.role}`)}</Table.Td>
                  <Table.Td>
                    <bdi>{token.createdBy}</bdi>
                  </Table.Td>
                  <Table.Td>{date(token.lastUsedAt)}</Table.Td>
                  <Table.Td>{date(token.expiresAt)}</Table.Td>
                  <Table.Td>
                    {token.revokedAt ? (
                      <Badge color="gray" variant="light" style={{ textTransform: 'none' }}>
                        {t('tokens.revoked')}
                      </Badge>
                    ) : (
                      <Button
                        size="xs"
                        variant="default"
                        color="red"
                        onClick={() => setRevoking(token)}
                        data-testid={`token-revoke-${token.name}`}
                      >
                        {t('settings.revoke')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
      <CreateTokenDialog opened={creating} onClose={() => setCreating(false)} />
      <Modal opened={revoking !== null} onClose={() => setRevoking(null)} title={t('tokens.revokeTitle')} centered>
        <Stack gap="md">
          <Text size="sm">{t('tokens.revokeConfirm', { name: isolate(revoking?.name ?? '') })}</Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setRevoking(null)}>
              {t('action.cancel')}
            </Button>
            <Button
              color="red"
              loading={revoke.isPending}
              onClick={() => revoking && revoke.mutate(revoking.id)}
              data-testid="token-revoke-confirm"
            >
              {t('settings.revoke')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  PasswordInput,
  Select,
  Stack,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconDeviceDesktop, IconLogout } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { languages, smsNumberSchema, type Language } from '@tutti/protocol';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { formatIsoDateTime } from '../i18n/format.ts';
import { changeLanguage, currentLanguage, languageNames } from '../i18n/i18n.ts';
import { OrganizationAccounts } from '../session/ChooseOrganizationDialog.tsx';
import { usePermissions } from '../session/permissions.ts';
import { sessionQueryKey, sessionQueryOptions } from '../session/session.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PasswordFields, passwordPairValid } from '../shell/PasswordFields.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { ApiTokensCard } from '../tokens/ApiTokensCard.tsx';
import { WebhooksCard } from '../webhooks/WebhooksCard.tsx';
import { LicenseCard } from './LicenseCard.tsx';
import { OrganizationCard } from './OrganizationCard.tsx';
import { SignInProvidersCard } from './SignInProvidersCard.tsx';

const settingsKey = ['me', 'settings'] as const;
const sessionsKey = ['me', 'sessions'] as const;

function ProfileCard() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: settingsKey, queryFn: () => api.settings() });
  const [language, setLanguage] = useState<Language | null>(null);
  const [sms, setSms] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const data = settings.data;
  const smsValue = sms ?? data?.smsNumber ?? '';
  const languageValue = language ?? data?.language ?? currentLanguage();
  const smsInvalid = smsValue.trim() !== '' && !smsNumberSchema.safeParse(smsValue.trim()).success;

  const save = useMutation({
    mutationFn: () =>
      api.updateSettings({ language: languageValue, smsNumber: smsValue.trim() === '' ? null : smsValue.trim() }),
    onMutate: () => setSaved(false),
    onSuccess: async (next) => {
      queryClient.setQueryData(settingsKey, next);
      setSms(null);
      setLanguage(null);
      setSaved(true);
      await changeLanguage(next.language);
      await queryClient.invalidateQueries({ queryKey: sessionQueryKey });
    },
  });

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (smsInvalid) return;
    save.mutate();
  }

  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="md">
        {t('settings.profile')}
      </Title>
      {!data ? (
        settings.isError ? (
          <LoadError title={t('settings.loadFailed')} error={settings.error} onRetry={() => void settings.refetch()} />
        ) : (
          <Loader size="sm" />
        )
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md" maw={480}>
            {save.isError ? (
              <Alert color="red" variant="light" role="alert">
                {t(errorKey(save.error))}
              </Alert>
            ) : null}
            {saved ? (
              <Alert color="teal" variant="light" role="status" data-testid="settings-saved">
                {t('settings.saved')}
              </Alert>
            ) : null}
            <Group grow align="flex-start">
              <TextInput label={t('settings.name')} value={data.name} readOnly variant="filled" />
              <TextInput label={t('signIn.email')} value={data.email} readOnly variant="filled" dir="ltr" />
            </Group>
            <Select
              label={t('shell.language')}
              data={languages.map((item) => ({ value: item, label: languageNames[item] }))}
              value={languageValue}
              onChange={(value) => value && setLanguage(value)}
              allowDeselect={false}
              data-testid="settings-language"
            />
            <TextInput
              label={t('settings.sms')}
              description={t('settings.smsHint')}
              placeholder="+18015550100"
              value={smsValue}
              onChange={(event) => setSms(event.currentTarget.value)}
              error={smsInvalid ? t('settings.smsInvalid') : undefined}
              type="tel"
              inputMode="tel"
              autoComplete="tel"
              dir="ltr"
              data-testid="settings-sms"
            />
            <Group>
              <Button type="submit" loading={save.isPending} data-testid="settings-save">
                {t('action.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Card>
  );
}

function PasswordCard() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [done, setDone] = useState(false);
  const change = useMutation({
    mutationFn: () => api.changePassword({ currentPassword: current, newPassword: password }),
    onMutate: () => setDone(false),
    onSuccess: () => {
      setCurrent('');
      setPassword('');
      setConfirm('');
      setSubmitted(false);
      setDone(true);
    },
  });
  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setSubmitted(true);
    if (!current || !passwordPairValid(password, confirm)) return;
    change.mutate();
  }
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="md">
        {t('action.changePassword')}
      </Title>
      <form onSubmit={submit} noValidate>
        <Stack gap="md" maw={480}>
          {change.isError ? (
            <Alert color="red" variant="light" role="alert" data-testid="password-error">
              {t(errorKey(change.error))}
            </Alert>
          ) : null}
          {done ? (
            <Alert color="teal" variant="light" role="status">
              {t('settings.passwordChanged')}
            </Alert>
          ) : null}
          <PasswordInput
            label={t('password.current')}
            value={current}
            onChange={(event) => setCurrent(event.currentTarget.value)}
            error={submitted && !current ? t('signIn.passwordRequired') : undefined}
            autoComplete="current-password"
            required
          />
          <PasswordFields
            password={password}
            confirm={confirm}
            onPasswordChange={setPassword}
            onConfirmChange={setConfirm}
            showErrors={submitted}
            passwordLabel={t('password.new')}
            testIdPrefix="new"
          />
          <Group>
            <Button type="submit" loading={change.isPending}>
              {t('action.changePassword')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function SessionsCard() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const sessions = useQuery({ queryKey: sessionsKey, queryFn: () => api.listSessions() });
  const revoke = useMutation({
    mutationFn: (id: string) => api.revokeSession(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionsKey }),
  });
  const everywhere = useMutation({
    mutationFn: () => api.signOutEverywhere(),
    onSuccess: async () => {
      queryClient.clear();
      queryClient.setQueryData(sessionQueryKey, null);
      await navigate({ to: '/sign-in' });
    },
  });
  const error = revoke.error ?? everywhere.error;
  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="md" gap="sm">
        <Title order={2} size="h4">
          {t('settings.sessions')}
        </Title>
        <Button
          variant="light"
          color="red"
          leftSection={<IconLogout size={16} aria-hidden />}
          loading={everywhere.isPending}
          onClick={() => everywhere.mutate()}
          data-testid="sign-out-everywhere"
        >
          {t('settings.signOutEverywhere')}
        </Button>
      </Group>
      {error ? (
        <Alert color="red" variant="light" role="alert" mb="md">
          {t(errorKey(error))}
        </Alert>
      ) : null}
      {!sessions.data ? (
        sessions.isError ? (
          <LoadError title={t('settings.loadFailed')} error={sessions.error} onRetry={() => void sessions.refetch()} />
        ) : (
          <Loader size="sm" />
        )
      ) : (
        <Stack gap={0} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {sessions.data.items.map((session, index) => (
            <Group
              key={session.id}
              component="li"
              justify="space-between"
              wrap="nowrap"
              gap="sm"
              py="sm"
              style={{ borderTop: index === 0 ? undefined : '1px solid var(--mantine-color-gray-2)' }}
              data-testid={`session-${session.id}`}
            >
              <Group gap="sm" wrap="nowrap" miw={0}>
                <IconDeviceDesktop size={22} stroke={1.5} aria-hidden color="var(--mantine-color-gray-6)" />
                <Stack gap={2} miw={0}>
                  <Group gap={6} wrap="wrap">
                    <Text size="sm" fw={500} truncate maw={360}>
                      <bdi>{session.userAgent ?? t('settings.unknownBrowser')}</bdi>
                    </Text>
                    {session.current ? (
                      <Badge size="sm" color="teal" variant="light" style={{ textTransform: 'none' }}>
                        {t('settings.thisSession')}
                      </Badge>
                    ) : null}
                  </Group>
                  <Text size="xs" c="dimmed">
                    {t('settings.sessionDetails', {
                      ip: `\u2068${session.ip ?? '—'}\u2069`,
                      date: formatIsoDateTime(language, session.lastSeenAt) ?? '—',
                    })}
                  </Text>
                </Stack>
              </Group>
              {session.current ? null : (
                <Button
                  size="xs"
                  variant="default"
                  loading={revoke.isPending && revoke.variables === session.id}
                  onClick={() => revoke.mutate(session.id)}
                >
                  {t('settings.revoke')}
                </Button>
              )}
            </Group>
          ))}
        </Stack>
      )}
    </Card>
  );
}

function OrganizationAccountsCard() {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="xs">
        {t('settings.organizationAccounts')}
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        {t('organizations.chooseHint')}
      </Text>
      <OrganizationAccounts />
    </Card>
  );
}

type SettingsTab = 'personal' | 'organization';

/** Settings: Personal (the signed-in person) and Organization (the current organization, for those who run it). */
export function SettingsPage() {
  const { t } = useTranslation();
  const { can } = usePermissions();
  const { data: session } = useQuery(sessionQueryOptions);
  const [tab, setTab] = useState<SettingsTab>('personal');
  usePageTitle(t('settings.title'));
  const organizationTab = can('orgs.view') || can('users.manage') || can('tokens.manage') || can('webhooks.manage');
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('settings.title')}
      </Title>
      <Tabs value={tab} onChange={(value) => setTab((value as SettingsTab | null) ?? 'personal')} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="personal" data-testid="settings-tab-personal">
            {t('settings.personal')}
          </Tabs.Tab>
          {organizationTab ? (
            <Tabs.Tab value="organization" data-testid="settings-tab-organization">
              {t('settings.organization')}
            </Tabs.Tab>
          ) : null}
        </Tabs.List>
        <Tabs.Panel value="personal">
          <Stack gap="md">
            <ProfileCard />
            <PasswordCard />
            <OrganizationAccountsCard />
            <SessionsCard />
          </Stack>
        </Tabs.Panel>
        {organizationTab && session ? (
          <Tabs.Panel value="organization">
            <Stack gap="md">
              {can('orgs.view') ? <OrganizationCard organizationId={session.currentOrganizationId} /> : null}
              {can('orgs.view') ? <LicenseCard /> : null}
              {can('users.manage') ? <SignInProvidersCard /> : null}
              {can('tokens.manage') ? <ApiTokensCard /> : null}
              {can('webhooks.manage') ? <WebhooksCard /> : null}
            </Stack>
          </Tabs.Panel>
        ) : null}
      </Tabs>
    </Stack>
  );
}

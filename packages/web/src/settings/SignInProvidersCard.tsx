import {
  ActionIcon,
  Alert,
  Button,
  Card,
  Checkbox,
  Code,
  Group,
  Loader,
  PasswordInput,
  Select,
  Stack,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  roles,
  USERNAME_PLACEHOLDER,
  type LdapSettingsDto,
  type OidcSettingsDto,
  type RoleMapping,
} from '@tutti/protocol';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { isolate } from '../i18n/format.ts';
import { LoadError } from '../shell/LoadError.tsx';

const providersKey = ['sign-in-providers'] as const;

/** Directory group or claim value → role, first match wins. */
function RoleMappings({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  value: RoleMapping[];
  onChange: (next: RoleMapping[]) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <Text size="xs" c="dimmed">
        {t('signInProviders.mappingHint')}
      </Text>
      {value.map((mapping, index) => (
        <Group key={index} gap="xs" wrap="nowrap" align="flex-start">
          <TextInput
            aria-label={t('signInProviders.match')}
            placeholder={t('signInProviders.match')}
            value={mapping.match}
            onChange={(event) =>
              onChange(value.map((m, i) => (i === index ? { ...m, match: event.currentTarget.value } : m)))
            }
            dir="ltr"
            style={{ flex: 1 }}
            data-testid={`${testId}-match-${index}`}
          />
          <Select
            aria-label={t('users.columns.role')}
            data={roles.map((role) => ({ value: role, label: t(`role.${role}`) }))}
            value={mapping.role}
            onChange={(role) => role && onChange(value.map((m, i) => (i === index ? { ...m, role: role } : m)))}
            allowDeselect={false}
            w={170}
          />
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            aria-label={t('signInProviders.removeMapping')}
            onClick={() => onChange(value.filter((_, i) => i !== index))}
            disabled={value.length === 1}
          >
            <IconTrash size={16} aria-hidden />
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button
          size="xs"
          variant="subtle"
          leftSection={<IconPlus size={14} aria-hidden />}
          onClick={() => onChange([...value, { match: '', role: 'monitor' }])}
        >
          {t('signInProviders.addMapping')}
        </Button>
      </Group>
    </Stack>
  );
}

function cleanMappings(mappings: RoleMapping[]): RoleMapping[] {
  return mappings.map((m) => ({ ...m, match: m.match.trim() })).filter((m) => m.match !== '');
}

function LdapForm({ current }: { current: LdapSettingsDto | null }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState(current?.url ?? 'ldaps://');
  const [startTls, setStartTls] = useState(current?.startTls ?? false);
  const [caCertificate, setCaCertificate] = useState(current?.caCertificate ?? '');
  const [bindDn, setBindDn] = useState(current?.bindDn ?? '');
  const [bindPassword, setBindPassword] = useState('');
  const [userSearchBase, setUserSearchBase] = useState(current?.userSearchBase ?? '');
  const [userFilter, setUserFilter] = useState(
    current?.userFilter ?? `(|(uid=${USERNAME_PLACEHOLDER})(mail=${USERNAME_PLACEHOLDER}))`,
  );
  const [groupAttribute, setGroupAttribute] = useState(current?.groupAttribute ?? 'memberOf');
  const [groupRoles, setGroupRoles] = useState<RoleMapping[]>(current?.groupRoles ?? [{ match: '', role: 'monitor' }]);
  const [testUser, setTestUser] = useState('');
  const [testPassword, setTestPassword] = useState('');
  const [saved, setSaved] = useState(false);

  const save = useMutation({
    mutationFn: () =>
      api.setLdapSettings({
        url: url.trim(),
        startTls,
        caCertificate: caCertificate.trim() || null,
        bindDn: bindDn.trim(),
        ...(bindPassword ? { bindPassword } : {}),
        userSearchBase: userSearchBase.trim(),
        userFilter: userFilter.trim(),
        groupAttribute: groupAttribute.trim(),
        groupRoles: cleanMappings(groupRoles),
      }),
    onMutate: () => setSaved(false),
    onSuccess: async () => {
      setSaved(true);
      setBindPassword('');
      await queryClient.invalidateQueries({ queryKey: providersKey });
    },
  });
  const test = useMutation({
    mutationFn: () =>
      api.testLdapSettings({
        ...(testUser.trim() ? { username: testUser.trim() } : {}),
        ...(testPassword ? { password: testPassword } : {}),
      }),
  });
  const remove = useMutation({
    mutationFn: () => api.removeSignInProvider('ldap'),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: providersKey }),
  });

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    save.mutate();
  }
  const failure = save.error ?? remove.error;

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm" maw={640}>
        {failure ? (
          <Alert color="red" variant="light" role="alert" data-testid="ldap-error">
            {t(errorKey(failure))}
          </Alert>
        ) : null}
        {saved ? (
          <Alert color="teal" variant="light" role="status" data-testid="ldap-saved">
            {t('settings.saved')}
          </Alert>
        ) : null}
        <TextInput
          label={t('signInProviders.ldapUrl')}
          description={t('signInProviders.ldapUrlHint')}
          value={url}
          onChange={(event) => setUrl(event.currentTarget.value)}
          dir="ltr"
          required
          data-testid="ldap-url"
        />
        <Checkbox
          label={t('signInProviders.startTls')}
          checked={startTls}
          onChange={(event) => setStartTls(event.currentTarget.checked)}
        />
        <Textarea
          label={t('signInProviders.caCertificate')}
          description={t('signInProviders.caCertificateHint')}
          value={caCertificate}
          onChange={(event) => setCaCertificate(event.currentTarget.value)}
          autosize
          minRows={2}
          maxRows={6}
          dir="ltr"
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
        <TextInput
          label={t('signInProviders.bindDn')}
          value={bindDn}
          onChange={(event) => setBindDn(event.currentTarget.value)}
          dir="ltr"
          required
          data-testid="ldap-bind-dn"
        />
        <PasswordInput
          label={t('signInProviders.bindPassword')}
          description={current?.bindPasswordSet ? t('signInProviders.secretKept') : undefined}
          value={bindPassword}
          onChange={(event) => setBindPassword(event.currentTarget.value)}
          autoComplete="new-password"
          data-testid="ldap-bind-password"
        />
        <TextInput
          label={t('signInProviders.userSearchBase')}
          value={userSearchBase}
          onChange={(event) => setUserSearchBase(event.currentTarget.value)}
          dir="ltr"
          required
          data-testid="ldap-search-base"
        />
        <TextInput
          label={t('signInProviders.userFilter')}
          description={t('signInProviders.userFilterHint', { placeholder: USERNAME_PLACEHOLDER })}
          value={userFilter}
          onChange={(event) => setUserFilter(event.currentTarget.value)}
          dir="ltr"
        />
        <TextInput
          label={t('signInProviders.groupAttribute')}
          value={groupAttribute}
          onChange={(event) => setGroupAttribute(event.currentTarget.value)}
          dir="ltr"
        />
        <RoleMappings
          label={t('signInProviders.groupRoles')}
          value={groupRoles}
          onChange={setGroupRoles}
          testId="ldap-mapping"
        />
        <Group gap="sm">
          <Button type="submit" loading={save.isPending} data-testid="ldap-save">
            {t('action.save')}
          </Button>
          {current ? (
            <Button variant="subtle" color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
              {t('signInProviders.turnOff')}
            </Button>
          ) : null}
        </Group>
        {current ? (
          <Card withBorder radius="md" padding="md" mt="sm">
            <Stack gap="sm">
              <Title order={3} size="h6">
                {t('signInProviders.test')}
              </Title>
              <Text size="xs" c="dimmed">
                {t('signInProviders.testHint')}
              </Text>
              <Group gap="sm" align="flex-end" wrap="wrap">
                <TextInput
                  label={t('signInProviders.testUser')}
                  value={testUser}
                  onChange={(event) => setTestUser(event.currentTarget.value)}
                  dir="ltr"
                  autoComplete="off"
                />
                <PasswordInput
                  label={t('signIn.password')}
                  value={testPassword}
                  onChange={(event) => setTestPassword(event.currentTarget.value)}
                  autoComplete="off"
                  w={200}
                />
                <Button variant="light" loading={test.isPending} onClick={() => test.mutate()} data-testid="ldap-test">
                  {t('signInProviders.testButton')}
                </Button>
              </Group>
              {test.isError ? (
                <Alert color="red" variant="light" role="alert" data-testid="ldap-test-error">
                  {t(errorKey(test.error))}
                </Alert>
              ) : null}
              {test.data ? (
                <Alert color={test.data.connected ? 'teal' : 'red'} variant="light" data-testid="ldap-test-result">
                  <Stack gap={4}>
                    <Text size="sm">
                      {test.data.connected ? t('signInProviders.connected') : t('signInProviders.notConnected')}
                    </Text>
                    {test.data.user ? (
                      <Text size="sm">
                        {test.data.user.role
                          ? t('signInProviders.userRole', {
                              name: isolate(test.data.user.name ?? test.data.user.dn),
                              role: t(`role.${test.data.user.role}`),
                            })
                          : t('signInProviders.userNoRole', {
                              name: isolate(test.data.user.name ?? test.data.user.dn),
                            })}
                      </Text>
                    ) : null}
                  </Stack>
                </Alert>
              ) : null}
            </Stack>
          </Card>
        ) : null}
      </Stack>
    </form>
  );
}

function OidcForm({ current }: { current: OidcSettingsDto | null }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [issuer, setIssuer] = useState(current?.issuer ?? 'https://');
  const [clientId, setClientId] = useState(current?.clientId ?? '');
  const [clientSecret, setClientSecret] = useState('');
  const [scopes, setScopes] = useState(current?.scopes ?? 'openid email profile');
  const [roleClaim, setRoleClaim] = useState(current?.roleClaim ?? 'groups');
  const [claimRoles, setClaimRoles] = useState<RoleMapping[]>(current?.claimRoles ?? [{ match: '', role: 'monitor' }]);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () =>
      api.setOidcSettings({
        issuer: issuer.trim(),
        clientId: clientId.trim(),
        ...(clientSecret ? { clientSecret } : {}),
        scopes: scopes.trim(),
        roleClaim: roleClaim.trim(),
        claimRoles: cleanMappings(claimRoles),
      }),
    onMutate: () => setSaved(false),
    onSuccess: async () => {
      setSaved(true);
      setClientSecret('');
      await queryClient.invalidateQueries({ queryKey: providersKey });
    },
  });
  const remove = useMutation({
    mutationFn: () => api.removeSignInProvider('oidc'),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: providersKey }),
  });
  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    save.mutate();
  }
  const failure = save.error ?? remove.error;
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm" maw={640}>
        {failure ? (
          <Alert color="red" variant="light" role="alert" data-testid="oidc-error">
            {t(errorKey(failure))}
          </Alert>
        ) : null}
        {saved ? (
          <Alert color="teal" variant="light" role="status" data-testid="oidc-saved">
            {t('settings.saved')}
          </Alert>
        ) : null}
        {current ? (
          <Stack gap={4}>
            <Text size="xs" c="dimmed">
              {t('signInProviders.redirectUri')}
            </Text>
            <Code dir="ltr">{current.redirectUri}</Code>
            <Text size="xs" c="dimmed">
              {t('signInProviders.startUrl')}
            </Text>
            <Code dir="ltr" data-testid="oidc-start-url">
              {current.startUrl}
            </Code>
          </Stack>
        ) : null}
        <TextInput
          label={t('signInProviders.issuer')}
          value={issuer}
          onChange={(event) => setIssuer(event.currentTarget.value)}
          dir="ltr"
          required
          data-testid="oidc-issuer"
        />
        <TextInput
          label={t('signInProviders.clientId')}
          value={clientId}
          onChange={(event) => setClientId(event.currentTarget.value)}
          dir="ltr"
          required
          data-testid="oidc-client-id"
        />
        <PasswordInput
          label={t('signInProviders.clientSecret')}
          description={current?.clientSecretSet ? t('signInProviders.secretKept') : undefined}
          value={clientSecret}
          onChange={(event) => setClientSecret(event.currentTarget.value)}
          autoComplete="new-password"
          data-testid="oidc-client-secret"
        />
        <TextInput
          label={t('signInProviders.scopes')}
          value={scopes}
          onChange={(event) => setScopes(event.currentTarget.value)}
          dir="ltr"
        />
        <TextInput
          label={t('signInProviders.roleClaim')}
          value={roleClaim}
          onChange={(event) => setRoleClaim(event.currentTarget.value)}
          dir="ltr"
        />
        <RoleMappings
          label={t('signInProviders.claimRoles')}
          value={claimRoles}
          onChange={setClaimRoles}
          testId="oidc-mapping"
        />
        <Group gap="sm">
          <Button type="submit" loading={save.isPending} data-testid="oidc-save">
            {t('action.save')}
          </Button>
          {current ? (
            <Button variant="subtle" color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
              {t('signInProviders.turnOff')}
            </Button>
          ) : null}
        </Group>
      </Stack>
    </form>
  );
}

/** Settings > Organization > Sign-in: LDAP directory sign-in and OIDC single sign-on of this organization. */
export function SignInProvidersCard() {
  const { t } = useTranslation();
  const providers = useQuery({ queryKey: providersKey, queryFn: () => api.signInProviders() });
  const data = providers.data;
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="md">
        {t('signInProviders.title')}
      </Title>
      {providers.isError ? (
        <LoadError
          title={t('signInProviders.loadFailed')}
          error={providers.error}
          onRetry={() => void providers.refetch()}
        />
      ) : !data ? (
        <Loader size="sm" />
      ) : (
        <Tabs defaultValue="ldap" keepMounted={false}>
          <Tabs.List mb="md">
            <Tabs.Tab value="ldap" data-testid="providers-tab-ldap">
              {t('users.type.ldap')}
            </Tabs.Tab>
            <Tabs.Tab value="oidc" data-testid="providers-tab-oidc">
              {t('users.type.sso')}
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="ldap">
            <LdapForm key={data.ldap?.updatedAt ?? 'new'} current={data.ldap} />
          </Tabs.Panel>
          <Tabs.Panel value="oidc">
            <OidcForm key={data.oidc?.updatedAt ?? 'new'} current={data.oidc} />
          </Tabs.Panel>
        </Tabs>
      )}
    </Card>
  );
}

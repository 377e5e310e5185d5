import { Alert, Button, Card, Group, Loader, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { OrganizationDto } from '@tutti/protocol';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { formatNumber } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { OrganizationStatusBadge } from '../organizations/OrganizationsPage.tsx';
import { formatPlanDate } from '../organizations/plan-date.ts';
import { usePermissions } from '../session/permissions.ts';
import { sessionQueryKey } from '../session/session.ts';
import { LoadError } from '../shell/LoadError.tsx';

function Field({ label, value }: { label: string; value: string }) {
  return (
    <Stack gap={0} miw={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">
        <bdi>{value}</bdi>
      </Text>
    </Stack>
  );
}

function NameForm({ organization }: { organization: OrganizationDto }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState(organization.name);
  const [saved, setSaved] = useState(false);
  const rename = useMutation({
    mutationFn: () => api.updateOrganization(organization.id, { name: name.trim() }),
    onMutate: () => setSaved(false),
    onSuccess: async (next) => {
      queryClient.setQueryData(['organization', organization.id], next);
      setSaved(true);
      // The shell and the account menu show the name from the session.
      await queryClient.invalidateQueries({ queryKey: sessionQueryKey });
    },
  });
  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (name.trim() === '') return;
    rename.mutate();
  }
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm" maw={480}>
        {rename.isError ? (
          <Alert color="red" variant="light" role="alert">
            {t(errorKey(rename.error))}
          </Alert>
        ) : null}
        {saved ? (
          <Alert color="teal" variant="light" role="status" data-testid="organization-name-saved">
            {t('settings.saved')}
          </Alert>
        ) : null}
        <Group align="flex-end" gap="sm" wrap="nowrap">
          <TextInput
            label={t('organizations.add.name')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={name.trim() === '' ? t('organizations.add.required') : undefined}
            maxLength={120}
            style={{ flex: 1 }}
            data-testid="organization-settings-name"
          />
          <Button type="submit" loading={rename.isPending} data-testid="organization-settings-save">
            {t('action.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Settings > Organization: the name, and the subscription the organization runs on. */
export function OrganizationCard({ organizationId }: { organizationId: string }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { can } = usePermissions();
  const organization = useQuery({
    queryKey: ['organization', organizationId],
    queryFn: () => api.getOrganization(organizationId),
  });
  const data = organization.data;
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="md">
        {t('settings.organization')}
      </Title>
      {organization.isError ? (
        <LoadError
          title={t('organizations.loadFailed')}
          error={organization.error}
          onRetry={() => void organization.refetch()}
        />
      ) : !data ? (
        <Loader size="sm" />
      ) : (
        <Stack gap="lg">
          {can('orgs.manage') ? (
            <NameForm key={data.id} organization={data} />
          ) : (
            <Field label={t('organizations.add.name')} value={data.name} />
          )}
          <Stack gap="xs">
            <Group gap="sm">
              <Title order={3} size="h5">
                {t('settings.subscription')}
              </Title>
              <OrganizationStatusBadge organization={data} />
            </Group>
            <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm">
              <Field label={t('organizations.columns.accountNumber')} value={data.accountNumber} />
              <Field label={t('settings.organizationType')} value={t(`organizations.kind.${data.kind}`)} />
              <Field label={t('organizations.columns.startDate')} value={formatPlanDate(language, data.startDate)} />
              <Field label={t('organizations.columns.endDate')} value={formatPlanDate(language, data.endDate)} />
              <Field
                label={t('organizations.columns.devicesAllocated')}
                value={formatNumber(language, data.devicesAllocated)}
              />
              <Field
                label={t('organizations.columns.proAudioDevices')}
                value={formatNumber(language, data.proAudioDevices)}
              />
            </SimpleGrid>
          </Stack>
        </Stack>
      )}
    </Card>
  );
}

import { Alert, Badge, Button, Card, FileButton, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconCertificate, IconUpload } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '@tutti/client';
import { signedLicenseSchema, type LicenseDto } from '@tutti/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { formatIsoDateTime, formatNumber } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { usePermissions } from '../session/permissions.ts';
import { LoadError } from '../shell/LoadError.tsx';

const licenseKey = ['settings', 'license'] as const;

/**
 * Reads a license file in the browser. A file that is not JSON, or not shaped like a license, is as invalid as one
 * with a bad signature: the same LICENSE_INVALID message, and nothing is sent.
 */
async function readLicenseFile(file: File) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await file.text());
  } catch {
    throw new ApiError(400, 'LICENSE_INVALID', 'not JSON');
  }
  const license = signedLicenseSchema.safeParse(parsed);
  if (!license.success) throw new ApiError(400, 'LICENSE_INVALID', 'not a license file');
  return license.data;
}

function LicenseDetails({ license }: { license: LicenseDto }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const row = (label: string, value: string, testId?: string) => (
    <Stack gap={0} miw={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" data-testid={testId} style={{ overflowWrap: 'anywhere' }}>
        <bdi>{value}</bdi>
      </Text>
    </Stack>
  );
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" data-testid="license-details">
      {row(t('license.customer'), license.customer, 'license-customer')}
      {row(t('license.id'), license.licenseId)}
      {row(t('organizations.add.maxProAudioDevices'), formatNumber(language, license.maxProAudioDevices))}
      {row(t('license.expires'), formatIsoDateTime(language, license.expiresAt) ?? '—')}
      {row(t('license.features'), license.features.length > 0 ? license.features.join(', ') : '—')}
      {row(t('license.installed'), formatIsoDateTime(language, license.installedAt) ?? '—')}
    </SimpleGrid>
  );
}

/** Subscription and License: the installed enterprise license, and Upgrade License for those who manage the org. */
export function LicenseCard() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { can } = usePermissions();
  const license = useQuery({ queryKey: licenseKey, queryFn: () => api.license() });
  const [installed, setInstalled] = useState(false);
  const upgrade = useMutation({
    mutationFn: async (file: File) => api.installLicense(await readLicenseFile(file)),
    onMutate: () => setInstalled(false),
    onSuccess: (state) => {
      queryClient.setQueryData(licenseKey, state);
      setInstalled(true);
    },
  });
  const current = license.data?.license ?? null;

  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="md" gap="sm">
        <Group gap="xs">
          <IconCertificate size={20} aria-hidden />
          <Title order={2} size="h4">
            {t('license.title')}
          </Title>
          {current ? (
            <Badge
              color={current.expired ? 'red' : 'teal'}
              variant="light"
              style={{ textTransform: 'none' }}
              data-testid="license-state"
            >
              {current.expired ? t('orgStatus.expired') : t('orgStatus.active')}
            </Badge>
          ) : null}
        </Group>
        {can('orgs.manage') ? (
          <FileButton onChange={(file) => file && upgrade.mutate(file)} accept="application/json,.json,.lic">
            {(props) => (
              <Button
                {...props}
                leftSection={<IconUpload size={16} aria-hidden />}
                loading={upgrade.isPending}
                data-testid="license-upgrade"
              >
                {t('license.upgrade')}
              </Button>
            )}
          </FileButton>
        ) : null}
      </Group>
      <Stack gap="md">
        {upgrade.isError ? (
          <Alert color="red" variant="light" role="alert" data-testid="license-error">
            {t(errorKey(upgrade.error))} {t('license.unchanged')}
          </Alert>
        ) : null}
        {installed ? (
          <Alert color="teal" variant="light" role="status" data-testid="license-installed">
            {t('license.installedNotice')}
          </Alert>
        ) : null}
        {license.isError ? (
          <LoadError title={t('license.loadFailed')} error={license.error} onRetry={() => void license.refetch()} />
        ) : !license.data ? (
          <Loader size="sm" />
        ) : current ? (
          <LicenseDetails license={current} />
        ) : (
          <Text size="sm" c="dimmed" data-testid="license-none">
            {t('license.none')}
          </Text>
        )}
      </Stack>
    </Card>
  );
}

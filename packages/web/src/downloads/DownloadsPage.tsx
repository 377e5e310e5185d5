import { Alert, Anchor, Button, Card, Code, Group, List, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { IconDownload, IconInfoCircle } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { formatDateTime } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { HelpLink } from '../help/HelpLink.tsx';
import { TableScroll } from '../shared/TableScroll.tsx';

const agentPackagesQuery = { queryKey: ['agent-packages'], queryFn: () => api.listAgentPackages() };

function formatSize(language: string, bytes: number): string {
  const megabytes = bytes / 1_000_000;
  return new Intl.NumberFormat(language === 'ar' ? 'ar-u-nu-latn' : language, {
    style: 'unit',
    unit: 'megabyte',
    maximumFractionDigits: 1,
  }).format(megabytes);
}

/** Local Agent packages this hub offers, and how to install one on a site's server. */
export function DownloadsPage() {
  const { t } = useTranslation();
  usePageTitle(t('nav.downloads'));
  const language = currentLanguage();
  const packages = useQuery(agentPackagesQuery);
  const hubUrl = window.location.origin;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="baseline">
        <Title order={1} size="h2">
          {t('nav.downloads')}
        </Title>
        <HelpLink screen="downloads" />
      </Group>
      <Card withBorder radius="md" padding="lg">
        <Title order={2} size="h4" mb="sm">
          {t('downloads.packages')}
        </Title>
        {packages.data ? (
          packages.data.items.length === 0 ? (
            <Alert color="gray" variant="light" icon={<IconInfoCircle aria-hidden />} data-testid="downloads-none">
              {t('downloads.none')}
            </Alert>
          ) : (
            <TableScroll label={t('downloads.packages')} minWidth={560}>
              <Table verticalSpacing="xs" data-testid="downloads-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('downloads.version')}</Table.Th>
                    <Table.Th>{t('downloads.platform')}</Table.Th>
                    <Table.Th>{t('downloads.size')}</Table.Th>
                    <Table.Th>{t('downloads.built')}</Table.Th>
                    <Table.Th>SHA-256</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {packages.data.items.map((item) => (
                    <Table.Tr key={item.version}>
                      <Table.Td>
                        <bdi>{item.version}</bdi>
                        {item.version === packages.data.latest ? (
                          <Text span size="xs" c="dimmed" ms="xs">
                            {t('downloads.latest')}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <bdi>{item.platform}</bdi>
                      </Table.Td>
                      <Table.Td>{formatSize(language, item.size)}</Table.Td>
                      <Table.Td>{formatDateTime(language, Date.parse(item.builtAt))}</Table.Td>
                      <Table.Td>
                        <Code title={item.sha256}>{item.sha256.slice(0, 16)}…</Code>
                      </Table.Td>
                      <Table.Td ta="end">
                        <Button
                          component="a"
                          href={item.downloadPath}
                          download
                          size="compact-sm"
                          variant="light"
                          leftSection={<IconDownload size={14} aria-hidden />}
                        >
                          {t('downloads.download')}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          )
        ) : packages.isError ? (
          <LoadError title={t('downloads.loadFailed')} error={packages.error} onRetry={() => void packages.refetch()} />
        ) : (
          <Loader mx="auto" my="md" />
        )}
      </Card>
      <Card withBorder radius="md" padding="lg">
        <Title order={2} size="h4" mb="sm">
          {t('downloads.installTitle')}
        </Title>
        <List type="ordered" spacing="sm" data-testid="downloads-steps">
          <List.Item>
            {t('downloads.stepAccount')}{' '}
            <Anchor component={Link} to="/servers">
              {t('nav.servers')}
            </Anchor>
          </List.Item>
          <List.Item>{t('downloads.stepServer')}</List.Item>
          <List.Item>
            {t('downloads.stepUnpack')}
            <Code block mt={4} dir="ltr">
              tar -xzf tutti-agent-VERSION.tar.gz{'\n'}cd tutti-agent-VERSION
            </Code>
          </List.Item>
          <List.Item>
            {t('downloads.stepInstall')}
            <Code block mt={4} dir="ltr" data-testid="downloads-install-command">
              sudo ./install.sh --hub {hubUrl} --name SERVER-NAME
            </Code>
          </List.Item>
          <List.Item>{t('downloads.stepSubnets')}</List.Item>
        </List>
      </Card>
    </Stack>
  );
}

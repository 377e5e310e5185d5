import { Stack, Tabs, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconListCheck, IconMail, IconTool } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { AlertListPanel } from './AlertListPanel.tsx';
import { DeliveryListPanel } from './DeliveryListPanel.tsx';
import { MaintenancePanel } from './MaintenancePanel.tsx';
import { RuleListPanel } from './RuleListPanel.tsx';

/** Alerts: what is wrong now, the messages sent about it, the rules that decide, and maintenance windows. */
export function AlertsPage() {
  const { t } = useTranslation();
  usePageTitle(t('nav.alerts'));
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('nav.alerts')}
      </Title>
      <Text c="dimmed" size="sm">
        {t('alerts.subtitle')}
      </Text>
      <Tabs defaultValue="alerts" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="alerts" leftSection={<IconAlertTriangle size={16} aria-hidden />} data-testid="tab-alerts">
            {t('alerts.tabs.alerts')}
          </Tabs.Tab>
          <Tabs.Tab value="messages" leftSection={<IconMail size={16} aria-hidden />} data-testid="tab-messages">
            {t('alerts.tabs.messages')}
          </Tabs.Tab>
          <Tabs.Tab value="rules" leftSection={<IconListCheck size={16} aria-hidden />} data-testid="tab-rules">
            {t('alerts.tabs.rules')}
          </Tabs.Tab>
          <Tabs.Tab value="maintenance" leftSection={<IconTool size={16} aria-hidden />} data-testid="tab-maintenance">
            {t('alerts.tabs.maintenance')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="alerts" pt="md">
          <AlertListPanel />
        </Tabs.Panel>
        <Tabs.Panel value="messages" pt="md">
          <DeliveryListPanel />
        </Tabs.Panel>
        <Tabs.Panel value="rules" pt="md">
          <RuleListPanel />
        </Tabs.Panel>
        <Tabs.Panel value="maintenance" pt="md">
          <MaintenancePanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

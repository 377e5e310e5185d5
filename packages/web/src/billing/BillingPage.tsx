import { Stack, Tabs, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePermissions } from '../session/permissions.ts';
import { hasClientOrganizations, sessionQueryOptions } from '../session/session.ts';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { InvoicesPanel } from './InvoicesPanel.tsx';
import { PlansPanel } from './PlansPanel.tsx';
import { UsagePanel } from './UsagePanel.tsx';

type BillingTab = 'invoices' | 'usage' | 'plans';

/** Billing: invoices and usage for everyone with billing access; service plans for a support organization. */
export function BillingPage() {
  const { t } = useTranslation();
  usePageTitle(t('nav.billing'));
  const { data: session } = useQuery(sessionQueryOptions);
  const { can } = usePermissions();
  const support = session ? hasClientOrganizations(session) : false;
  const [tab, setTab] = useState<BillingTab>('invoices');

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('nav.billing')}
      </Title>
      <Tabs value={tab} onChange={(value) => setTab((value as BillingTab | null) ?? 'invoices')} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="invoices" data-testid="billing-tab-invoices">
            {t('billing.tabs.invoices')}
          </Tabs.Tab>
          <Tabs.Tab value="usage" data-testid="billing-tab-usage">
            {t('billing.tabs.usage')}
          </Tabs.Tab>
          {support ? (
            <Tabs.Tab value="plans" data-testid="billing-tab-plans">
              {t('billing.tabs.plans')}
            </Tabs.Tab>
          ) : null}
        </Tabs.List>
        <Tabs.Panel value="invoices" pt="md">
          <InvoicesPanel canManage={support && can('billing.manage')} />
        </Tabs.Panel>
        <Tabs.Panel value="usage" pt="md">
          <UsagePanel />
        </Tabs.Panel>
        {support ? (
          <Tabs.Panel value="plans" pt="md">
            <PlansPanel />
          </Tabs.Panel>
        ) : null}
      </Tabs>
    </Stack>
  );
}

import { Alert, Button, Group, Menu, ScrollArea, Stack, Table, Text } from '@mantine/core';
import { IconBuildingPlus, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ServicePlanDto } from '@tutti/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { formatNumber, isolate } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { usePermissions } from '../session/permissions.ts';
import { MutationError, RowActionsMenu } from '../shared/ListPage.tsx';
import { AssignPlanDialog } from './AssignPlanDialog.tsx';
import { billingQueryKey, servicePlansQueryOptions } from './billing.queries.ts';
import { formatMoney } from './money.ts';
import { PlanDialog } from './PlanDialog.tsx';

/** The support organization's service plans: what each allows and costs, and how it is billed and reminded. */
export function PlansPanel() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const queryClient = useQueryClient();
  const { can } = usePermissions();
  const canManage = can('billing.manage');
  const plans = useQuery(servicePlansQueryOptions);
  const [editing, setEditing] = useState<{ plan: ServicePlanDto | null } | null>(null);
  const [assigning, setAssigning] = useState<ServicePlanDto | null>(null);

  const remove = useMutation({
    mutationFn: (plan: ServicePlanDto) => api.deleteServicePlan(plan.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: billingQueryKey }),
  });

  const offsets = (plan: ServicePlanDto) =>
    plan.reminderOffsets.length === 0
      ? '—'
      : plan.reminderOffsets
          .map((offset) =>
            offset === 0
              ? t('billing.plans.onDueDate')
              : offset < 0
                ? t('billing.plans.daysBefore', { count: -offset })
                : t('billing.plans.daysAfter', { count: offset }),
          )
          .join(' · ');

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Text c="dimmed" size="sm">
          {t('billing.plans.subtitle')}
        </Text>
        {canManage ? (
          <Button
            leftSection={<IconPlus size={16} aria-hidden />}
            onClick={() => setEditing({ plan: null })}
            data-testid="add-plan"
          >
            {t('billing.plans.add')}
          </Button>
        ) : null}
      </Group>
      {plans.isError ? (
        <Alert color="red" variant="light" role="alert">
          {t(errorKey(plans.error))}
        </Alert>
      ) : null}
      <MutationError mutation={remove} />
      <ScrollArea>
        <Table striped highlightOnHover withTableBorder miw={860} data-testid="plans-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('billing.plans.name')}</Table.Th>
              <Table.Th>{t('billing.plans.maxDevices')}</Table.Th>
              <Table.Th>{t('billing.plans.price')}</Table.Th>
              <Table.Th>{t('billing.plans.period')}</Table.Th>
              <Table.Th>{t('billing.plans.terms')}</Table.Th>
              <Table.Th>{t('billing.plans.reminders')}</Table.Th>
              <Table.Th>{t('billing.plans.organizations')}</Table.Th>
              {canManage ? <Table.Th aria-label={t('billing.plans.actions')} /> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {plans.data?.items.length === 0 ? (
              <Table.Tr>
                <Table.Td colSpan={canManage ? 8 : 7}>
                  <Text c="dimmed" ta="center" py="md">
                    {t('billing.plans.none')}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ) : null}
            {plans.data?.items.map((plan) => (
              <Table.Tr key={plan.id} data-testid={`plan-row-${plan.name}`}>
                <Table.Td fw={500}>
                  <bdi>{plan.name}</bdi>
                </Table.Td>
                <Table.Td>{formatNumber(language, plan.maxProAudioDevices)}</Table.Td>
                <Table.Td>{formatMoney(language, plan.pricePerDeviceYearMinor, plan.currency)}</Table.Td>
                <Table.Td>{t(`billing.period.${plan.billingPeriod}`)}</Table.Td>
                <Table.Td>
                  {t('billing.plans.termsValue', {
                    terms: formatNumber(language, plan.paymentTermsDays),
                    grace: formatNumber(language, plan.graceDays),
                  })}
                </Table.Td>
                <Table.Td>{offsets(plan)}</Table.Td>
                <Table.Td>{formatNumber(language, plan.organizations)}</Table.Td>
                {canManage ? (
                  <Table.Td>
                    <RowActionsMenu
                      label={t('billing.plans.actionsFor', { name: isolate(plan.name) })}
                      testId={`plan-actions-${plan.name}`}
                    >
                      <Menu.Item
                        leftSection={<IconPencil size={16} aria-hidden />}
                        onClick={() => setEditing({ plan })}
                      >
                        {t('billing.plans.edit')}
                      </Menu.Item>
                      <Menu.Item
                        leftSection={<IconBuildingPlus size={16} aria-hidden />}
                        onClick={() => setAssigning(plan)}
                        data-testid={`plan-assign-${plan.name}`}
                      >
                        {t('billing.plans.assign')}
                      </Menu.Item>
                      <Menu.Item
                        color="red"
                        leftSection={<IconTrash size={16} aria-hidden />}
                        onClick={() => remove.mutate(plan)}
                      >
                        {t('billing.plans.delete')}
                      </Menu.Item>
                    </RowActionsMenu>
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      <PlanDialog
        key={editing?.plan?.id ?? 'new'}
        plan={editing?.plan ?? null}
        opened={editing !== null}
        onClose={() => setEditing(null)}
      />
      <AssignPlanDialog plan={assigning} opened={assigning !== null} onClose={() => setAssigning(null)} />
    </Stack>
  );
}

import { Alert, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ServicePlanDto } from '@tutti/protocol';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { isolate } from '../i18n/format.ts';
import { billingQueryKey } from './billing.queries.ts';

/** Puts a client organization on a plan, billed from a start date. */
export function AssignPlanDialog({
  plan,
  opened,
  onClose,
}: {
  plan: ServicePlanDto | null;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [organizationId, setOrganizationId] = useState<string | null>(null);
  const [startDate, setStartDate] = useState(() => new Date().toISOString().slice(0, 10));
  const organizations = useQuery({
    queryKey: ['organizations', 'billing-choices'],
    queryFn: () => api.listOrganizations({ limit: 500 }),
    enabled: opened,
  });

  const assign = useMutation({
    mutationFn: () => api.assignServicePlan(organizationId!, { planId: plan!.id, startDate }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: billingQueryKey });
      await queryClient.invalidateQueries({ queryKey: ['organizations'] });
      close();
    },
  });

  function close(): void {
    setOrganizationId(null);
    assign.reset();
    onClose();
  }

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (organizationId && plan && /^\d{4}-\d{2}-\d{2}$/.test(startDate)) assign.mutate();
  }

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={plan ? t('billing.plans.assignTitle', { name: isolate(plan.name) }) : ''}
      centered
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {assign.isError ? (
            <Alert color="red" variant="light" role="alert">
              {t(errorKey(assign.error))}
            </Alert>
          ) : null}
          <Select
            label={t('billing.plans.organization')}
            placeholder={t('billing.plans.chooseOrganization')}
            value={organizationId}
            onChange={setOrganizationId}
            data={(organizations.data?.items ?? [])
              .filter((organization) => organization.kind === 'client')
              .map((organization) => ({ value: organization.id, label: organization.name }))}
            searchable
            required
            data-testid="assign-organization"
          />
          <TextInput
            type="date"
            label={t('billing.plans.billingStart')}
            description={t('billing.plans.billingStartHint')}
            value={startDate}
            onChange={(event) => setStartDate(event.currentTarget.value)}
            required
            data-testid="assign-start"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('action.cancel')}
            </Button>
            <Button type="submit" loading={assign.isPending} disabled={!organizationId} data-testid="assign-save">
              {t('billing.plans.assign')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

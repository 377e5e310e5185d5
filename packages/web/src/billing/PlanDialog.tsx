import { Alert, Button, Group, Modal, NumberInput, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { billingPeriods, type BillingPeriod, type ServicePlanDto } from '@tutti/protocol';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { billingQueryKey } from './billing.queries.ts';
import { minorDigits, toMinor } from './money.ts';

interface PlanForm {
  name: string;
  maxProAudioDevices: number | string;
  price: number | string;
  currency: string;
  billingPeriod: BillingPeriod;
  paymentTermsDays: number | string;
  graceDays: number | string;
  reminderOffsets: string;
}

function formOf(plan: ServicePlanDto | null): PlanForm {
  if (!plan) {
    return {
      name: '',
      maxProAudioDevices: 10,
      price: '',
      currency: 'USD',
      billingPeriod: 'monthly',
      paymentTermsDays: 30,
      graceDays: 30,
      reminderOffsets: '-7, 0, 7',
    };
  }
  return {
    name: plan.name,
    maxProAudioDevices: plan.maxProAudioDevices,
    price: plan.pricePerDeviceYearMinor / 10 ** minorDigits(plan.currency),
    currency: plan.currency,
    billingPeriod: plan.billingPeriod,
    paymentTermsDays: plan.paymentTermsDays,
    graceDays: plan.graceDays,
    reminderOffsets: plan.reminderOffsets.join(', '),
  };
}

/** "-7, 0, 7" → [-7, 0, 7]; null when any part is not a whole number. */
function parseOffsets(text: string): number[] | null {
  const parts = text
    .split(/[,\s;،、]+/)
    .map((part) => part.trim())
    .filter(Boolean);
  const numbers = parts.map(Number);
  return numbers.every((value) => Number.isInteger(value)) ? numbers : null;
}

/** Add a service plan (no plan given) or change one. */
export function PlanDialog({
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
  const [form, setForm] = useState<PlanForm>(() => formOf(plan));
  const [submitted, setSubmitted] = useState(false);
  const set = <K extends keyof PlanForm>(key: K, value: PlanForm[K]) =>
    setForm((current) => ({ ...current, [key]: value }));

  const currencyValid = /^[A-Za-z]{3}$/.test(form.currency.trim());
  const priceMinor = currencyValid ? toMinor(form.price, form.currency.trim().toUpperCase()) : null;
  const offsets = parseOffsets(form.reminderOffsets);
  const valid =
    form.name.trim() !== '' && currencyValid && priceMinor !== null && form.price !== '' && offsets !== null;

  const save = useMutation({
    mutationFn: async () => {
      const body = {
        name: form.name.trim(),
        maxProAudioDevices: Number(form.maxProAudioDevices),
        pricePerDeviceYearMinor: priceMinor ?? 0,
        currency: form.currency.trim(),
        billingPeriod: form.billingPeriod,
        paymentTermsDays: Number(form.paymentTermsDays),
        graceDays: Number(form.graceDays),
        reminderOffsets: offsets ?? [],
      };
      if (plan) await api.updateServicePlan(plan.id, body);
      else await api.createServicePlan(body);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: billingQueryKey });
      close();
    },
  });

  function close(): void {
    setForm(formOf(plan));
    setSubmitted(false);
    save.reset();
    onClose();
  }

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setSubmitted(true);
    if (valid) save.mutate();
  }

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={plan ? t('billing.plans.edit') : t('billing.plans.add')}
      centered
      size="lg"
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {save.isError ? (
            <Alert color="red" variant="light" role="alert" data-testid="plan-dialog-error">
              {t(errorKey(save.error))}
            </Alert>
          ) : null}
          <TextInput
            label={t('billing.plans.name')}
            value={form.name}
            onChange={(event) => set('name', event.currentTarget.value)}
            error={submitted && !form.name.trim() ? t('billing.plans.nameRequired') : undefined}
            required
            maxLength={120}
            data-autofocus
            data-testid="plan-name"
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberInput
              label={t('billing.plans.maxDevices')}
              value={form.maxProAudioDevices}
              onChange={(value) => set('maxProAudioDevices', value)}
              min={0}
              max={1_000_000}
              allowDecimal={false}
              required
              data-testid="plan-max-devices"
            />
            <Select
              label={t('billing.plans.period')}
              value={form.billingPeriod}
              onChange={(value) => value && set('billingPeriod', value)}
              data={billingPeriods.map((value) => ({ value, label: t(`billing.period.${value}`) }))}
              allowDeselect={false}
              data-testid="plan-period"
            />
            <NumberInput
              label={t('billing.plans.price')}
              value={form.price}
              onChange={(value) => set('price', value)}
              min={0}
              decimalScale={currencyValid ? minorDigits(form.currency.trim().toUpperCase()) : 2}
              error={
                submitted && (priceMinor === null || form.price === '') ? t('billing.plans.priceRequired') : undefined
              }
              required
              data-testid="plan-price"
            />
            <TextInput
              label={t('billing.plans.currency')}
              description={t('billing.plans.currencyHint')}
              value={form.currency}
              onChange={(event) => set('currency', event.currentTarget.value)}
              error={submitted && !currencyValid ? t('billing.plans.currencyInvalid') : undefined}
              maxLength={3}
              required
              data-testid="plan-currency"
            />
            <NumberInput
              label={t('billing.plans.paymentTerms')}
              value={form.paymentTermsDays}
              onChange={(value) => set('paymentTermsDays', value)}
              min={0}
              max={180}
              allowDecimal={false}
            />
            <NumberInput
              label={t('billing.plans.grace')}
              value={form.graceDays}
              onChange={(value) => set('graceDays', value)}
              min={0}
              max={365}
              allowDecimal={false}
            />
          </SimpleGrid>
          <TextInput
            label={t('billing.plans.reminders')}
            description={t('billing.plans.remindersHint')}
            value={form.reminderOffsets}
            onChange={(event) => set('reminderOffsets', event.currentTarget.value)}
            error={submitted && offsets === null ? t('billing.plans.remindersInvalid') : undefined}
            dir="ltr"
            data-testid="plan-reminders"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('action.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="plan-save">
              {t('action.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

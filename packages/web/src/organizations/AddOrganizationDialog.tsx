import {
  Alert,
  Button,
  Group,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Stepper,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { languages, type CreateOrganizationRequest, type Language, type OrganizationDto } from '@tutti/protocol';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { formatNumber } from '../i18n/format.ts';
import { currentLanguage, languageNames } from '../i18n/i18n.ts';
import { sessionQueryKey } from '../session/session.ts';
import { organizationsQueryKey } from './organizations.queries.ts';
import { formatPlanDate } from './plan-date.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface Plan {
  maxProAudioDevices: number | string;
  startDate: string;
  endDate: string;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Max Pro Audio devices, start and end date: the service plan of a client organization. */
function PlanFields({
  plan,
  onChange,
  showErrors,
}: {
  plan: Plan;
  onChange: (plan: Plan) => void;
  showErrors: boolean;
}) {
  const { t } = useTranslation();
  const endBeforeStart = plan.endDate !== '' && plan.startDate !== '' && plan.endDate < plan.startDate;
  return (
    <Stack gap="md">
      <NumberInput
        label={t('organizations.add.maxProAudioDevices')}
        description={t('organizations.add.maxProAudioDevicesHint')}
        min={0}
        max={1_000_000}
        allowDecimal={false}
        allowNegative={false}
        value={plan.maxProAudioDevices}
        onChange={(value) => onChange({ ...plan, maxProAudioDevices: value })}
        error={showErrors && plan.maxProAudioDevices === '' ? t('organizations.add.required') : undefined}
        required
        data-testid="organization-max-devices"
      />
      <SimpleGrid cols={{ base: 1, xs: 2 }}>
        <TextInput
          type="date"
          label={t('organizations.columns.startDate')}
          value={plan.startDate}
          onChange={(event) => onChange({ ...plan, startDate: event.currentTarget.value })}
          data-testid="organization-start-date"
        />
        <TextInput
          type="date"
          label={t('organizations.columns.endDate')}
          value={plan.endDate}
          onChange={(event) => onChange({ ...plan, endDate: event.currentTarget.value })}
          error={endBeforeStart ? t('organizations.add.endBeforeStart') : undefined}
          data-testid="organization-end-date"
        />
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        {t('organizations.add.planLater')}
      </Text>
    </Stack>
  );
}

function planValid(plan: Plan): boolean {
  return (
    plan.maxProAudioDevices !== '' && !(plan.endDate !== '' && plan.startDate !== '' && plan.endDate < plan.startDate)
  );
}

function ReviewRow({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w="45%" fw={500} c="dimmed">
        {label}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

/**
 * Add Client Organization Account, as the cloud quick-start guide walks it: the organization and its initial owner,
 * the service plan, then a review that the hub checks (a dry run) before Add creates it and invites the owner.
 */
export function AddOrganizationDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const queryClient = useQueryClient();
  const [step, setStep] = useState(0);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [ownerLanguage, setOwnerLanguage] = useState<Language>(language);
  const [clientReference, setClientReference] = useState('');
  const [plan, setPlan] = useState<Plan>({ maxProAudioDevices: 0, startDate: today(), endDate: '' });
  const [showErrors, setShowErrors] = useState(false);

  function request(dryRun: boolean): CreateOrganizationRequest {
    return {
      name: name.trim(),
      initialOwner: {
        email: email.trim(),
        firstName: firstName.trim(),
        lastName: lastName.trim(),
        language: ownerLanguage,
      },
      clientReference: clientReference.trim() || null,
      maxProAudioDevices: Number(plan.maxProAudioDevices),
      ...(plan.startDate ? { startDate: plan.startDate } : {}),
      endDate: plan.endDate || null,
      dryRun,
    };
  }

  const review = useMutation({
    mutationFn: () => api.createOrganization(request(true)),
    onSuccess: () => setStep(2),
  });
  const create = useMutation({
    mutationFn: () => api.createOrganization(request(false)),
    onSuccess: async () => {
      // The caller may be the initial owner: their session now lists an account in the new organization.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: organizationsQueryKey }),
        queryClient.invalidateQueries({ queryKey: sessionQueryKey }),
      ]);
      close();
    },
  });

  function close(): void {
    setStep(0);
    setName('');
    setEmail('');
    setFirstName('');
    setLastName('');
    setOwnerLanguage(language);
    setClientReference('');
    setPlan({ maxProAudioDevices: 0, startDate: today(), endDate: '' });
    setShowErrors(false);
    review.reset();
    create.reset();
    onClose();
  }

  const nameMissing = name.trim() === '';
  const emailProblem =
    email.trim() === ''
      ? 'organizations.add.required'
      : EMAIL.test(email.trim())
        ? null
        : 'organizations.add.emailInvalid';

  function next(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setShowErrors(true);
    if (step === 0) {
      if (nameMissing || emailProblem) return;
      setShowErrors(false);
      setStep(1);
    } else if (step === 1) {
      if (!planValid(plan)) return;
      review.mutate();
    } else {
      create.mutate();
    }
  }

  const reviewed: OrganizationDto | undefined = review.data;
  const failure = review.error ?? create.error;

  return (
    <Modal opened={opened} onClose={close} title={t('organizations.add.title')} centered size="lg">
      <form onSubmit={next} noValidate>
        <Stack gap="lg">
          <Stepper active={step} size="sm" allowNextStepsSelect={false} onStepClick={setStep}>
            <Stepper.Step label={t('organizations.add.stepOrganization')} />
            <Stepper.Step label={t('noun.servicePlan')} />
            <Stepper.Step label={t('organizations.add.stepReview')} />
          </Stepper>
          {failure ? (
            <Alert color="red" variant="light" role="alert" data-testid="add-organization-error">
              {t(errorKey(failure))}
            </Alert>
          ) : null}
          {step === 0 ? (
            <Stack gap="md">
              <TextInput
                label={t('organizations.add.name')}
                value={name}
                onChange={(event) => setName(event.currentTarget.value)}
                error={showErrors && nameMissing ? t('organizations.add.required') : undefined}
                required
                maxLength={120}
                data-autofocus
                data-testid="organization-name"
              />
              <Title order={3} size="h6">
                {t('organizations.add.initialOwner')}
              </Title>
              <TextInput
                label={t('organizations.add.ownerEmail')}
                description={t('organizations.add.ownerEmailHint')}
                type="email"
                dir="ltr"
                value={email}
                onChange={(event) => setEmail(event.currentTarget.value)}
                error={showErrors && emailProblem ? t(emailProblem) : undefined}
                required
                data-testid="organization-owner-email"
              />
              <SimpleGrid cols={{ base: 1, xs: 2 }}>
                <TextInput
                  label={t('organizations.add.firstName')}
                  value={firstName}
                  onChange={(event) => setFirstName(event.currentTarget.value)}
                  maxLength={60}
                />
                <TextInput
                  label={t('organizations.add.lastName')}
                  value={lastName}
                  onChange={(event) => setLastName(event.currentTarget.value)}
                  maxLength={60}
                />
              </SimpleGrid>
              <Select
                label={t('shell.language')}
                description={t('organizations.add.ownerLanguageHint')}
                data={languages.map((value) => ({ value, label: languageNames[value] }))}
                value={ownerLanguage}
                onChange={(value) => value && setOwnerLanguage(value)}
                allowDeselect={false}
                data-testid="organization-owner-language"
              />
              <TextInput
                label={t('noun.clientReferenceNumber')}
                description={t('organizations.add.clientReferenceHint')}
                value={clientReference}
                onChange={(event) => setClientReference(event.currentTarget.value)}
                maxLength={64}
                data-testid="organization-client-reference"
              />
            </Stack>
          ) : null}
          {step === 1 ? <PlanFields plan={plan} onChange={setPlan} showErrors={showErrors} /> : null}
          {step === 2 && reviewed ? (
            <Table withTableBorder data-testid="organization-review">
              <Table.Tbody>
                <ReviewRow label={t('organizations.add.name')}>
                  <bdi>{reviewed.name}</bdi>
                </ReviewRow>
                <ReviewRow label={t('organizations.add.ownerEmail')}>
                  <bdi>{reviewed.initialOwner?.email}</bdi>
                </ReviewRow>
                <ReviewRow label={t('organizations.add.ownerName')}>
                  <bdi>{reviewed.initialOwner?.name}</bdi>
                </ReviewRow>
                <ReviewRow label={t('noun.clientReferenceNumber')}>
                  <bdi>{reviewed.clientReference ?? '—'}</bdi>
                </ReviewRow>
                <ReviewRow label={t('organizations.add.maxProAudioDevices')}>
                  {formatNumber(language, reviewed.maxProAudioDevices)}
                </ReviewRow>
                <ReviewRow label={t('organizations.columns.startDate')}>
                  {formatPlanDate(language, reviewed.startDate)}
                </ReviewRow>
                <ReviewRow label={t('organizations.columns.endDate')}>
                  {formatPlanDate(language, reviewed.endDate)}
                </ReviewRow>
              </Table.Tbody>
            </Table>
          ) : null}
          <Group justify="space-between">
            <Button variant="default" onClick={step === 0 ? close : () => setStep(step - 1)}>
              {step === 0 ? t('action.cancel') : t('organizations.add.previous')}
            </Button>
            <Button
              type="submit"
              loading={review.isPending || create.isPending}
              data-testid={step === 2 ? 'organization-add-submit' : 'organization-next'}
            >
              {step === 0 ? t('organizations.add.next') : step === 1 ? t('organizations.add.review') : t('action.add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Name, client reference number and service plan of a client organization, changed later. */
export function EditPlanDialog({
  organization,
  onClose,
}: {
  organization: OrganizationDto | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal opened={organization !== null} onClose={onClose} title={t('organizations.editPlan')} centered size="lg">
      {organization ? <EditPlanForm key={organization.id} organization={organization} onClose={onClose} /> : null}
    </Modal>
  );
}

function EditPlanForm({ organization, onClose }: { organization: OrganizationDto; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState(organization.name);
  const [clientReference, setClientReference] = useState(organization.clientReference ?? '');
  const [plan, setPlan] = useState<Plan>({
    maxProAudioDevices: organization.maxProAudioDevices,
    startDate: organization.startDate ?? '',
    endDate: organization.endDate ?? '',
  });
  const save = useMutation({
    mutationFn: () =>
      api.updateOrganization(organization.id, {
        name: name.trim(),
        clientReference: clientReference.trim() || null,
        maxProAudioDevices: Number(plan.maxProAudioDevices),
        ...(plan.startDate ? { startDate: plan.startDate } : {}),
        endDate: plan.endDate || null,
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: organizationsQueryKey });
      onClose();
    },
  });
  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (name.trim() === '' || !planValid(plan)) return;
    save.mutate();
  }
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        {save.isError ? (
          <Alert color="red" variant="light" role="alert">
            {t(errorKey(save.error))}
          </Alert>
        ) : null}
        <TextInput
          label={t('organizations.add.name')}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={name.trim() === '' ? t('organizations.add.required') : undefined}
          required
          maxLength={120}
        />
        <TextInput
          label={t('noun.clientReferenceNumber')}
          value={clientReference}
          onChange={(event) => setClientReference(event.currentTarget.value)}
          maxLength={64}
        />
        <PlanFields plan={plan} onChange={setPlan} showErrors />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            {t('action.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending} data-testid="organization-plan-save">
            {t('action.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

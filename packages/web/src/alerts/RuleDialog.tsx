import {
  Alert,
  Button,
  Divider,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  Switch,
  TagsInput,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  alertConditionKinds,
  deviceModelCatalog,
  deviceModelSchema,
  deviceStatuses,
  deviceStatusSchema,
  languages,
  languageSchema,
  roles,
  roleSchema,
  type AlertRuleDto,
} from '@tutti/protocol';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api, errorKey } from '../api.ts';
import { severityLabelKey, statusLabelKey } from '../devices/status.ts';
import { isolate } from '../i18n/format.ts';
import { currentLanguage, languageNames } from '../i18n/i18n.ts';
import { alertRulesQueryKey } from './alerts.queries.ts';
import { emptyRuleForm, ruleFormOf, ruleRequestOf, type RuleForm } from './rule-form.ts';

const statusList = z.array(deviceStatusSchema);
const modelList = z.array(deviceModelSchema);
const roleList = z.array(roleSchema);
const severityList = z.array(z.enum(['issue', 'down']));

/** Add or edit an alert rule: what to watch, who hears about it, quiet hours, escalation. */
export function RuleDialog({
  rule,
  opened,
  onClose,
}: {
  rule: AlertRuleDto | null;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<RuleForm>(() => (rule ? ruleFormOf(rule, language) : emptyRuleForm(language)));
  const [submitted, setSubmitted] = useState(false);
  const people = useQuery({ queryKey: ['users', 'alert-recipients'], queryFn: () => api.listUsers({ limit: 500 }) });
  const locations = useQuery({ queryKey: ['locations'], queryFn: () => api.listLocations() });
  const set = <K extends keyof RuleForm>(key: K, value: RuleForm[K]) =>
    setForm((current) => ({ ...current, [key]: value }));

  const save = useMutation({
    mutationFn: () =>
      rule ? api.updateAlertRule(rule.id, ruleRequestOf(form)) : api.createAlertRule(ruleRequestOf(form)),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: alertRulesQueryKey });
      onClose();
    },
  });

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setSubmitted(true);
    if (!form.name.trim()) return;
    save.mutate();
  }

  const roleOptions = roles.map((role) => ({ value: role, label: t(`role.${role}`) }));
  const minutesLabel =
    form.kind === 'agent_disconnected' ? t('alerts.rules.disconnectedFor') : t('alerts.rules.forMinutes');

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={rule ? t('alerts.rules.editTitle', { name: isolate(rule.name) }) : t('alerts.rules.add')}
      size="lg"
      centered
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {save.isError ? (
            <Alert color="red" variant="light" role="alert" data-testid="rule-dialog-error">
              {t(errorKey(save.error))}
            </Alert>
          ) : null}
          <TextInput
            label={t('alerts.rules.name')}
            value={form.name}
            onChange={(event) => set('name', event.currentTarget.value)}
            error={submitted && !form.name.trim() ? t('alerts.rules.nameRequired') : undefined}
            required
            maxLength={120}
            data-autofocus
            data-testid="rule-name"
          />
          <Switch
            label={t('alerts.rules.enabled')}
            checked={form.enabled}
            onChange={(event) => set('enabled', event.currentTarget.checked)}
          />
          <Select
            label={t('alerts.rules.condition')}
            data={alertConditionKinds.map((kind) => ({ value: kind, label: t(`alerts.kind.${kind}`) }))}
            value={form.kind}
            onChange={(value) => value && set('kind', value)}
            allowDeselect={false}
            data-testid="rule-kind"
          />
          {form.kind === 'device_status' ? (
            <>
              <MultiSelect
                label={t('alerts.rules.severities')}
                data={(['issue', 'down'] as const).map((severity) => ({
                  value: severity,
                  label: t(severityLabelKey(severity)),
                }))}
                value={form.severities}
                onChange={(values) => set('severities', severityList.parse(values))}
              />
              <MultiSelect
                label={t('alerts.rules.statuses')}
                description={t('alerts.rules.statusesHint')}
                data={deviceStatuses
                  .filter((status) => status !== 'healthy')
                  .map((status) => ({ value: status, label: t(statusLabelKey(status)) }))}
                value={form.statuses}
                onChange={(values) => set('statuses', statusList.parse(values))}
                searchable
                data-testid="rule-statuses"
              />
              <MultiSelect
                label={t('alerts.rules.models')}
                description={t('alerts.rules.modelsHint')}
                data={Object.entries(deviceModelCatalog).map(([model, info]) => ({ value: model, label: info.name }))}
                value={form.models}
                onChange={(values) => set('models', modelList.parse(values))}
                searchable
              />
              <MultiSelect
                label={t('alerts.rules.locations')}
                description={t('alerts.rules.locationsHint')}
                data={(locations.data?.items ?? []).map((location) => ({ value: location.id, label: location.path }))}
                value={form.locationIds}
                onChange={(values) => set('locationIds', values)}
                searchable
              />
            </>
          ) : null}
          {form.kind === 'device_status' || form.kind === 'agent_disconnected' ? (
            <NumberInput
              label={minutesLabel}
              min={0}
              max={10080}
              value={form.forMinutes}
              onChange={(value) => set('forMinutes', typeof value === 'number' ? value : 0)}
              data-testid="rule-minutes"
            />
          ) : null}

          <Divider label={t('alerts.rules.recipients')} labelPosition="left" />
          <MultiSelect
            label={t('alerts.rules.roles')}
            data={roleOptions}
            value={form.roles}
            onChange={(values) => set('roles', roleList.parse(values))}
          />
          <MultiSelect
            label={t('alerts.rules.users')}
            data={(people.data?.items ?? []).map((person) => ({
              value: person.id,
              label: `${person.name} <${person.email}>`,
            }))}
            value={form.userIds}
            onChange={(values) => set('userIds', values)}
            searchable
          />
          <Switch
            label={t('alerts.rules.smsToMembers')}
            checked={form.smsToMembers}
            onChange={(event) => set('smsToMembers', event.currentTarget.checked)}
          />
          <TagsInput
            label={t('alerts.rules.emails')}
            description={t('alerts.rules.tagsHint')}
            value={form.emails}
            onChange={(values) => set('emails', values)}
            data-testid="rule-emails"
          />
          <TagsInput
            label={t('alerts.rules.smsNumbers')}
            description={t('alerts.rules.smsNumbersHint')}
            value={form.smsNumbers}
            onChange={(values) => set('smsNumbers', values)}
          />
          <TagsInput
            label={t('alerts.rules.teamsWebhooks')}
            value={form.teamsWebhooks}
            onChange={(values) => set('teamsWebhooks', values)}
          />
          <TagsInput
            label={t('alerts.rules.slackWebhooks')}
            value={form.slackWebhooks}
            onChange={(values) => set('slackWebhooks', values)}
            data-testid="rule-slack"
          />
          <Select
            label={t('alerts.rules.language')}
            description={t('alerts.rules.languageHint')}
            data={languages.map((code) => ({ value: code, label: languageNames[code] }))}
            value={form.language}
            onChange={(value) => value && set('language', languageSchema.parse(value))}
            allowDeselect={false}
          />

          <Divider label={t('alerts.rules.delivery')} labelPosition="left" />
          <Switch
            label={t('alerts.rules.notifyRecovery')}
            checked={form.notifyRecovery}
            onChange={(event) => set('notifyRecovery', event.currentTarget.checked)}
          />
          <Switch
            label={t('alerts.rules.quietHours')}
            description={t('alerts.rules.quietHoursHint')}
            checked={form.quiet}
            onChange={(event) => set('quiet', event.currentTarget.checked)}
          />
          {form.quiet ? (
            <Group grow align="flex-start">
              <TextInput
                type="time"
                label={t('alerts.rules.quietStart')}
                value={form.quietStart}
                onChange={(event) => set('quietStart', event.currentTarget.value)}
              />
              <TextInput
                type="time"
                label={t('alerts.rules.quietEnd')}
                value={form.quietEnd}
                onChange={(event) => set('quietEnd', event.currentTarget.value)}
              />
              <TextInput
                label={t('alerts.timeZone')}
                value={form.timeZone}
                onChange={(event) => set('timeZone', event.currentTarget.value)}
              />
            </Group>
          ) : null}
          <Switch
            label={t('alerts.rules.escalate')}
            checked={form.escalate}
            onChange={(event) => set('escalate', event.currentTarget.checked)}
          />
          {form.escalate ? (
            <Stack gap="sm">
              <NumberInput
                label={t('alerts.rules.escalateAfter')}
                min={1}
                max={10080}
                value={form.escalateAfterMinutes}
                onChange={(value) => set('escalateAfterMinutes', typeof value === 'number' ? value : 1)}
              />
              <MultiSelect
                label={t('alerts.rules.escalateRoles')}
                data={roleOptions}
                value={form.escalateRoles}
                onChange={(values) => set('escalateRoles', roleList.parse(values))}
              />
              <TagsInput
                label={t('alerts.rules.escalateEmails')}
                value={form.escalateEmails}
                onChange={(values) => set('escalateEmails', values)}
              />
            </Stack>
          ) : null}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              {t('action.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="rule-save">
              {t('action.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AlertRuleDto } from '@tutti/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { severityLabelKey, statusLabelKey } from '../devices/status.ts';
import { formatDuration } from '../i18n/format.ts';
import { currentLanguage, intlLocale } from '../i18n/i18n.ts';
import { usePermissions } from '../session/permissions.ts';
import { MutationError } from '../shared/ListPage.tsx';
import { LoadError } from '../shell/LoadError.tsx';
import { alertRulesQueryKey, alertRulesQueryOptions } from './alerts.queries.ts';
import { RuleDialog } from './RuleDialog.tsx';
import { TableScroll } from '../shared/TableScroll.tsx';

/** The organization's alert rules, with add, edit and delete for those who manage them. */
export function RuleListPanel() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const queryClient = useQueryClient();
  const { can } = usePermissions();
  const canManage = can('alerts.manage');
  const rules = useQuery(alertRulesQueryOptions);
  const [editing, setEditing] = useState<{ rule: AlertRuleDto | null; key: number } | null>(null);
  const remove = useMutation({
    mutationFn: (rule: AlertRuleDto) => api.deleteAlertRule(rule.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertRulesQueryKey }),
  });

  const list = (items: string[]) => new Intl.ListFormat(intlLocale(language), { type: 'disjunction' }).format(items);

  function conditionText(rule: AlertRuleDto): string {
    const { condition } = rule;
    const kind = t(`alerts.kind.${condition.kind}`);
    if (condition.kind === 'device_status') {
      const what = list([
        ...condition.severities.map((severity) => t(severityLabelKey(severity))),
        ...condition.statuses.map((status) => t(statusLabelKey(status))),
      ]);
      const text = t('alerts.rules.deviceCondition', { statuses: what });
      return condition.forMinutes > 0
        ? t('alerts.rules.forAtLeast', {
            condition: text,
            duration: formatDuration(language, condition.forMinutes * 60),
          })
        : text;
    }
    if (condition.kind === 'agent_disconnected' && condition.forMinutes > 0) {
      return t('alerts.rules.forAtLeast', {
        condition: kind,
        duration: formatDuration(language, condition.forMinutes * 60),
      });
    }
    return kind;
  }

  function recipientsText(rule: AlertRuleDto): string {
    const { recipients } = rule;
    return new Intl.ListFormat(intlLocale(language), { type: 'unit', style: 'narrow' }).format([
      ...recipients.roles.map((role) => t(`role.${role}`)),
      ...(recipients.userIds.length > 0 ? [t('alerts.rules.peopleCount', { count: recipients.userIds.length })] : []),
      ...recipients.emails,
      ...recipients.smsNumbers,
      ...(recipients.teamsWebhooks.length > 0 ? [t('alerts.channel.teams')] : []),
      ...(recipients.slackWebhooks.length > 0 ? [t('alerts.channel.slack')] : []),
    ]);
  }

  return (
    <Stack gap="sm">
      {canManage ? (
        <Group>
          <Button
            leftSection={<IconPlus size={16} aria-hidden />}
            onClick={() => setEditing({ rule: null, key: Date.now() })}
            data-testid="add-rule"
          >
            {t('alerts.rules.add')}
          </Button>
        </Group>
      ) : null}
      <MutationError mutation={remove} />
      {rules.isError ? (
        <LoadError error={rules.error} title={t('alerts.rules.loadFailed')} onRetry={() => void rules.refetch()} />
      ) : null}
      {rules.data && rules.data.items.length === 0 ? <Text c="dimmed">{t('alerts.rules.none')}</Text> : null}
      {rules.data && rules.data.items.length > 0 ? (
        <TableScroll label={t('alerts.tabs.rules')} minWidth={720}>
          <Table striped data-testid="rules-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('alerts.rules.name')}</Table.Th>
                <Table.Th>{t('alerts.rules.condition')}</Table.Th>
                <Table.Th>{t('alerts.rules.recipients')}</Table.Th>
                <Table.Th>{t('alerts.rules.status')}</Table.Th>
                {canManage ? <Table.Th aria-label={t('alerts.columns.actions')} /> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rules.data.items.map((rule) => (
                <Table.Tr key={rule.id} data-testid={`rule-row-${rule.name}`}>
                  <Table.Td>
                    <bdi>{rule.name}</bdi>
                  </Table.Td>
                  <Table.Td>{conditionText(rule)}</Table.Td>
                  <Table.Td>
                    <bdi>{recipientsText(rule)}</bdi>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={rule.enabled ? 'teal' : 'gray'} variant="light" style={{ textTransform: 'none' }}>
                      {rule.enabled ? t('alerts.rules.on') : t('alerts.rules.off')}
                    </Badge>
                  </Table.Td>
                  {canManage ? (
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="subtle"
                          leftSection={<IconPencil size={14} aria-hidden />}
                          onClick={() => setEditing({ rule, key: Date.now() })}
                        >
                          {t('alerts.edit')}
                        </Button>
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          leftSection={<IconTrash size={14} aria-hidden />}
                          onClick={() => remove.mutate(rule)}
                        >
                          {t('alerts.delete')}
                        </Button>
                      </Group>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      ) : null}
      {editing ? <RuleDialog key={editing.key} rule={editing.rule} opened onClose={() => setEditing(null)} /> : null}
    </Stack>
  );
}

import type {
  AlertConditionKind,
  AlertRuleDto,
  AlertRuleRequest,
  DeviceModel,
  DeviceStatus,
  Language,
  Role,
} from '@tutti/protocol';

/** The rule editor's fields, flat, as the form edits them. */
export interface RuleForm {
  name: string;
  enabled: boolean;
  kind: AlertConditionKind;
  statuses: DeviceStatus[];
  severities: Array<'issue' | 'down'>;
  models: DeviceModel[];
  locationIds: string[];
  forMinutes: number;
  roles: Role[];
  userIds: string[];
  emails: string[];
  smsNumbers: string[];
  teamsWebhooks: string[];
  slackWebhooks: string[];
  smsToMembers: boolean;
  language: Language;
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  timeZone: string;
  escalate: boolean;
  escalateAfterMinutes: number;
  escalateRoles: Role[];
  escalateEmails: string[];
  notifyRecovery: boolean;
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function emptyRuleForm(language: Language): RuleForm {
  return {
    name: '',
    enabled: true,
    kind: 'device_status',
    statuses: [],
    severities: ['down'],
    models: [],
    locationIds: [],
    forMinutes: 5,
    roles: ['administrator'],
    userIds: [],
    emails: [],
    smsNumbers: [],
    teamsWebhooks: [],
    slackWebhooks: [],
    smsToMembers: false,
    language,
    quiet: false,
    quietStart: '22:00',
    quietEnd: '07:00',
    timeZone: browserTimeZone(),
    escalate: false,
    escalateAfterMinutes: 30,
    escalateRoles: ['owner'],
    escalateEmails: [],
    notifyRecovery: true,
  };
}

export function ruleFormOf(rule: AlertRuleDto, language: Language): RuleForm {
  const empty = emptyRuleForm(language);
  const { condition, recipients } = rule;
  return {
    ...empty,
    name: rule.name,
    enabled: rule.enabled,
    kind: condition.kind,
    statuses: condition.kind === 'device_status' ? condition.statuses : [],
    severities: condition.kind === 'device_status' ? condition.severities : [],
    models: condition.kind === 'device_status' ? condition.models : [],
    locationIds: condition.kind === 'device_status' ? condition.locationIds : [],
    forMinutes:
      condition.kind === 'device_status' || condition.kind === 'agent_disconnected' ? condition.forMinutes : 0,
    roles: recipients.roles,
    userIds: recipients.userIds,
    emails: recipients.emails,
    smsNumbers: recipients.smsNumbers,
    teamsWebhooks: recipients.teamsWebhooks,
    slackWebhooks: recipients.slackWebhooks,
    smsToMembers: recipients.smsToMembers,
    language: recipients.language,
    quiet: rule.quietHours !== null,
    quietStart: rule.quietHours?.start ?? empty.quietStart,
    quietEnd: rule.quietHours?.end ?? empty.quietEnd,
    timeZone: rule.quietHours?.timeZone ?? empty.timeZone,
    escalate: rule.escalation !== null,
    escalateAfterMinutes: rule.escalation?.afterMinutes ?? empty.escalateAfterMinutes,
    escalateRoles: rule.escalation?.recipients.roles ?? [],
    escalateEmails: rule.escalation?.recipients.emails ?? [],
    notifyRecovery: rule.notifyRecovery,
  };
}

function condition(form: RuleForm): AlertRuleRequest['condition'] {
  switch (form.kind) {
    case 'device_status':
      return {
        kind: 'device_status',
        statuses: form.statuses,
        severities: form.severities,
        models: form.models,
        locationIds: form.locationIds,
        forMinutes: form.forMinutes,
      };
    case 'agent_disconnected':
      return { kind: 'agent_disconnected', forMinutes: form.forMinutes };
    case 'monitoring_issue':
      return { kind: 'monitoring_issue' };
    case 'plan_overflow':
      return { kind: 'plan_overflow' };
  }
}

/** The request the form stands for; the hub validates it (addresses, numbers, webhook hosts) and answers why not. */
export function ruleRequestOf(form: RuleForm): AlertRuleRequest {
  return {
    name: form.name.trim(),
    enabled: form.enabled,
    condition: condition(form),
    recipients: {
      roles: form.roles,
      userIds: form.userIds,
      emails: form.emails,
      smsNumbers: form.smsNumbers,
      teamsWebhooks: form.teamsWebhooks,
      slackWebhooks: form.slackWebhooks,
      smsToMembers: form.smsToMembers,
      language: form.language,
    },
    quietHours: form.quiet ? { start: form.quietStart, end: form.quietEnd, timeZone: form.timeZone } : null,
    escalation: form.escalate
      ? {
          afterMinutes: form.escalateAfterMinutes,
          recipients: { roles: form.escalateRoles, emails: form.escalateEmails, language: form.language },
        }
      : null,
    notifyRecovery: form.notifyRecovery,
  };
}

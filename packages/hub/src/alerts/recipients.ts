import { languageSchema, type AlertRecipients, type DeliveryChannel, type Language } from '@tutti/protocol';
import type { Member } from './alerts.queries.ts';

/** One place a message goes: an address, a number or a webhook, in the language its reader reads. */
export interface Target {
  channel: DeliveryChannel;
  target: string;
  label: string;
  language: Language;
}

export function targetKey(target: Pick<Target, 'channel' | 'target'>): string {
  return `${target.channel}|${target.target.toLowerCase()}`;
}

/**
 * Who a rule's recipients stand for, without duplicates: members by role or by name (email, and SMS when the rule
 * asks and they gave a number) in their own language, then the extra addresses, numbers and chat webhooks.
 */
export function targetsOf(recipients: AlertRecipients, members: readonly Member[]): Target[] {
  const targets = new Map<string, Target>();
  const add = (target: Target) => {
    if (!targets.has(targetKey(target))) targets.set(targetKey(target), target);
  };
  for (const member of members) {
    const byRole = (recipients.roles as readonly string[]).includes(member.role);
    if (!byRole && !recipients.userIds.includes(member.userId)) continue;
    const language = languageSchema.catch('en').parse(member.language);
    add({ channel: 'email', target: member.email, label: member.name, language });
    if (recipients.smsToMembers && member.smsNumber) {
      add({ channel: 'sms', target: member.smsNumber, label: member.name, language });
    }
  }
  const { language } = recipients;
  for (const email of recipients.emails) add({ channel: 'email', target: email, label: email, language });
  for (const number of recipients.smsNumbers) add({ channel: 'sms', target: number, label: number, language });
  for (const url of recipients.teamsWebhooks)
    add({ channel: 'teams', target: url, label: 'Microsoft Teams', language });
  for (const url of recipients.slackWebhooks) add({ channel: 'slack', target: url, label: 'Slack', language });
  return [...targets.values()];
}

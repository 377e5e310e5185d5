import { describe, expect, it } from 'vitest';
import {
  alertRuleRequestSchema,
  inQuietHours,
  isWebhookUrl,
  maintenanceActive,
  maintenanceWindowRequestSchema,
  type MaintenanceSchedule,
} from './alerts.ts';

const rule = {
  name: 'Rooms down',
  condition: { kind: 'device_status', severities: ['down'], forMinutes: 5 },
  recipients: { roles: ['administrator'] },
};

describe('alert rules', () => {
  it.each([
    [rule, true],
    [{ ...rule, condition: { kind: 'device_status', statuses: ['overheating'], models: ['BMA_360'] } }, true],
    [{ ...rule, condition: { kind: 'device_status' } }, false],
    [{ ...rule, condition: { kind: 'device_status', statuses: ['melting'] } }, false],
    [{ ...rule, condition: { kind: 'agent_disconnected', forMinutes: 10 } }, true],
    [{ ...rule, condition: { kind: 'plan_overflow' } }, true],
    [{ ...rule, condition: { kind: 'plan_overflow', forMinutes: 3 } }, false],
    [{ ...rule, condition: { kind: 'weather' } }, false],
    [{ ...rule, recipients: {} }, false],
    [{ ...rule, recipients: { emails: ['ops@example.test'], smsNumbers: ['+18015550100'] } }, true],
    [{ ...rule, recipients: { smsNumbers: ['8015550100'] } }, false],
    [{ ...rule, recipients: { slackWebhooks: ['https://hooks.slack.com/services/T0/B0/x'] } }, true],
    [{ ...rule, recipients: { slackWebhooks: ['https://evil.example/services/T0'] } }, false],
    [{ ...rule, recipients: { teamsWebhooks: ['https://acme.webhook.office.com/webhookb2/x'] } }, true],
    [{ ...rule, recipients: { teamsWebhooks: ['http://acme.webhook.office.com/webhookb2/x'] } }, false],
    [{ ...rule, quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Paris' } }, true],
    [{ ...rule, quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' } }, false],
    [{ ...rule, quietHours: { start: '25:00', end: '07:00', timeZone: 'UTC' } }, false],
    [{ ...rule, escalation: { afterMinutes: 30, recipients: { roles: ['owner'] } } }, true],
    [{ ...rule, escalation: { afterMinutes: 0, recipients: { roles: ['owner'] } } }, false],
    [{ ...rule, extra: true }, false],
  ])('%j → %s', (payload, valid) => {
    expect(alertRuleRequestSchema.safeParse(payload).success).toBe(valid);
  });
});

describe('webhook URLs', () => {
  it.each([
    ['slack', 'https://hooks.slack.com/services/T0/B0/x', true],
    ['slack', 'https://hooks.slack.com.evil.example/x', false],
    ['slack', 'https://user:pw@hooks.slack.com/services/x', false],
    ['slack', 'https://hooks.slack.com:8443/services/x', false],
    ['teams', 'https://prod-01.westeurope.logic.azure.com/workflows/x', true],
    ['teams', 'https://10.0.0.1/hook', false],
    ['teams', 'http://127.0.0.1:9000/hook', true],
    ['slack', 'not a url', false],
  ] as const)('%s %s → %s', (kind, url, valid) => {
    expect(isWebhookUrl(kind, url)).toBe(valid);
  });
});

describe('quiet hours and maintenance windows', () => {
  it('reads quiet hours in their own time zone, across midnight', () => {
    const quiet = { start: '22:00', end: '07:00', timeZone: 'Europe/Paris' };
    expect(inQuietHours(quiet, new Date('2026-12-01T21:30:00Z'))).toBe(true); // 22:30 in Paris
    expect(inQuietHours(quiet, new Date('2026-12-01T05:59:00Z'))).toBe(true); // 06:59
    expect(inQuietHours(quiet, new Date('2026-12-01T06:00:00Z'))).toBe(false); // 07:00
    expect(inQuietHours(quiet, new Date('2026-12-01T12:00:00Z'))).toBe(false);
  });

  it('runs a weekly window past midnight into the next day', () => {
    const schedule: MaintenanceSchedule = {
      kind: 'weekly',
      weekdays: ['tue'],
      startTime: '23:00',
      durationMinutes: 120,
      timeZone: 'UTC',
    };
    expect(maintenanceActive(schedule, new Date('2026-12-01T23:30:00Z'))).toBe(true); // Tuesday
    expect(maintenanceActive(schedule, new Date('2026-12-02T00:59:00Z'))).toBe(true); // Wednesday, still in it
    expect(maintenanceActive(schedule, new Date('2026-12-02T01:00:00Z'))).toBe(false);
    expect(maintenanceActive(schedule, new Date('2026-12-02T23:30:00Z'))).toBe(false); // a Wednesday
  });

  it('validates one-off windows and scopes', () => {
    const once = { kind: 'once', startsAt: '2026-12-01T10:00:00Z', endsAt: '2026-12-01T12:00:00Z' };
    const valid = maintenanceWindowRequestSchema.safeParse({
      name: 'Refit',
      scope: { kind: 'organization' },
      schedule: once,
    });
    expect(valid.success).toBe(true);
    expect(
      maintenanceActive(
        { kind: 'once', startsAt: once.startsAt, endsAt: once.endsAt },
        new Date('2026-12-01T11:00:00Z'),
      ),
    ).toBe(true);
    const backwards = { ...once, endsAt: '2026-12-01T09:00:00Z' };
    expect(
      maintenanceWindowRequestSchema.safeParse({ name: 'x', scope: { kind: 'organization' }, schedule: backwards })
        .success,
    ).toBe(false);
    expect(
      maintenanceWindowRequestSchema.safeParse({ name: 'x', scope: { kind: 'device' }, schedule: once }).success,
    ).toBe(false);
  });
});

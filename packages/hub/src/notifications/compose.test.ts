import { describe, expect, it } from 'vitest';
import { languages } from '@tutti/protocol';
import { composeMessage, type Notice } from './compose.ts';
import { messageCatalogs } from './messages.ts';

const notice = (overrides: Partial<Notice>): Notice => ({
  kind: 'problem',
  alertId: crypto.randomUUID(),
  subjectName: 'DSP 1',
  locationName: null,
  problem: 'down',
  ...overrides,
});

describe('alert messages', () => {
  it('rolls a room up into one line saying what is wrong there', () => {
    const message = composeMessage('en', 'Acme AV', [
      notice({ subjectName: 'BMA 360', locationName: 'Boardroom 4B' }),
      notice({ subjectName: 'Main DSP', locationName: 'Boardroom 4B', problem: 'voip_registration_failed' }),
      notice({ subjectName: 'Lobby Huddle', locationName: 'Lobby', problem: 'overheating' }),
      notice({ kind: 'recovery', subjectName: 'Apps200', problem: 'agent_disconnected' }),
    ]);
    expect(message.subject).toBe('[Tutti] 3 new alerts in Acme AV');
    expect(message.body).toBe(
      [
        'New alerts',
        '• Boardroom 4B: BMA 360 (Down) and Main DSP (VoIP Registration Failed)',
        '• Lobby: Lobby Huddle (OVERHEATING!)',
        '',
        'Back to normal',
        '• No location: Apps200 (Local Agent disconnected)',
      ].join('\n'),
    );
  });

  it('names a single alert in the subject and counts what does not fit', () => {
    expect(composeMessage('de', 'Acme', [notice({ problem: 'overheating' })]).subject).toBe(
      '[Tutti] DSP 1: ÜBERHITZUNG!',
    );
    const storm = Array.from({ length: 12 }, (_, index) => notice({ subjectName: `DSP ${index}` }));
    expect(composeMessage('ru', 'Acme', storm).body).toContain('и еще 2');
    expect(composeMessage('pl', 'Acme', storm).subject).toBe('[Tutti] 12 nowych alertów w Acme');
  });

  it('isolates names in Arabic and keeps Western digits', () => {
    const storm = Array.from({ length: 3 }, () => notice({ subjectName: 'DSP-7' }));
    const message = composeMessage('ar', 'Acme', storm);
    expect(message.subject).toBe('[Tutti] \u20683\u2069 تنبيهات جديدة في \u2068Acme\u2069');
  });

  it('has every problem in every language', () => {
    for (const language of languages) {
      const catalog = messageCatalogs[language];
      expect(Object.values(catalog.problems).every((text) => text.length > 0)).toBe(true);
      if (language !== 'en') expect(catalog.sectionProblems).not.toBe(messageCatalogs.en.sectionProblems);
    }
  });
});

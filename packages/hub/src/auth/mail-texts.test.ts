import { languages } from '@tutti/protocol';
import { describe, expect, it } from 'vitest';
import { accessMail, mailLanguage, type AccessMail } from './mail-texts.ts';

const mails: AccessMail[] = [
  {
    kind: 'invitation',
    organization: 'Acme AV',
    invitedBy: 'sam@support.test',
    link: 'http://127.0.0.1/r?t=1',
    ttlHours: 72,
  },
  {
    kind: 'accountAdded',
    organization: 'Acme AV',
    invitedBy: 'sam@support.test',
    name: 'Jo',
    url: 'http://127.0.0.1/',
  },
  { kind: 'passwordReset', name: 'Jo', link: 'http://127.0.0.1/reset?t=1', ttlMinutes: 30 },
];

describe('access emails', () => {
  it.each(languages)('%s fills every placeholder and keeps links and names as they are', (language) => {
    for (const mail of mails) {
      const message = accessMail(language, 'jo@example.test', mail);
      expect(message.to).toBe('jo@example.test');
      expect(`${message.subject}\n${message.text}`).not.toMatch(/\{\w+\}/);
      if (mail.kind !== 'passwordReset') expect(message.subject).toContain('Acme AV');
      if ('link' in mail) expect(message.text.split('\n')).toContain(mail.link);
      if (language !== 'en') expect(message.subject).not.toBe(accessMail('en', 'jo@example.test', mail).subject);
    }
  });

  it('formats the expiry with Intl, in Western digits for Arabic', () => {
    expect(accessMail('en', 'a@b.test', mails[0]!).text).toContain('expires in 72 hours.');
    expect(accessMail('de', 'a@b.test', mails[2]!).text).toContain('30 Minuten');
    expect(accessMail('ar', 'a@b.test', mails[0]!).text).toMatch(/72/);
  });

  it('falls back to English for a language the product does not speak', () => {
    expect(mailLanguage('tlh')).toBe('en');
    expect(mailLanguage('ja')).toBe('ja');
  });
});

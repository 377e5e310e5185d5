// Node-only on purpose: reads the JSON files as shipped, without the browser i18n setup.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { languages, type Language } from '@tutti/protocol';
import { describe, expect, it } from 'vitest';

const localesDir = join(dirname(fileURLToPath(import.meta.url)), 'locales');
const pluralCategories = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;

/**
 * English words that these languages use as they are in software UIs. Everything else identical to English
 * is an untranslated string. Keep this list short and specific.
 */
const sameAsEnglish: Record<string, readonly Language[]> = {
  Firmware: ['it', 'es', 'de', 'pt'],
  Dashboard: ['it', 'de'],
  Chat: ['it', 'es', 'de', 'pt'],
  Status: ['de', 'pt'],
  Name: ['de'],
  Password: ['it'],
  Backups: ['pt'],
  Stack: ['it', 'de'],
  'Stack {{name}}': ['it', 'de'],
  Port: ['fr', 'de', 'pl'],
  Version: ['fr', 'de'],
  Versions: ['fr'],
  '{{count}} server': ['it'],
  Type: ['fr'],
  Local: ['fr', 'es', 'pt'],
  Administrator: ['de', 'pl'],
  // GLOSSARY.md §4: an active organization (feminine) is "Active" in French.
  Active: ['fr'],
  // Names that GLOSSARY.md §1 keeps in Latin script in every language.
  LDAP: ['fr', 'it', 'es', 'de', 'pt', 'pl', 'zh-CN', 'ko', 'ja', 'ar', 'ru'],
  SSO: ['fr', 'it', 'es', 'de', 'pt', 'pl', 'zh-CN', 'ko', 'ja', 'ar', 'ru'],
  MAC: ['fr', 'it', 'es', 'de', 'pt', 'pl', 'zh-CN', 'ko', 'ja', 'ar', 'ru'],
  Total: ['fr', 'es', 'pt'],
  Actions: ['fr'],
  Server: ['it', 'de'],
  Downloads: ['de', 'pt'],
  // GLOSSARY.md: "hub" stays "hub" in these languages.
  Hubs: ['fr', 'es', 'de', 'pt'],
  Webhooks: ['fr', 'it', 'es', 'de', 'pt'],
  Messages: ['fr'],
  Pages: ['fr'],
  Condition: ['fr'],
  Problem: ['de', 'pl'],
  // Chat services keep their product names.
  'Microsoft Teams': ['fr', 'it', 'es', 'de', 'pt', 'pl', 'zh-CN', 'ko', 'ja', 'ar', 'ru'],
  Slack: ['fr', 'it', 'es', 'de', 'pt', 'pl', 'zh-CN', 'ko', 'ja', 'ar', 'ru'],
};

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') out.set(`${prefix}${key}`, value);
    else for (const [nested, text] of flatten(value, `${prefix}${key}.`)) out.set(nested, text);
  }
  return out;
}

function load(language: Language): Map<string, string> {
  return flatten(JSON.parse(readFileSync(join(localesDir, `${language}.json`), 'utf8')) as Tree);
}

/** `devices.count_few` → `devices.count`; other keys are their own base. */
function pluralBase(key: string): string | null {
  const match = /^(.*)_(zero|one|two|few|many|other)$/.exec(key);
  return match ? match[1]! : null;
}

function splitKeys(strings: Map<string, string>): { plain: Set<string>; plurals: Map<string, Set<string>> } {
  const plain = new Set<string>();
  const plurals = new Map<string, Set<string>>();
  for (const key of strings.keys()) {
    const base = pluralBase(key);
    if (base === null) plain.add(key);
    else plurals.set(base, (plurals.get(base) ?? new Set()).add(key.slice(base.length + 1)));
  }
  return { plain, plurals };
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((match) => match[1]!).sort();
}

const english = load('en');
const englishKeys = splitKeys(english);

describe('locale files', () => {
  it('has exactly one file per supported language', () => {
    const files = readdirSync(localesDir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.replace(/\.json$/, ''))
      .sort();
    expect(files).toEqual([...languages].sort());
  });

  it.each(languages.filter((language) => language !== 'en'))('%s has the same keys as English', (language) => {
    const { plain, plurals } = splitKeys(load(language));
    expect({ missing: [...englishKeys.plain].filter((key) => !plain.has(key)) }).toEqual({ missing: [] });
    expect({ extra: [...plain].filter((key) => !englishKeys.plain.has(key)) }).toEqual({ extra: [] });
    expect([...plurals.keys()].sort()).toEqual([...englishKeys.plurals.keys()].sort());
  });

  it.each(languages)('%s has every plural form its language needs, and no others', (language) => {
    const intlLocale = language === 'pt' ? 'pt-BR' : language;
    const needed = new Intl.PluralRules(intlLocale).resolvedOptions().pluralCategories;
    const expected = pluralCategories.filter((category) => needed.includes(category));
    for (const [base, categories] of splitKeys(load(language)).plurals) {
      expect({ key: base, categories: pluralCategories.filter((category) => categories.has(category)) }).toEqual({
        key: base,
        categories: expected,
      });
    }
  });

  it.each(languages.filter((language) => language !== 'en'))('%s keeps the placeholders of English', (language) => {
    for (const [key, text] of load(language)) {
      const base = pluralBase(key);
      const source = base === null ? english.get(key) : english.get(`${base}_other`);
      if (source === undefined) continue;
      // Plural forms such as ar "جهازان" (two devices) legitimately omit {{count}}.
      const expected = placeholders(source).filter((name) => base === null || name !== 'count');
      const actual = placeholders(text).filter((name) => base === null || name !== 'count');
      expect({ key, placeholders: actual }).toEqual({ key, placeholders: expected });
    }
  });

  it.each(languages.filter((language) => language !== 'en'))('%s translates every string', (language) => {
    const untranslated = [...load(language)]
      .filter(([key, text]) => english.get(key) === text && !sameAsEnglish[text]?.includes(language))
      .map(([key, text]) => `${key}: ${text}`);
    expect(untranslated).toEqual([]);
  });

  it.each(languages)('%s has no empty strings', (language) => {
    expect([...load(language)].filter(([, text]) => text.trim() === '').map(([key]) => key)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { agentUpdateStateSchema, deviceStatuses, monitoringStatusSchema } from '@tutti/protocol';
import { uiLocaleInfo, uiLocales, uiStrings } from './strings.ts';

type Tree = { [key: string]: string | Tree };

/** Every leaf of a strings object as `path → value`. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') out.set(prefix + key, value);
    else for (const [path, leaf] of leaves(value, `${prefix}${key}.`)) out.set(path, leaf);
  }
  return out;
}

const placeholders = (text: string): string[] => [...text.matchAll(/{{(\w+)}}/g)].map((match) => match[1]!).sort();
const english = leaves(uiStrings.en);

describe('local UI strings', () => {
  it('come in the 12 languages of the web app, Arabic right-to-left with Western digits', () => {
    expect(uiLocales).toEqual(['en', 'fr', 'it', 'es', 'de', 'pt-BR', 'pl', 'zh-CN', 'ko', 'ja', 'ar', 'ru']);
    expect(Object.keys(uiStrings).sort()).toEqual([...uiLocales].sort());
    expect(uiLocales.filter((locale) => uiLocaleInfo[locale].dir === 'rtl')).toEqual(['ar']);
    expect(new Intl.NumberFormat(uiLocaleInfo.ar.intl).format(1234)).toMatch(/^1.?234$/);
  });

  it.each(uiLocales)('%s has every key, nothing else, nothing empty, and the same placeholders', (locale) => {
    const strings = leaves(uiStrings[locale]);
    expect([...strings.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [path, text] of strings) {
      expect(text.trim(), `${locale} ${path}`).not.toBe('');
      expect(placeholders(text), `${locale} ${path}`).toEqual(placeholders(english.get(path)!));
    }
  });

  it('name every device status and monitoring state', () => {
    for (const locale of uiLocales) {
      expect(Object.keys(uiStrings[locale].deviceStatuses).sort()).toEqual([...deviceStatuses].sort());
      expect(Object.keys(uiStrings[locale].monitoringStates).sort()).toEqual(
        [...monitoringStatusSchema.options].sort(),
      );
    }
  });

  it('name every self-update mode and phase', () => {
    for (const locale of uiLocales) {
      expect(Object.keys(uiStrings[locale].updateModes).sort()).toEqual(
        [...agentUpdateStateSchema.shape.mode.options].sort(),
      );
      expect(Object.keys(uiStrings[locale].updatePhases).sort()).toEqual(
        [...agentUpdateStateSchema.shape.phase.options].sort(),
      );
    }
  });

  it('follow the glossary: names kept in Latin script, one ellipsis character, the alarm with its "!"', () => {
    for (const locale of uiLocales) {
      const strings = uiStrings[locale];
      expect(strings.title).toContain('Tutti');
      expect(strings.deviceStatuses.restarting).toMatch(/…$/);
      expect(strings.deviceStatuses.restarting).not.toContain('...');
      expect(strings.deviceStatuses.overheating).toMatch(/[!！]$/);
      expect(strings.deviceStatuses.voip_registration_failed).toContain('VoIP');
    }
    expect(uiStrings.fr.deviceStatuses.overheating).toBe('SURCHAUFFE\u202f!');
    expect(uiStrings.de.deviceStatuses.down).toBe('Ausgefallen');
    expect(uiStrings.ja.deviceStatuses.updating_firmware).toBe('ファームウェア更新中');
  });
});

import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { languageSchema, languages, rtlLanguages, type Language } from '@tutti/protocol';
import type en from './locales/en.json';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

// Each language is its own chunk: a visit downloads only the language it shows.
const translations = {
  en: () => import('./locales/en.json'),
  fr: () => import('./locales/fr.json'),
  it: () => import('./locales/it.json'),
  es: () => import('./locales/es.json'),
  de: () => import('./locales/de.json'),
  pt: () => import('./locales/pt.json'),
  pl: () => import('./locales/pl.json'),
  'zh-CN': () => import('./locales/zh-CN.json'),
  ko: () => import('./locales/ko.json'),
  ja: () => import('./locales/ja.json'),
  ar: () => import('./locales/ar.json'),
  ru: () => import('./locales/ru.json'),
} satisfies Record<Language, () => Promise<{ default: object }>>;

async function loadTranslation(language: Language): Promise<void> {
  if (i18next.hasResourceBundle(language, 'translation')) return;
  i18next.addResourceBundle(language, 'translation', (await translations[language]()).default);
}

/** Each language in its own name: people look for their language, not its English name. */
export const languageNames: Record<Language, string> = {
  en: 'English',
  fr: 'Français',
  it: 'Italiano',
  es: 'Español',
  de: 'Deutsch',
  pt: 'Português (Brasil)',
  pl: 'Polski',
  'zh-CN': '简体中文',
  ko: '한국어',
  ja: '日本語',
  ar: 'العربية',
  ru: 'Русский',
};

const STORAGE_KEY = 'tutti.language';

export function directionOf(language: Language): 'ltr' | 'rtl' {
  return rtlLanguages.includes(language) ? 'rtl' : 'ltr';
}

/** The locale handed to Intl: Brazilian Portuguese, and Western digits in Arabic (GLOSSARY.md §1). */
export function intlLocale(language: Language): string {
  if (language === 'ar') return 'ar-u-nu-latn';
  if (language === 'pt') return 'pt-BR';
  return language;
}

export function currentLanguage(): Language {
  const parsed = languageSchema.safeParse(i18next.resolvedLanguage ?? i18next.language);
  return parsed.success ? parsed.data : 'en';
}

function storedLanguage(): Language | null {
  try {
    const parsed = languageSchema.safeParse(localStorage.getItem(STORAGE_KEY));
    return parsed.success ? parsed.data : null;
  } catch {
    // Storage can be blocked (privacy modes); the browser language is then the best guess.
    return null;
  }
}

function browserLanguage(): Language {
  for (const tag of navigator.languages) {
    const exact = languages.find((language) => language.toLowerCase() === tag.toLowerCase());
    if (exact) return exact;
    const base = tag.split('-')[0]?.toLowerCase();
    const byBase = languages.find((language) => language.split('-')[0] === base);
    if (byBase) return byBase;
  }
  return 'en';
}

export function applyDocumentLanguage(language: Language): void {
  // Screen readers pick the voice from this tag; Tutti's Portuguese is Brazilian.
  document.documentElement.lang = language === 'pt' ? 'pt-BR' : language;
  document.documentElement.dir = directionOf(language);
}

export async function initI18n(): Promise<Language> {
  const language = storedLanguage() ?? browserLanguage();
  applyDocumentLanguage(language);
  await i18next.use(initReactI18next).init({
    resources: { [language]: { translation: (await translations[language]()).default } },
    lng: language,
    // Every language is complete (the locale test sees to it), so none falls back to another.
    fallbackLng: false,
    supportedLngs: [...languages],
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return language;
}

export async function changeLanguage(language: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered across visits, but the switch itself still works.
  }
  await loadTranslation(language);
  await i18next.changeLanguage(language);
  applyDocumentLanguage(language);
}

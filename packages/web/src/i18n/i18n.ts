import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { languageSchema, languages, rtlLanguages, type Language } from '@tutti/protocol';
import ar from './locales/ar.json';
import de from './locales/de.json';
import en from './locales/en.json';
import es from './locales/es.json';
import fr from './locales/fr.json';
import it from './locales/it.json';
import ja from './locales/ja.json';
import ko from './locales/ko.json';
import pl from './locales/pl.json';
import pt from './locales/pt.json';
import ru from './locales/ru.json';
import zhCN from './locales/zh-CN.json';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

const resources = {
  en: { translation: en },
  fr: { translation: fr },
  it: { translation: it },
  es: { translation: es },
  de: { translation: de },
  pt: { translation: pt },
  pl: { translation: pl },
  'zh-CN': { translation: zhCN },
  ko: { translation: ko },
  ja: { translation: ja },
  ar: { translation: ar },
  ru: { translation: ru },
} satisfies Record<Language, { translation: object }>;

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
    resources,
    lng: language,
    fallbackLng: 'en',
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
  await i18next.changeLanguage(language);
  applyDocumentLanguage(language);
}

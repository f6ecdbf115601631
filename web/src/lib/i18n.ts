import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

export const LANGUAGES = ['sv', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'kvittra.lang';

const common = {
  sv: { loading: 'Laddar…', language: 'Språk', retry: 'Försök igen', close: 'Stäng', error: 'Något gick fel', networkError: 'Ingen kontakt med servern. Kontrollera anslutningen och försök igen.' },
  en: { loading: 'Loading…', language: 'Language', retry: 'Try again', close: 'Close', error: 'Something went wrong', networkError: 'Cannot reach the server. Check your connection and try again.' },
};

function initialLanguage(): Language {
  const stored = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
  if (stored === 'sv' || stored === 'en') return stored;
  const query = new URLSearchParams(window.location.search).get('lang');
  return query === 'en' ? 'en' : 'sv'; // Swedish is the default for everyone.
}

/** Swedish by default; each area adds its own namespace when its chunk loads (see addArea). */
export function initI18n(): void {
  void i18n.use(initReactI18next).init({
    lng: initialLanguage(),
    fallbackLng: 'sv',
    ns: ['common'],
    defaultNS: 'common',
    resources: { sv: { common: common.sv }, en: { common: common.en } },
    interpolation: { escapeValue: false }, // React escapes already.
  });
  document.documentElement.lang = i18n.language;
}

/** Registers an area's strings (namespace = area name) from its lazily loaded chunk. */
export function addArea(ns: string, resources: Record<Language, Record<string, unknown>>): void {
  for (const lang of LANGUAGES) {
    if (!i18n.hasResourceBundle(lang, ns)) i18n.addResourceBundle(lang, ns, resources[lang], true, true);
  }
}

export function setLanguage(lang: Language): void {
  localStorage.setItem(STORAGE_KEY, lang);
  void i18n.changeLanguage(lang);
  document.documentElement.lang = lang;
}

export { i18n };

import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { isLocale, type Locale } from '../api-types.ts';
import en from './en.json';
import nl from './nl.json';

const STORAGE_KEY = 'topfit.locale';

/** The language chosen while signed out, remembered in this browser; Dutch by default. */
function storedLocale(): Locale {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    if (isLocale(value)) return value;
  } catch {
    // Storage can be blocked; Dutch it is.
  }
  return 'nl';
}

function rememberLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Storage can be blocked; the choice then lasts for this page only.
  }
}

/** The language the app shows now. */
export function currentLocale(): Locale {
  return isLocale(i18n.language) ? i18n.language : 'nl';
}

/** Shows the app in `locale`, updates `<html lang>` and remembers the choice in this browser. */
export async function applyLocale(locale: Locale): Promise<void> {
  rememberLocale(locale);
  if (i18n.language !== locale) await i18n.changeLanguage(locale);
}

i18n.on('languageChanged', (language) => {
  document.documentElement.lang = language;
});

void i18n.use(initReactI18next).init({
  resources: {
    // Both files must hold exactly the same keys.
    nl: { translation: nl satisfies typeof en },
    en: { translation: en satisfies typeof nl },
  },
  lng: storedLocale(),
  fallbackLng: 'nl',
  supportedLngs: ['nl', 'en'],
  interpolation: { escapeValue: false },
  initAsync: false,
  returnNull: false,
});

document.documentElement.lang = currentLocale();

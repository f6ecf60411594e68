import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import {
  type Bilingual,
  type ConsentDocument,
  type ConsentEvent,
  type ConsentState,
  isLocale,
} from '../../api-types.ts';

/** Every cached consent answer; invalidate this to reload them all. */
export const consentKey = ['consent'] as const;
export const catalogueKey = [...consentKey, 'purposes'] as const;
export const myConsentsKey = [...consentKey, 'mine'] as const;
export const historyKey = [...consentKey, 'history'] as const;

/** Downloads: plain links, so the browser saves what the server sends as an attachment. */
export const receiptUrl = (eventId: number): string =>
  `/api/v1/me/consents/receipts/${encodeURIComponent(String(eventId))}`;
export const FHIR_EXPORT_URL = '/api/v1/me/consents/fhir';

/** GET /consent/purposes: every purpose with the document in force (public). */
export function useConsentCatalogue() {
  return useQuery({
    queryKey: catalogueKey,
    queryFn: async () => (await api.get<{ purposes: ConsentDocument[] }>('/consent/purposes')).purposes,
  });
}

/** GET /me/consents: the person's decision per purpose and what counts now. */
export function useMyConsents() {
  return useQuery({
    queryKey: myConsentsKey,
    queryFn: async () => (await api.get<{ purposes: ConsentState[] }>('/me/consents')).purposes,
  });
}

/** GET /me/consents/history: every change, newest first. */
export function useConsentHistory() {
  return useQuery({
    queryKey: historyKey,
    queryFn: async () => (await api.get<{ events: ConsentEvent[] }>('/me/consents/history')).events,
  });
}

/** Picks the text of the language the app shows now (re-renders when it changes). */
export function useLocalized() {
  const { i18n } = useTranslation();
  const locale = isLocale(i18n.language) ? i18n.language : 'nl';
  return (text: Bilingual): string => text[locale];
}

/** Dates in the language the app shows: `date` "3 mei 2026", `dateTime` "3 mei 2026 om 14:05". */
export function useDates() {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en-GB' : 'nl-NL';
  const formatter = (options: Intl.DateTimeFormatOptions) => {
    const format = new Intl.DateTimeFormat(locale, options);
    return (value: string): string => {
      const date = new Date(value);
      return Number.isNaN(date.getTime()) ? value : format.format(date);
    };
  };
  return {
    date: formatter({ dateStyle: 'long' }),
    dateTime: formatter({ dateStyle: 'long', timeStyle: 'short' }),
  };
}

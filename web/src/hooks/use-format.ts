import { useTranslation } from 'react-i18next';

/** Date and time formatting in the language the app shows. */
export function useFormat() {
  const { i18n } = useTranslation();
  const dateTime = new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'nl-NL', {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  return {
    dateTime: (value: string | null | undefined): string => {
      if (!value) return '–';
      const date = new Date(value);
      return Number.isNaN(date.getTime()) ? value : dateTime.format(date);
    },
  };
}

import { NativeSelect, PasswordInput, type PasswordInputProps } from '@mantine/core';
import type { ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LOCALES } from '../api-types.ts';

/** A password input whose show/hide button has a translated name. */
export function PasswordField(props: PasswordInputProps) {
  const { t } = useTranslation();
  return (
    <PasswordInput {...props} visibilityToggleButtonProps={{ 'aria-label': t('common.togglePassword') }} />
  );
}

interface LocaleSelectProps {
  value: string;
  onChange: (event: ChangeEvent<HTMLSelectElement>) => void;
  error?: string | undefined;
  name?: string;
  label?: string;
}

/** Choose the language of the platform and its e-mails. */
export function LocaleSelect({ value, onChange, error, name, label }: LocaleSelectProps) {
  const { t } = useTranslation();
  return (
    <NativeSelect
      label={label ?? t('fields.locale')}
      name={name}
      value={value}
      onChange={onChange}
      error={error}
      data={LOCALES.map((locale) => ({ value: locale, label: t(`locales.${locale}`) }))}
    />
  );
}

import { NativeSelect, PasswordInput, type PasswordInputProps, TextInput } from '@mantine/core';
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
  description?: string;
}

/** Choose a language: of the platform and its e-mails, or of a text. */
export function LocaleSelect({ value, onChange, error, name, label, description }: LocaleSelectProps) {
  const { t } = useTranslation();
  return (
    <NativeSelect
      label={label ?? t('fields.locale')}
      description={description}
      name={name}
      value={value}
      onChange={onChange}
      error={error}
      data={LOCALES.map((locale) => ({ value: locale, label: t(`locales.${locale}`) }))}
    />
  );
}

/** Props of one input, as `useApiForm().input(name)` gives them. */
interface InputProps {
  name: string;
  value: string;
  error: string | undefined;
  onChange: (event: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => void;
}

/**
 * E-mail address, name and a new password: the fields of every form that makes an account (sign-up,
 * the first administrator, joining the Citizen Lab).
 */
export function NewAccountFields({
  input,
}: {
  input: (name: 'email' | 'displayName' | 'password') => InputProps;
}) {
  const { t } = useTranslation();
  return (
    <>
      <TextInput label={t('fields.email')} type="email" autoComplete="email" required {...input('email')} />
      <TextInput label={t('fields.name')} autoComplete="name" required {...input('displayName')} />
      <PasswordField
        label={t('fields.password')}
        description={t('fields.passwordHint')}
        autoComplete="new-password"
        required
        {...input('password')}
      />
    </>
  );
}

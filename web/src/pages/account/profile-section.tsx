import { Button, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { isLocale, type Me } from '../../api-types.ts';
import { LocaleSelect } from '../../components/fields.tsx';
import { FormAlert, SuccessNotice } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { useApiForm } from '../../hooks/use-api-form.ts';
import { meKey } from '../../hooks/use-me.ts';
import { applyLocale } from '../../i18n/index.ts';

/** Name and language of the account (PATCH /me). */
export function ProfileSection({ me }: { me: Me }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const form = useApiForm({ displayName: me.account.displayName, locale: me.account.locale });
  const { setValue } = form;
  // The header's language switch also changes the account's language: keep this form in step.
  useEffect(() => setValue('locale', me.account.locale), [setValue, me.account.locale]);
  const save = useMutation({
    mutationFn: () => api.patch<Me>('/me', form.values),
    onMutate: form.clearErrors,
    onSuccess: async (updated) => {
      queryClient.setQueryData(meKey, updated);
      if (isLocale(updated.account.locale)) await applyLocale(updated.account.locale);
    },
    onError: (error) => form.showError(error),
  });
  return (
    <Section id="profile" title={t('account.profile.title')}>
      <Text>
        {t('account.profile.email')} <strong>{me.account.email}</strong>
      </Text>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <TextInput label={t('fields.name')} autoComplete="name" required {...form.input('displayName')} />
          <LocaleSelect {...form.input('locale')} />
          <FormAlert message={form.formError} />
          {save.isSuccess && <SuccessNotice>{t('account.profile.saved')}</SuccessNotice>}
          <div>
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
          </div>
        </Stack>
      </form>
    </Section>
  );
}

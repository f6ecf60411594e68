import { Button, Stack } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { PasswordField } from '../../components/fields.tsx';
import { FormAlert, SuccessNotice } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { useApiForm } from '../../hooks/use-api-form.ts';
import { sessionsKey } from './sessions-section.tsx';

/** Change the password (POST /me/password); the other sessions end. */
export function PasswordSection() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const form = useApiForm({ currentPassword: '', newPassword: '' });
  const change = useMutation({
    mutationFn: () => api.post('/me/password', form.values),
    onMutate: form.clearErrors,
    onSuccess: () => {
      form.reset();
      void queryClient.invalidateQueries({ queryKey: sessionsKey });
    },
    onError: (error) =>
      form.showError(error, {
        unauthenticated: t('account.password.wrongCurrent'),
        forbidden: t('account.password.wrongCurrent'),
      }),
  });
  return (
    <Section id="password" title={t('account.password.title')}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          change.mutate();
        }}
      >
        <Stack>
          <PasswordField
            label={t('fields.currentPassword')}
            autoComplete="current-password"
            required
            {...form.input('currentPassword')}
          />
          <PasswordField
            label={t('fields.newPassword')}
            description={t('fields.passwordHint')}
            autoComplete="new-password"
            required
            {...form.input('newPassword')}
          />
          <FormAlert message={form.formError} />
          {change.isSuccess && <SuccessNotice>{t('account.password.changed')}</SuccessNotice>}
          <div>
            <Button type="submit" loading={change.isPending}>
              {t('account.password.submit')}
            </Button>
          </div>
        </Stack>
      </form>
    </Section>
  );
}

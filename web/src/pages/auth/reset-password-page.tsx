import { Button, Paper, Stack } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { PasswordField } from '../../components/fields.tsx';
import { FormAlert, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { useApiForm } from '../../hooks/use-api-form.ts';
import { InvalidLink, isInvalidLinkError } from './invalid-link.tsx';

/** The link from the reset mail: choose a new password (every session of the account ends). */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const form = useApiForm({ password: '' });
  const reset = useMutation({
    mutationFn: () => api.post('/auth/password-reset/confirm', { token, password: form.values.password }),
    onMutate: form.clearErrors,
    onError: (error) => form.showError(error),
  });
  const invalid = !token || isInvalidLinkError(reset.error);

  let content: ReactNode;
  if (invalid) {
    content = <InvalidLink retryTo="/forgot-password" retryLabel={t('resetPassword.askNew')} />;
  } else if (reset.isSuccess) {
    content = (
      <>
        <SuccessNotice>{t('resetPassword.done')}</SuccessNotice>
        <div>
          <Button component={Link} to="/sign-in">
            {t('nav.signIn')}
          </Button>
        </div>
      </>
    );
  } else {
    content = (
      <Paper withBorder p="lg">
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            reset.mutate();
          }}
        >
          <Stack>
            <PasswordField
              label={t('fields.newPassword')}
              description={t('fields.passwordHint')}
              autoComplete="new-password"
              required
              {...form.input('password')}
            />
            <FormAlert message={form.formError} />
            <Button type="submit" loading={reset.isPending}>
              {t('resetPassword.submit')}
            </Button>
          </Stack>
        </form>
      </Paper>
    );
  }

  return (
    <Page title={t('resetPassword.title')} size="xs">
      {content}
    </Page>
  );
}

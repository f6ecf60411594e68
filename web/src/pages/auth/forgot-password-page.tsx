import { Anchor, Button, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { FormAlert, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { useApiForm } from '../../hooks/use-api-form.ts';

/** Ask for a reset link; the answer never tells whether the e-mail address has an account. */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const form = useApiForm({ email: '' });
  const request = useMutation({
    mutationFn: () => api.post('/auth/password-reset', form.values),
    onMutate: form.clearErrors,
    onError: (error) => form.showError(error),
  });

  return (
    <Page title={t('forgotPassword.title')} size="xs">
      {request.isSuccess ? (
        <SuccessNotice>{t('forgotPassword.sent', { email: form.values.email })}</SuccessNotice>
      ) : (
        <>
          <Text>{t('forgotPassword.intro')}</Text>
          <Paper withBorder p="lg">
            <form
              noValidate
              onSubmit={(event) => {
                event.preventDefault();
                request.mutate();
              }}
            >
              <Stack>
                <TextInput
                  label={t('fields.email')}
                  type="email"
                  autoComplete="email"
                  required
                  {...form.input('email')}
                />
                <FormAlert message={form.formError} />
                <Button type="submit" loading={request.isPending}>
                  {t('forgotPassword.submit')}
                </Button>
              </Stack>
            </form>
          </Paper>
        </>
      )}
      <Anchor component={Link} to="/sign-in">
        {t('common.backToSignIn')}
      </Anchor>
    </Page>
  );
}

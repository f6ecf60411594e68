import { Anchor, Button, Paper, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { api } from '../../api.ts';
import { LocaleSelect, NewAccountFields } from '../../components/fields.tsx';
import { FormAlert, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { useApiForm } from '../../hooks/use-api-form.ts';
import { useMe } from '../../hooks/use-me.ts';
import { currentLocale } from '../../i18n/index.ts';
import { ResendVerification } from './resend-verification.tsx';

export function SignUpPage() {
  const { t } = useTranslation();
  const me = useMe();
  const form = useApiForm({ email: '', displayName: '', password: '', locale: currentLocale() });
  const signUp = useMutation({
    mutationFn: () => api.post('/auth/sign-up', form.values),
    onMutate: form.clearErrors,
    onError: (error) => form.showError(error),
  });

  if (me.data) return <Navigate to="/" replace />;

  if (signUp.isSuccess) {
    return (
      <Page title={t('signUp.checkMailTitle')} size="xs">
        <SuccessNotice>{t('signUp.checkMailText', { email: form.values.email })}</SuccessNotice>
        <Text>{t('signUp.noMail')}</Text>
        <ResendVerification email={form.values.email} />
      </Page>
    );
  }

  return (
    <Page title={t('signUp.title')} size="xs">
      <Text>{t('signUp.intro')}</Text>
      <Paper withBorder p="lg">
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            signUp.mutate();
          }}
        >
          <Stack>
            <NewAccountFields input={form.input} />
            <LocaleSelect {...form.input('locale')} />
            <FormAlert message={form.formError} />
            <Button type="submit" loading={signUp.isPending} data-testid="sign-up-submit">
              {t('signUp.submit')}
            </Button>
          </Stack>
        </form>
      </Paper>
      <Text>
        {t('signUp.haveAccount')}{' '}
        <Anchor component={Link} to="/sign-in">
          {t('nav.signIn')}
        </Anchor>
      </Text>
    </Page>
  );
}

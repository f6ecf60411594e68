import { Anchor, Button, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import type { Me } from '../../api-types.ts';
import { NewAccountFields } from '../../components/fields.tsx';
import { FormAlert, InfoNotice, SuccessNotice } from '../../components/notices.tsx';
import { useApiForm } from '../../hooks/use-api-form.ts';
import { hasRole } from '../../hooks/use-me.ts';
import { currentLocale } from '../../i18n/index.ts';
import { ResendVerification } from '../auth/resend-verification.tsx';
import { StepButtons } from './step-buttons.tsx';

/** The sign-up form, inline: the verification mail brings the person back here after signing in. */
function SignUpInline() {
  const { t } = useTranslation();
  const form = useApiForm({ email: '', displayName: '', password: '' });
  const signUp = useMutation({
    mutationFn: () => api.post('/auth/sign-up', { ...form.values, locale: currentLocale() }),
    onMutate: form.clearErrors,
    onError: (error) => form.showError(error),
  });
  if (signUp.isSuccess) {
    return (
      <Stack gap="sm">
        <SuccessNotice title={t('signUp.checkMailTitle')}>
          {t('signUp.checkMailText', { email: form.values.email })}
        </SuccessNotice>
        <Text>{t('join.account.afterMail')}</Text>
        <Text>{t('signUp.noMail')}</Text>
        <ResendVerification email={form.values.email} />
      </Stack>
    );
  }
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        signUp.mutate();
      }}
    >
      <Stack>
        <NewAccountFields input={form.input} />
        <FormAlert message={form.formError} />
        <div>
          <Button type="submit" loading={signUp.isPending} data-testid="sign-up-submit">
            {t('signUp.submit')}
          </Button>
        </div>
      </Stack>
    </form>
  );
}

/** Step 3: an account. Signed out: sign up here or sign in; signed in as a citizen: go on. */
export function AccountStep({
  me,
  onNext,
  onBack,
}: {
  me: Me | null;
  onNext: () => void;
  onBack: () => void;
}) {
  const { t } = useTranslation();
  if (!me) {
    return (
      <Stack gap="lg">
        <Text>{t('join.account.intro')}</Text>
        <Paper withBorder p="lg" component="section" aria-labelledby="join-sign-up-title">
          <Stack>
            <Title order={3} id="join-sign-up-title">
              {t('join.account.signUpTitle')}
            </Title>
            <SignUpInline />
          </Stack>
        </Paper>
        <Text>
          {t('signUp.haveAccount')}{' '}
          <Anchor component={Link} to="/sign-in?next=/join" data-testid="join-sign-in">
            {t('join.account.signIn')}
          </Anchor>
        </Text>
        <StepButtons onBack={onBack} />
      </Stack>
    );
  }
  if (!hasRole(me, 'citizen')) {
    return (
      <Stack gap="lg">
        <InfoNotice>{t('join.account.notCitizen')}</InfoNotice>
        <StepButtons onBack={onBack} />
      </Stack>
    );
  }
  return (
    <Stack gap="lg">
      <Text data-testid="join-signed-in">
        {t('join.account.signedIn', { name: me.account.displayName, email: me.account.email })}
      </Text>
      <StepButtons onBack={onBack} onNext={onNext} />
    </Stack>
  );
}

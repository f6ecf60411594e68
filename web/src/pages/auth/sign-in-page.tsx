import { Anchor, Button, Group, Paper, Stack, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useSearchParams } from 'react-router';
import { api, isApiError } from '../../api.ts';
import type { Role } from '../../api-types.ts';
import { PasswordField } from '../../components/fields.tsx';
import { FormAlert } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { safeNext } from '../../components/require-session.tsx';
import { useApiForm } from '../../hooks/use-api-form.ts';
import { meKey, useMe } from '../../hooks/use-me.ts';
import { ResendVerification } from './resend-verification.tsx';

/** Second step of signing in: a code from the authenticator app, or a recovery code. */
function MfaStep({ onDone, onRestart }: { onDone: () => Promise<void>; onRestart: () => void }) {
  const { t } = useTranslation();
  const form = useApiForm({ code: '' });
  const codeInput = useRef<HTMLInputElement>(null);
  useEffect(() => codeInput.current?.focus(), []);
  const verify = useMutation({
    mutationFn: () => api.post('/auth/sign-in/mfa', { code: form.values.code.trim() }),
    onMutate: form.clearErrors,
    onSuccess: onDone,
    onError: (error) =>
      form.showError(error, {
        unauthenticated: t('signIn.sessionExpired'),
        forbidden: t('signIn.wrongCode'),
      }),
  });
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        verify.mutate();
      }}
    >
      <Stack>
        <Text>{t('signIn.mfaIntro')}</Text>
        <TextInput
          label={t('fields.mfaCode')}
          description={t('fields.mfaCodeHint')}
          autoComplete="one-time-code"
          ref={codeInput}
          required
          data-testid="mfa-code"
          {...form.input('code')}
        />
        <FormAlert message={form.formError} />
        <Group>
          <Button type="submit" loading={verify.isPending} data-testid="mfa-submit">
            {t('signIn.verify')}
          </Button>
          <Button variant="default" onClick={onRestart}>
            {t('signIn.restart')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface DemoAccount {
  email: string;
  displayName: string;
  roles: Role[];
  organisation: string | null;
}

/** On a demo installation: one button per demo account (the API answers 404 elsewhere, and nothing shows). */
function DemoSignIns({ onDone }: { onDone: () => Promise<void> }) {
  const { t } = useTranslation();
  const accounts = useQuery({
    queryKey: ['demo-sign-ins'],
    queryFn: () => api.get<{ accounts: DemoAccount[] }>('/demo/sign-ins'),
    retry: false,
  });
  const signIn = useMutation({
    mutationFn: (email: string) => api.post('/demo/sign-in', { email }),
    onSuccess: onDone,
  });
  if (!accounts.data || accounts.data.accounts.length === 0) return null;
  return (
    <Paper withBorder p="lg" data-testid="demo-sign-ins">
      <Stack gap="sm">
        <Title order={2} size="h3">
          {t('signIn.demoTitle')}
        </Title>
        <Text>{t('signIn.demoIntro')}</Text>
        <FormAlert message={signIn.isError ? t('signIn.demoFailed') : null} />
        {accounts.data.accounts.map((account) => (
          <Button
            key={account.email}
            variant="light"
            justify="space-between"
            fullWidth
            loading={signIn.isPending && signIn.variables === account.email}
            onClick={() => signIn.mutate(account.email)}
            data-testid={`demo-${account.email.split('@')[0]}`}
            rightSection={
              <Text span size="sm">
                {account.roles.map((role) => t(`roles.${role}`)).join(', ')}
              </Text>
            }
          >
            <VisuallyHidden>{t('signIn.demoAs')} </VisuallyHidden>
            {account.displayName}
            {account.organisation ? ` · ${account.organisation}` : ''}
          </Button>
        ))}
      </Stack>
    </Paper>
  );
}

/** E-mail and password; then, when the account uses two factors, the code. */
export function SignInPage() {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [step, setStep] = useState<'password' | 'mfa'>('password');
  const form = useApiForm({ email: '', password: '' });

  const finish = async () => {
    // Once /me answers, this page redirects to `next`; the account's language is applied by the layout.
    await queryClient.invalidateQueries({ queryKey: meKey });
  };

  const signIn = useMutation({
    mutationFn: () => api.post<{ mfaRequired: boolean }>('/auth/sign-in', form.values),
    onMutate: form.clearErrors,
    onSuccess: async (answer) => {
      if (answer.mfaRequired) setStep('mfa');
      else await finish();
    },
    onError: (error) => form.showError(error, { unauthenticated: t('signIn.wrongCredentials') }),
  });

  if (me.data) return <Navigate to={next} replace />;

  const notVerified = isApiError(signIn.error) && signIn.error.code === 'email_not_verified';

  return (
    <Page title={t('signIn.title')} size="xs">
      <Paper withBorder p="lg">
        {step === 'mfa' ? (
          <MfaStep
            onDone={finish}
            onRestart={() => {
              setStep('password');
              form.setValue('password', '');
            }}
          />
        ) : (
          <form
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              signIn.mutate();
            }}
          >
            <Stack>
              <TextInput
                label={t('fields.email')}
                type="email"
                autoComplete="username"
                required
                {...form.input('email')}
              />
              <PasswordField
                label={t('fields.password')}
                autoComplete="current-password"
                required
                {...form.input('password')}
              />
              <FormAlert message={form.formError} />
              {notVerified && <ResendVerification email={form.values.email} />}
              <Button type="submit" loading={signIn.isPending} data-testid="sign-in-submit">
                {t('signIn.submit')}
              </Button>
            </Stack>
          </form>
        )}
      </Paper>
      {step === 'password' && <DemoSignIns onDone={finish} />}
      <Stack gap="xs">
        <Anchor component={Link} to="/forgot-password">
          {t('signIn.forgotPassword')}
        </Anchor>
        <Text>
          {t('signIn.noAccount')}{' '}
          <Anchor component={Link} to="/sign-up">
            {t('nav.signUp')}
          </Anchor>
        </Text>
      </Stack>
    </Page>
  );
}

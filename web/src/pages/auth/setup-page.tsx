import { Button, Paper, Stack, Text } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { LocaleSelect, NewAccountFields } from '../../components/fields.tsx';
import { FormAlert, InfoNotice, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { useApiForm } from '../../hooks/use-api-form.ts';
import { currentLocale } from '../../i18n/index.ts';
import { InvalidLink, isInvalidLinkError } from './invalid-link.tsx';

function SetupForm({ token }: { token: string }) {
  const { t } = useTranslation();
  const form = useApiForm({ email: '', displayName: '', password: '', locale: currentLocale() });
  const create = useMutation({
    mutationFn: () => api.post('/setup/admin', { token, ...form.values }),
    onMutate: form.clearErrors,
    onError: (error) => form.showError(error),
  });

  if (isInvalidLinkError(create.error)) return <InvalidLink />;
  if (create.isSuccess) {
    return (
      <>
        <SuccessNotice>{t('setup.done')}</SuccessNotice>
        <div>
          <Button component={Link} to="/sign-in">
            {t('nav.signIn')}
          </Button>
        </div>
      </>
    );
  }
  return (
    <>
      <Text>{t('setup.intro')}</Text>
      <Paper withBorder p="lg">
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate();
          }}
        >
          <Stack>
            <NewAccountFields input={form.input} />
            <LocaleSelect {...form.input('locale')} />
            <FormAlert message={form.formError} />
            <Button type="submit" loading={create.isPending}>
              {t('setup.submit')}
            </Button>
          </Stack>
        </form>
      </Paper>
    </>
  );
}

/** The first administrator, from the one-time link printed at first start; only while none exists. */
export function SetupPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const setup = useQuery({ queryKey: ['setup'], queryFn: () => api.get<{ needed: boolean }>('/setup') });

  let content: ReactNode;
  if (setup.isPending) content = <Loading />;
  else if (setup.isError) content = <QueryError error={setup.error} />;
  else if (!setup.data.needed) {
    content = (
      <>
        <InfoNotice>{t('setup.notNeeded')}</InfoNotice>
        <div>
          <Button component={Link} to="/sign-in">
            {t('nav.signIn')}
          </Button>
        </div>
      </>
    );
  } else if (!token) content = <InvalidLink />;
  else content = <SetupForm token={token} />;

  return (
    <Page title={t('setup.title')} size="xs">
      {content}
    </Page>
  );
}

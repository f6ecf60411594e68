import { Button, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import type { Invitation, Me } from '../../api-types.ts';
import { LocaleSelect, PasswordField } from '../../components/fields.tsx';
import { FormAlert, InfoNotice, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { errorMessage } from '../../form-errors.ts';
import { useApiForm } from '../../hooks/use-api-form.ts';
import { meKey, useMe } from '../../hooks/use-me.ts';
import { currentLocale } from '../../i18n/index.ts';
import { roleLabel } from '../../labels.ts';
import { InvalidLink, isInvalidLinkError } from './invalid-link.tsx';

/** Without an account: choose a name and password; the account is created with the e-mail verified. */
function CreateAccountForm({ token }: { token: string }) {
  const { t } = useTranslation();
  const form = useApiForm({ displayName: '', password: '', locale: currentLocale() });
  const accept = useMutation({
    mutationFn: () => api.post('/invitations/accept', { token, ...form.values }),
    onMutate: form.clearErrors,
    onError: (error) => form.showError(error),
  });
  if (accept.isSuccess) {
    return (
      <>
        <SuccessNotice>{t('invitation.accountCreated')}</SuccessNotice>
        <div>
          <Button component={Link} to="/sign-in">
            {t('nav.signIn')}
          </Button>
        </div>
      </>
    );
  }
  return (
    <Paper withBorder p="lg">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          accept.mutate();
        }}
      >
        <Stack>
          <Text>{t('invitation.createIntro')}</Text>
          <TextInput label={t('fields.name')} autoComplete="name" required {...form.input('displayName')} />
          <PasswordField
            label={t('fields.password')}
            description={t('fields.passwordHint')}
            autoComplete="new-password"
            required
            {...form.input('password')}
          />
          <LocaleSelect {...form.input('locale')} />
          <FormAlert message={form.formError} />
          <Button type="submit" loading={accept.isPending} data-testid="invitation-submit">
            {t('invitation.createSubmit')}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}

/** Signed in with the invited e-mail: one button adds the role. */
function AcceptButton({ token }: { token: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const accept = useMutation({
    mutationFn: () => api.post('/invitations/accept', { token }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: meKey });
      notifications.show({
        color: 'teal',
        message: t('invitation.accepted'),
        closeButtonProps: { 'aria-label': t('common.close') },
      });
      void navigate('/');
    },
  });
  return (
    <>
      <FormAlert message={accept.isError ? errorMessage(accept.error, t) : null} />
      <div>
        <Button loading={accept.isPending} onClick={() => accept.mutate()} data-testid="invitation-submit">
          {t('invitation.accept')}
        </Button>
      </div>
    </>
  );
}

/** Signed in as someone else: sign out here, then continue as the invited person. */
function WrongAccount({ me, invitation }: { me: Me; invitation: Invitation }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const signOut = useMutation({
    mutationFn: () => api.post('/auth/sign-out'),
    onSettled: () => queryClient.setQueryData(meKey, null),
  });
  return (
    <>
      <InfoNotice>
        {t('invitation.wrongAccount', { current: me.account.email, invited: invitation.email })}
      </InfoNotice>
      <div>
        <Button variant="default" loading={signOut.isPending} onClick={() => signOut.mutate()}>
          {t('nav.signOut')}
        </Button>
      </div>
    </>
  );
}

/** The link from an invitation mail: what the person is invited to, and how to accept it. */
export function InvitationPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const me = useMe();
  const invitation = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => api.get<Invitation>(`/invitations/${encodeURIComponent(token)}`),
    enabled: token !== '',
  });

  let content: ReactNode;
  if (!token) content = <InvalidLink />;
  else if (invitation.isPending || me.isPending) content = <Loading />;
  else if (invitation.isError) {
    content = isInvalidLinkError(invitation.error) ? (
      <InvalidLink />
    ) : (
      <QueryError error={invitation.error} />
    );
  } else if (me.isError) content = <QueryError error={me.error} />;
  else {
    const data = invitation.data;
    const role = roleLabel(t, data.role);
    const next = `/sign-in?next=${encodeURIComponent(`/invitation?token=${token}`)}`;
    let action: ReactNode;
    if (me.data) {
      const same = me.data.account.email.toLowerCase() === data.email.toLowerCase();
      action = same ? <AcceptButton token={token} /> : <WrongAccount me={me.data} invitation={data} />;
    } else if (data.accountExists) {
      action = (
        <>
          <Text>{t('invitation.signInFirst')}</Text>
          <Group>
            <Button component={Link} to={next}>
              {t('nav.signIn')}
            </Button>
          </Group>
        </>
      );
    } else {
      action = <CreateAccountForm token={token} />;
    }
    content = (
      <>
        <Text size="lg">
          {data.organisation
            ? t('invitation.summaryWithOrganisation', {
                email: data.email,
                role,
                organisation: data.organisation.name,
              })
            : t('invitation.summary', { email: data.email, role })}
        </Text>
        {action}
      </>
    );
  }

  return (
    <Page title={t('invitation.title')} size="xs">
      {content}
    </Page>
  );
}

import { Button, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { InvalidLink, isInvalidLinkError } from '../auth/invalid-link.tsx';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import { InvitationAnswer, type InvitationResponse, type StudyInvitation } from './invitation-answer.tsx';

const invitationKey = (token: string) => ['study-invitation', token] as const;

/** After the answer: thanks, and for an interested member the way to the consent and joining. */
function Answered({ response }: { response: InvitationResponse }) {
  const { t } = useTranslation();
  if (response === 'declined') {
    return <SuccessNotice>{t('studyInvitation.thanksDeclined')}</SuccessNotice>;
  }
  return (
    <Stack gap="sm">
      <SuccessNotice>{t('studyInvitation.thanksInterested')}</SuccessNotice>
      <Text>{t('studyInvitation.nextStep')}</Text>
      <div>
        <Button component={Link} to="/studies" data-testid="invitation-to-studies">
          {t('studyInvitation.toStudies')}
        </Button>
      </div>
    </Stack>
  );
}

/**
 * /study-invitations/:token — the personal link of an invitation e-mail, without signing in: the study, that the
 * researchers do not know who was invited, and the two answers. A link that does not work says so kindly.
 */
export function StudyInvitationPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { token = '' } = useParams();
  const queryClient = useQueryClient();
  const invitation = useQuery({
    queryKey: invitationKey(token),
    queryFn: () => api.get<StudyInvitation>(`/study-invitations/${encodeURIComponent(token)}`),
    retry: false,
  });
  const answer = useMutation({
    mutationFn: (response: InvitationResponse) =>
      api.post<StudyInvitation>(`/study-invitations/${encodeURIComponent(token)}/response`, { response }),
    onSuccess: (updated) => queryClient.setQueryData(invitationKey(token), updated),
  });

  let content: ReactNode;
  if (invitation.isPending) content = <Loading />;
  else if (invitation.isError) {
    content = isInvalidLinkError(invitation.error) ? (
      <Stack gap="sm" data-testid="invitation-invalid">
        <InvalidLink />
        <Text>{t('studyInvitation.invalidHint')}</Text>
      </Stack>
    ) : (
      <QueryError error={invitation.error} />
    );
  } else {
    const study = invitation.data;
    content = (
      <Paper withBorder p="lg" component="section" aria-labelledby="invited-study">
        <Stack gap="md">
          <Title order={2} id="invited-study">
            {study.title[locale]}
          </Title>
          <Text>{study.summary[locale]}</Text>
          <Text>{t('studyInvitation.why')}</Text>
          <Text>{t('studyInvitation.privacy')}</Text>
          {answer.isSuccess ? (
            <Answered response={answer.data.response ?? answer.variables} />
          ) : (
            <InvitationAnswer
              invitation={study}
              onAnswer={(response) => answer.mutate(response)}
              pending={answer.isPending ? answer.variables : null}
              error={answer.error}
            />
          )}
        </Stack>
      </Paper>
    );
  }
  return (
    <Page title={t('studyInvitation.title')} size="sm">
      {content}
    </Page>
  );
}

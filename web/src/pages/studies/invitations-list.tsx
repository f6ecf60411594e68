import { Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ItemCard } from '../../components/item-card.tsx';
import { QueryError } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { useDates } from '../consent/consent-queries.ts';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import {
  InvitationAnswer,
  type InvitationResponse,
  type StudyInvitation,
} from '../study-invitation/invitation-answer.tsx';

const invitationsKey = ['me', 'invitations'] as const;

/** One invitation: the study, when I was invited, and my answer. */
function InvitationCard({ invitation }: { invitation: StudyInvitation }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { date } = useDates();
  const queryClient = useQueryClient();
  const answer = useMutation({
    mutationFn: (response: InvitationResponse) =>
      api.post<StudyInvitation>(`/me/invitations/${invitation.studyId}/response`, { response }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invitationsKey }),
  });
  return (
    <ItemCard title={invitation.title[locale]} testId="my-invitation">
      <Text size="sm">{t('studies.invitations.invitedOn', { date: date(invitation.invitedAt) })}</Text>
      <Text>{invitation.summary[locale]}</Text>
      <InvitationAnswer
        invitation={invitation}
        onAnswer={(response) => answer.mutate(response)}
        pending={answer.isPending ? answer.variables : null}
        error={answer.error}
      />
      {invitation.response === 'interested' && invitation.studyStatus === 'recruiting' && (
        <Text size="sm">{t('studies.invitations.nextStep')}</Text>
      )}
    </ItemCard>
  );
}

/** "Your invitations": the studies that invited me, newest first, each with its two answers. Hidden when none. */
export function InvitationsList() {
  const { t } = useTranslation();
  const invitations = useQuery({
    queryKey: invitationsKey,
    queryFn: async () => (await api.get<{ invitations: StudyInvitation[] }>('/me/invitations')).invitations,
  });
  if (invitations.isPending) return null;
  if (invitations.isError) return <QueryError error={invitations.error} />;
  if (invitations.data.length === 0) return null;
  return (
    <Section id="my-invitations" title={t('studies.invitations.title')}>
      <Text>{t('studies.invitations.intro')}</Text>
      {invitations.data.map((invitation) => (
        <InvitationCard key={invitation.studyId} invitation={invitation} />
      ))}
    </Section>
  );
}

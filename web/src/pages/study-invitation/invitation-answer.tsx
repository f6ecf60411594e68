import { Button, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { FormAlert, InfoNotice } from '../../components/notices.tsx';
import { errorMessage } from '../../form-errors.ts';
import { useDates } from '../consent/consent-queries.ts';

export type InvitationResponse = 'interested' | 'declined';

/** An invitation to a study as GET /study-invitations/:token and GET /me/invitations give it. */
export interface StudyInvitation {
  studyId: string;
  title: { nl: string; en: string };
  summary: { nl: string; en: string };
  studyStatus: 'draft' | 'approved' | 'recruiting' | 'closed' | 'completed';
  invitedAt: string;
  response: InvitationResponse | null;
  respondedAt: string | null;
}

/**
 * The two answers to an invitation, "Yes, I am interested" and "No, thank you", with the answer given so far;
 * it can be changed while the study recruits. When it no longer does, a notice says so instead.
 */
export function InvitationAnswer({
  invitation,
  onAnswer,
  pending,
  error,
}: {
  invitation: StudyInvitation;
  onAnswer: (response: InvitationResponse) => void;
  pending: InvitationResponse | null;
  error: unknown;
}) {
  const { t } = useTranslation();
  const { date } = useDates();
  return (
    <Stack gap="sm">
      {invitation.response && invitation.respondedAt && (
        <Text fw={600} data-testid="invitation-current-answer">
          {t(`studyInvitation.answered.${invitation.response}`, { date: date(invitation.respondedAt) })}
        </Text>
      )}
      {invitation.studyStatus === 'recruiting' ? (
        <>
          {invitation.response && <Text size="sm">{t('studyInvitation.canChange')}</Text>}
          <FormAlert
            message={error ? errorMessage(error, t, { conflict: t('studyInvitation.closed') }) : null}
          />
          <Group>
            <Button
              onClick={() => onAnswer('interested')}
              loading={pending === 'interested'}
              disabled={pending !== null}
              variant={invitation.response === 'declined' ? 'default' : 'filled'}
              data-testid="invitation-interested"
            >
              {t('studyInvitation.interested')}
            </Button>
            <Button
              onClick={() => onAnswer('declined')}
              loading={pending === 'declined'}
              disabled={pending !== null}
              variant="default"
              data-testid="invitation-declined"
            >
              {t('studyInvitation.declined')}
            </Button>
          </Group>
        </>
      ) : (
        <InfoNotice>{t('studyInvitation.closed')}</InfoNotice>
      )}
    </Stack>
  );
}

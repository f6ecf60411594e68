import { Anchor, Badge, Button, Checkbox, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { ItemCard } from '../../components/item-card.tsx';
import { FormAlert, InfoNotice, Loading, QueryError } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { errorMessage } from '../../form-errors.ts';
import { useDates } from '../consent/consent-queries.ts';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import { CanITakePart } from './eligibility.tsx';
import { InvitationsList } from './invitations-list.tsx';

type SubjectStatus = 'candidate' | 'eligible' | 'enrolled' | 'completed' | 'withdrawn';

/** A study as GET /me/studies gives it. */
interface StudyForParticipant {
  id: string;
  title: { nl: string; en: string };
  summary: { nl: string; en: string };
  status: 'recruiting' | 'closed' | 'completed';
  consent: { version: number; nl: string; en: string; sha256: string };
  myStatus: SubjectStatus | null;
  signedAt: string | null;
}

const studiesKey = ['me', 'studies'] as const;

/**
 * One study: what it is about, whether I can take part, the consent to read and sign, or where I stand and how
 * to leave.
 */
function StudyCard({
  study,
  studyTitle,
}: {
  study: StudyForParticipant;
  studyTitle: (id: string) => string | undefined;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { date } = useDates();
  const queryClient = useQueryClient();
  const [agreed, setAgreed] = useState(false);
  const [agreeError, setAgreeError] = useState<string | undefined>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: studiesKey });
  const enrol = useMutation({
    mutationFn: () =>
      api.post(`/me/studies/${study.id}/enrolment`, {
        consentVersion: study.consent.version,
        consentSha256: study.consent.sha256,
      }),
    onSuccess: refresh,
  });
  const withdraw = useMutation({
    mutationFn: () => api.post(`/me/studies/${study.id}/withdrawal`, {}),
    onSuccess: refresh,
  });
  const taking = study.myStatus === 'enrolled';

  return (
    <ItemCard
      title={study.title[locale]}
      level={2}
      badge={
        study.myStatus && (
          <Badge
            color={taking ? 'teal' : 'gray'}
            variant="light"
            c="dark.7"
            tt="none"
            data-testid="study-my-status"
          >
            {t(`studies.myStatus.${study.myStatus}`)}
          </Badge>
        )
      }
      testId="study"
    >
      <Text>{study.summary[locale]}</Text>
      {taking && study.signedAt && (
        <Text size="sm">{t('studies.since', { date: date(study.signedAt) })}</Text>
      )}
      {study.status === 'recruiting' && !taking && study.myStatus !== 'completed' && (
        <CanITakePart studyId={study.id} studyTitle={studyTitle} />
      )}
      {study.status === 'recruiting' && !taking && (
        <Stack gap="sm">
          <Title order={3} size="h4">
            {t('studies.consentTitle')}
          </Title>

          <Text style={{ whiteSpace: 'pre-wrap' }} data-testid="study-consent">
            {study.consent[locale]}
          </Text>

          <Checkbox
            checked={agreed}
            onChange={(event) => {
              setAgreed(event.currentTarget.checked);
              setAgreeError(undefined);
            }}
            label={t('studies.agree')}
            error={agreeError}
            data-testid="study-agree"
          />
          <FormAlert
            message={
              enrol.isError
                ? errorMessage(enrol.error, t, {
                    consent_required: t('studies.needsResearchConsent'),
                    conflict: t('studies.textChanged'),
                  })
                : null
            }
          />
          {enrol.isError && (
            <Anchor component={Link} to="/consent">
              {t('studies.toConsent')}
            </Anchor>
          )}
          <div>
            <Button
              loading={enrol.isPending}
              onClick={() => {
                if (!agreed) {
                  setAgreeError(t('studies.agreeError'));
                  return;
                }
                enrol.mutate();
              }}
              data-testid="study-enrol"
            >
              {t('studies.enrol')}
            </Button>
          </div>
        </Stack>
      )}
      {taking && (
        <Stack gap="xs">
          <Text size="sm">{t('studies.withdrawText')}</Text>
          <FormAlert message={withdraw.isError ? errorMessage(withdraw.error, t) : null} />
          <div>
            <Button
              variant="default"
              loading={withdraw.isPending}
              onClick={() => withdraw.mutate()}
              data-testid="study-withdraw"
            >
              {t('studies.withdraw')}
            </Button>
          </div>
        </Stack>
      )}
    </ItemCard>
  );
}

/**
 * /studies — the invitations a member got (with their answers), studies a member can join (whether they can, step
 * by step; reading and signing their consent), and those they take part in.
 */
export function StudiesPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const studies = useQuery({
    queryKey: studiesKey,
    queryFn: async () => (await api.get<{ studies: StudyForParticipant[] }>('/me/studies')).studies,
  });
  let content: ReactNode;
  if (studies.isPending) content = <Loading />;
  else if (studies.isError) content = <QueryError error={studies.error} />;
  else if (studies.data.length === 0) content = <InfoNotice>{t('studies.none')}</InfoNotice>;
  else {
    const all = studies.data;
    const studyTitle = (id: string) => all.find((candidate) => candidate.id === id)?.title[locale];
    content = all.map((study) => <StudyCard key={study.id} study={study} studyTitle={studyTitle} />);
  }
  return (
    <Page title={t('studies.title')} size="md">
      <Text>{t('studies.intro')}</Text>
      <InvitationsList />
      {content}
    </Page>
  );
}

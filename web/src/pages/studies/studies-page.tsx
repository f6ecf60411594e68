import { Anchor, Badge, Button, Checkbox, Radio, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, isApiError } from '../../api.ts';
import { ItemCard } from '../../components/item-card.tsx';
import { FormAlert, InfoNotice, Loading, QueryError } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { errorMessage } from '../../form-errors.ts';
import { useDates } from '../consent/consent-queries.ts';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import { CanITakePart } from './eligibility.tsx';
import { InvitationsList } from './invitations-list.tsx';
import { TasksList } from './tasks-list.tsx';

type SubjectStatus = 'candidate' | 'eligible' | 'enrolled' | 'completed' | 'withdrawn';

/** A study as GET /me/studies gives it. */
interface StudyForParticipant {
  id: string;
  title: { nl: string; en: string };
  summary: { nl: string; en: string };
  status: 'recruiting' | 'closed' | 'completed';
  consent: { version: number; nl: string; en: string; sha256: string };
  /** Questions that check the consent was understood (without which option is right). */
  consentQuestions: { question: { nl: string; en: string }; options: { nl: string; en: string }[] }[];
  /** Whether a researcher countersigns my signature before I take part (`eligible` until then). */
  countersign: boolean;
  myStatus: SubjectStatus | null;
  signedAt: string | null;
}

const studiesKey = ['me', 'studies'] as const;

/** The questions the server found not (rightly) answered: `#/answers/1` → 1. */
const wrongAnswers = (error: unknown): number[] =>
  isApiError(error)
    ? error.errors.flatMap((fieldError) => {
        const match = /^#\/answers\/(\d+)$/.exec(fieldError.pointer);
        return match ? [Number(match[1])] : [];
      })
    : [];

/**
 * The study's questions on its consent, one group of choices each: all must be answered right before signing.
 * A question left open, or answered wrongly (as the server says), is said at that question.
 */
function ConsentQuestions({
  study,
  answers,
  unanswered,
  wrong,
  onAnswer,
}: {
  study: StudyForParticipant;
  answers: (number | null)[];
  unanswered: number[];
  wrong: number[];
  onAnswer: (index: number, answer: number) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <Stack gap="sm" data-testid="consent-questions">
      <Title order={4} size="h5">
        {t('studies.questions.title')}
      </Title>
      <Text size="sm">{t('studies.questions.intro')}</Text>
      {study.consentQuestions.map((question, index) => {
        let error: string | undefined;
        if (unanswered.includes(index)) error = t('studies.questions.unanswered');
        else if (wrong.includes(index)) error = t('studies.questions.wrong');
        const chosen = answers[index];
        return (
          <Radio.Group
            // biome-ignore lint/suspicious/noArrayIndexKey: the server names a question by its place
            key={index}
            label={question.question[locale]}
            value={chosen === null || chosen === undefined ? null : String(chosen)}
            onChange={(value) => onAnswer(index, Number(value))}
            error={error}
            data-testid="consent-question"
          >
            <Stack gap="xs" mt="xs">
              {question.options.map((option, optionIndex) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the answer is the option's place
                <Radio key={optionIndex} value={String(optionIndex)} label={option[locale]} />
              ))}
            </Stack>
          </Radio.Group>
        );
      })}
    </Stack>
  );
}

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
  const [answers, setAnswers] = useState<(number | null)[]>(() => study.consentQuestions.map(() => null));
  const [unanswered, setUnanswered] = useState<number[]>([]);
  const refresh = () => queryClient.invalidateQueries({ queryKey: studiesKey });
  const enrol = useMutation({
    mutationFn: () =>
      api.post(`/me/studies/${study.id}/enrolment`, {
        consentVersion: study.consent.version,
        consentSha256: study.consent.sha256,
        ...(study.consentQuestions.length > 0 ? { answers } : {}),
      }),
    onSuccess: refresh,
  });
  // Changing an answer clears the server's verdict on it, so only what is still wrong stays marked.
  const [rechosen, setRechosen] = useState<number[]>([]);
  const wrong = wrongAnswers(enrol.error).filter((index) => !rechosen.includes(index));
  const withdraw = useMutation({
    mutationFn: () => api.post(`/me/studies/${study.id}/withdrawal`, {}),
    onSuccess: refresh,
  });
  const taking = study.myStatus === 'enrolled';
  // Signed, and waiting for a researcher's countersignature: they may stop, but not sign again.
  const waiting = study.myStatus === 'eligible';

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
      {waiting && study.signedAt && (
        <Text size="sm" data-testid="study-waiting">
          {t('studies.questions.waiting', { date: date(study.signedAt) })}
        </Text>
      )}
      {study.status === 'recruiting' && !taking && !waiting && study.myStatus !== 'completed' && (
        <CanITakePart studyId={study.id} studyTitle={studyTitle} />
      )}
      {study.status === 'recruiting' && !taking && !waiting && (
        <Stack gap="sm">
          <Title order={3} size="h4">
            {t('studies.consentTitle')}
          </Title>

          <Text style={{ whiteSpace: 'pre-wrap' }} data-testid="study-consent">
            {study.consent[locale]}
          </Text>

          {study.consentQuestions.length > 0 && (
            <ConsentQuestions
              study={study}
              answers={answers}
              unanswered={unanswered}
              wrong={wrong}
              onAnswer={(index, answer) => {
                setAnswers((current) => current.map((value, i) => (i === index ? answer : value)));
                setUnanswered((current) => current.filter((i) => i !== index));
                setRechosen((current) => [...current, index]);
              }}
            />
          )}

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
              unanswered.length > 0 || wrong.length > 0
                ? t('studies.questions.check')
                : enrol.isError && wrongAnswers(enrol.error).length === 0
                  ? errorMessage(enrol.error, t, {
                      consent_required: t('studies.needsResearchConsent'),
                      conflict: t('studies.textChanged'),
                    })
                  : null
            }
          />
          {/* Only a missing consent is mended there: a full study or a changed text is not. */}
          {isApiError(enrol.error) && enrol.error.code === 'consent_required' && (
            <Anchor component={Link} to="/consent">
              {t('studies.toConsent')}
            </Anchor>
          )}
          <div>
            <Button
              loading={enrol.isPending}
              onClick={() => {
                const open = answers.flatMap((answer, index) => (answer === null ? [index] : []));
                setUnanswered(open);
                if (!agreed) setAgreeError(t('studies.agreeError'));
                if (!agreed || open.length > 0) return;
                setRechosen([]);
                enrol.mutate();
              }}
              data-testid="study-enrol"
            >
              {t('studies.enrol')}
            </Button>
          </div>
        </Stack>
      )}
      {(taking || waiting) && (
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
 * /studies — my tasks in the studies I take part in, the invitations a member got (with their answers), studies a member can join (whether they can, step
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
      <TasksList />
      <InvitationsList />
      {content}
    </Page>
  );
}

import {
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { api } from '../../api.ts';
import type { Score } from '../../api-types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { FormAlert, InfoNotice, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { Section } from '../../components/section.tsx';
import { errorMessage } from '../../form-errors.ts';
import { useDates } from '../consent/consent-queries.ts';
import { useMyProfile } from '../profile/profile-queries.ts';
import { formatsFor } from '../questionnaires/questionnaire-model.ts';
import {
  isConsentRequired,
  questionnairesKey,
  scoreFhirUrl,
  scoresKey,
  useLocale,
  useMyResponses,
  useMyScores,
  useMyTasks,
} from '../questionnaires/questionnaire-queries.ts';
import { NotJoined } from '../questionnaires/questionnaires-page.tsx';
import { IconArray } from './icon-array.tsx';
import { OtherResult } from './other-results.tsx';
import { type FindriscScore, findriscContributions, readFindrisc } from './risk-model.ts';
import { WhatIfPanel } from './what-if-panel.tsx';

/** The Dutch self-test advises people of Turkish or Moroccan origin to see their GP from this score. */
const ORIGIN_ADVICE_FROM = 6;
const FINDRISC_MAX = 26;

/** Always on top, also on paper: this is a risk estimate, not a diagnosis. */
function Disclaimer() {
  const { t } = useTranslation();
  return (
    <div data-testid="risk-disclaimer">
      <InfoNotice title={t('risk.disclaimer.title')}>{t('risk.disclaimer.text')}</InfoNotice>
    </div>
  );
}

function FhirLink({ score, children }: { score: Score; children: ReactNode }) {
  return (
    <Anchor
      href={scoreFhirUrl(score.id)}
      download={`topfit-risk-assessment-${score.computedAt.slice(0, 10)}.json`}
      pos="relative"
    >
      {children}
    </Anchor>
  );
}

/** The score, the category in plain words and the 10-year risk as words and as 100 people. */
function Result({ findrisc }: { findrisc: FindriscScore }) {
  const { t } = useTranslation();
  const dates = useDates();
  const { result, score } = findrisc;
  const riskSentence = t('risk.result.tenYear', { count: result.tenYearRiskPercent });
  return (
    <Section id="result" title={t('risk.result.title')}>
      <Text size="sm" c="dimmed">
        {t('risk.result.date', { date: dates.dateTime(score.computedAt) })}
      </Text>
      <Group gap="xs" align="baseline">
        <Text fz={48} fw={800} lh={1} data-testid="risk-score">
          {result.score}
        </Text>
        <Text size="lg">{t('risk.result.outOf', { max: FINDRISC_MAX })}</Text>
      </Group>
      <Text size="xl" fw={700} data-testid="risk-category">
        {t('risk.result.category', { category: t(`risk.categoryWord.${result.category}`) })}
      </Text>
      <Text size="lg" data-testid="risk-ten-year">
        {riskSentence}
      </Text>
      <IconArray
        affected={result.tenYearRiskPercent}
        label={riskSentence}
        affectedLabel={t('risk.result.affected')}
        unaffectedLabel={t('risk.result.unaffected')}
      />
      <Text data-testid="risk-dutch-category">
        {t('risk.result.dutch', { category: t(`risk.dutchCategory.${result.dutchCategory}`) })}
      </Text>
      <Text size="sm">
        <FhirLink score={score}>{t('risk.result.fhir')}</FhirLink>
      </Text>
    </Section>
  );
}

/** What to do now, as Dutch practice advises after the self-test. */
function Advice({ findrisc }: { findrisc: FindriscScore }) {
  const { t } = useTranslation();
  const { result } = findrisc;
  return (
    <Section id="advice" title={t('risk.advice.title')}>
      {result.seeGp ? (
        <Paper withBorder p="md" bg="orange.0" data-testid="risk-advice-gp">
          <Text fw={700}>{t('risk.advice.seeGpTitle')}</Text>
          <Text>{t('risk.advice.seeGp')}</Text>
        </Paper>
      ) : (
        <Text data-testid="risk-advice-healthy">{t('risk.advice.healthy')}</Text>
      )}
      {!result.seeGp && result.score >= ORIGIN_ADVICE_FROM && <Text fw={600}>{t('risk.advice.origin')}</Text>}
      <Text>{t('risk.advice.habits')}</Text>
      <Text>{t('risk.advice.symptoms')}</Text>
    </Section>
  );
}

/** Which answers add most to the score; the ones a person can change are marked. */
function Contributions({ findrisc }: { findrisc: FindriscScore }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const formats = formatsFor(locale);
  const details: Partial<Record<string, string>> = {
    bmi: t('risk.factors.bmiValue', { bmi: formats.number(Math.round(findrisc.input.bmi * 10) / 10) }),
    waist: t('risk.factors.waistValue', { waist: formats.number(findrisc.input.waistCm) }),
  };
  return (
    <Section id="factors" title={t('risk.factors.title')}>
      <Text>{t('risk.factors.intro')}</Text>
      <Stack component="ul" gap="md" className="plain-list" data-testid="risk-factors">
        {findriscContributions(findrisc.result).map((contribution) => (
          <li key={contribution.factor} data-testid={`risk-factor-${contribution.factor}`}>
            <Stack gap={4}>
              <Group justify="space-between" gap="xs" wrap="wrap">
                <Text fw={600}>
                  {t(`risk.factor.${contribution.factor}`)}
                  {details[contribution.factor] && (
                    <Text span fw={400}>
                      {' '}
                      ({details[contribution.factor]})
                    </Text>
                  )}
                </Text>
                <Text>
                  {t('risk.factors.points', { points: contribution.points, count: contribution.maxPoints })}
                </Text>
              </Group>
              <div aria-hidden="true">
                <Progress
                  value={(contribution.points / contribution.maxPoints) * 100}
                  color={contribution.points > 0 ? 'blue.8' : 'gray.5'}
                  size="lg"
                />
              </div>
              {contribution.modifiable && (
                <div>
                  <Badge color="teal" variant="light" c="dark.8" tt="none">
                    {t('risk.factors.canChange')}
                  </Badge>
                </div>
              )}
            </Stack>
          </li>
        ))}
      </Stack>
    </Section>
  );
}

/** Earlier FINDRISC results, newest first. */
function History({ results }: { results: FindriscScore[] }) {
  const { t } = useTranslation();
  const dates = useDates();
  return (
    <Section id="risk-history" title={t('risk.history.title')}>
      {results.length < 2 && <Text>{t('risk.history.onlyOne')}</Text>}
      <div data-testid="risk-history">
        <DataTable
          caption={t('risk.history.caption')}
          head={[
            t('risk.history.date'),
            t('risk.history.score'),
            t('risk.history.category'),
            t('risk.history.file'),
          ]}
          minWidth={560}
        >
          {results.map(({ score, result }) => {
            const when = dates.dateTime(score.computedAt);
            return (
              <Table.Tr key={score.id} data-testid="risk-history-row">
                <Table.Td>{when}</Table.Td>
                <Table.Td>{t('risk.history.points', { score: result.score, max: FINDRISC_MAX })}</Table.Td>
                <Table.Td>{t(`risk.categoryWord.${result.category}`)}</Table.Td>
                <Table.Td>
                  <FhirLink score={score}>
                    {t('risk.history.download')}
                    <VisuallyHidden>{t('risk.history.downloadContext', { when })}</VisuallyHidden>
                  </FhirLink>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </DataTable>
      </div>
    </Section>
  );
}

/** The latest ADA risk test and WHO-5, when there are any. */
function OtherResults({ scores }: { scores: Score[] }) {
  const { t } = useTranslation();
  const dates = useDates();
  const latest = (['ada', 'who5'] as const).flatMap(
    (model) => scores.find((score) => score.model === model) ?? [],
  );
  if (latest.length === 0) return null;
  return (
    <Section id="other-results" title={t('risk.other.title')}>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {latest.map((score) => (
          <Paper key={score.id} withBorder p="md">
            <Stack gap="xs">
              <Text size="sm" c="dimmed">
                {t(`risk.other.name.${score.model}`)} · {dates.date(score.computedAt)}
              </Text>
              <OtherResult score={score} />
            </Stack>
          </Paper>
        ))}
      </SimpleGrid>
    </Section>
  );
}

/** The way to the FINDRISC questionnaire, wherever the participant stands in it. */
function useFindriscLink(): string {
  const tasks = useMyTasks();
  const task = tasks.data?.find((entry) => entry.questionnaire.scoring === 'findrisc');
  return task ? `/questionnaires/${task.questionnaire.id}` : '/questionnaires';
}

const isSubmittedState = (state: unknown): boolean =>
  typeof state === 'object' && state !== null && 'submitted' in state && state.submitted === true;

/**
 * The latest diabetes test, when it was sent while personal insights were off and so has no result yet: now
 * that they are on, the participant can have it worked out (POST /me/responses/{id}/score).
 */
function UnscoredTest({ scores }: { scores: Score[] }) {
  const { t } = useTranslation();
  const dates = useDates();
  const queryClient = useQueryClient();
  const responses = useMyResponses();
  const latest = responses.data?.find(
    (entry) => entry.questionnaire.scoring === 'findrisc' && entry.response.status === 'completed',
  )?.response;
  const score = useMutation({
    mutationFn: (responseId: string) =>
      api.post<Score>(`/me/responses/${encodeURIComponent(responseId)}/score`, {}),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: scoresKey });
      void queryClient.invalidateQueries({ queryKey: questionnairesKey });
    },
  });
  if (!latest || scores.some((entry) => entry.model === 'findrisc' && entry.responseId === latest.id)) {
    return null;
  }
  return (
    <div data-testid="risk-unscored">
      <InfoNotice title={t('risk.unscored.title')}>
        <Stack gap="sm" align="flex-start">
          <Text>
            {t('risk.unscored.text', { date: dates.dateTime(latest.authoredAt ?? latest.updatedAt) })}
          </Text>
          <Button
            onClick={() => score.mutate(latest.id)}
            loading={score.isPending}
            data-testid="risk-unscored-show"
          >
            {t('risk.unscored.action')}
          </Button>
          <FormAlert message={score.isError ? errorMessage(score.error, t) : null} />
        </Stack>
      </InfoNotice>
    </div>
  );
}

function Report({ scores }: { scores: Score[] }) {
  const { t } = useTranslation();
  const location = useLocation();
  const testLink = useFindriscLink();
  const results = scores.flatMap((score) => readFindrisc(score) ?? []);
  const latest = results[0];
  if (!latest) {
    return (
      <>
        <UnscoredTest scores={scores} />
        <InfoNotice title={t('risk.none.title')}>{t('risk.none.text')}</InfoNotice>
        <div>
          <Button component={Link} to={testLink} size="md" data-testid="risk-start">
            {t('risk.none.action')}
          </Button>
        </div>
        <OtherResults scores={scores} />
      </>
    );
  }
  return (
    <>
      {isSubmittedState(location.state) && <SuccessNotice>{t('risk.submitted')}</SuccessNotice>}
      <UnscoredTest scores={scores} />
      <Group className="no-print" gap="sm">
        <Button onClick={() => window.print()} variant="default" data-testid="risk-print">
          {t('risk.print')}
        </Button>
        <Button component={Link} to={testLink} variant="default">
          {t('risk.again')}
        </Button>
      </Group>
      <Result findrisc={latest} />
      <Advice findrisc={latest} />
      <Contributions findrisc={latest} />
      <Section id="what-if-section" title={t('risk.whatIf.title')}>
        {/* Keyed by the result: a new result starts the what-if from its own answers. */}
        <WhatIfPanel key={latest.score.id} findrisc={latest} />
      </Section>
      <History results={results} />
      <OtherResults scores={scores} />
      <Text size="sm" c="dimmed">
        {t('risk.source')}
      </Text>
    </>
  );
}

/** /risk — my risk of type 2 diabetes: the latest FINDRISC result explained, what-if, advice and history. */
export function RiskPage() {
  const { t } = useTranslation();
  const profile = useMyProfile();
  const scores = useMyScores();

  let content: ReactNode;
  if (profile.isPending || scores.isPending) content = <Loading />;
  else if (profile.isError) content = <QueryError error={profile.error} />;
  else if (!profile.data) content = <NotJoined />;
  else if (scores.isError) {
    content = isConsentRequired(scores.error) ? (
      <InfoNotice title={t('risk.consent.title')}>
        <Text>
          {t('risk.consent.text')}{' '}
          <Anchor component={Link} to="/consent" data-testid="risk-consent-link">
            {t('risk.consent.link')}
          </Anchor>
        </Text>
      </InfoNotice>
    ) : (
      <QueryError error={scores.error} />
    );
  } else {
    content = <Report scores={scores.data} />;
  }

  return (
    <Page title={t('risk.title')} size="md">
      <Disclaimer />
      {content}
    </Page>
  );
}

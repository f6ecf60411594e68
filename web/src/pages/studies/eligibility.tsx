import { Anchor, Button, Group, List, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type ReactNode, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import type { EducationLevel, Municipality, SexAtBirth } from '../../api-types.ts';
import { Loading, QueryError } from '../../components/notices.tsx';
import { errorMessage } from '../../form-errors.ts';

/** A criterion of a study as the API gives it (src/modules/research/criteria.ts). */
type Criterion =
  | { field: 'age'; min?: number; max?: number }
  | { field: 'sex'; in: SexAtBirth[] }
  | { field: 'municipality'; in: string[] }
  | { field: 'education'; in: EducationLevel[] }
  | { field: 'findrisc'; min: number; withinMonths: number }
  | { field: 'steps'; minPerDay: number; withinDays: number }
  | { field: 'other_studies'; exclude: 'any' | string[] }
  | { field: 'cgm'; minDays: number; meanMmolMin?: number; meanMmolMax?: number };

type StepKey = 'members' | 'research_consent' | 'contact_consent' | Criterion['field'];

/** GET /me/studies/:id/eligibility: each step, in order, and whether I pass it on my own facts now. */
interface Eligibility {
  eligible: boolean;
  steps: { step: StepKey; criterion?: Criterion; passed: boolean }[];
}

/** The municipalities where the Citizen Lab runs, for their names; they change only with a release. */
function useMunicipalities() {
  return useQuery({
    queryKey: ['regions', 'municipalities'],
    queryFn: async () =>
      (await api.get<{ municipalities: Municipality[] }>('/regions/municipalities')).municipalities,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** What a sentence needs besides the criterion: names of municipalities and of the member's studies. */
interface Names {
  municipality: (code: string) => string;
  study: (id: string) => string | undefined;
}

/** "Enschede or Arnhem", "vrouw of man": words joined as the language does it. */
function useOrList() {
  const { i18n } = useTranslation();
  const format = new Intl.ListFormat(i18n.language === 'en' ? 'en-GB' : 'nl-NL', { type: 'disjunction' });
  return (words: string[]) => format.format(words);
}

/** The sentence of a step, in plain language, made from its criterion's parameters. */
function stepSentence(
  step: Eligibility['steps'][number],
  t: TFunction,
  names: Names,
  orList: (words: string[]) => string,
  number: (value: number) => string,
): ReactNode {
  const criterion = step.criterion;
  if (!criterion) {
    const key = step.step;
    // The steps without a criterion: every study asks them first.
    return key === 'members' || key === 'research_consent' || key === 'contact_consent'
      ? t(`studies.eligibility.steps.${key}`)
      : key;
  }
  switch (criterion.field) {
    case 'age': {
      const { min, max } = criterion;
      if (min !== undefined && max !== undefined) return t('studies.eligibility.age.between', { min, max });
      if (min !== undefined) return t('studies.eligibility.age.min', { min });
      if (max !== undefined) return t('studies.eligibility.age.max', { max });
      return t('studies.eligibility.age.any');
    }
    case 'sex':
      return t('studies.eligibility.sex', {
        sexes: orList(criterion.in.map((sex) => t(`participant.sexes.${sex}`).toLocaleLowerCase())),
      });
    case 'municipality':
      return t('studies.eligibility.municipality', { names: orList(criterion.in.map(names.municipality)) });
    case 'education':
      return (
        <>
          {t('studies.eligibility.education')}
          <List size="sm" mt={4} withPadding>
            {criterion.in.map((level) => (
              <List.Item key={level}>{t(`participant.education.${level}`)}</List.Item>
            ))}
          </List>
        </>
      );
    case 'findrisc':
      return t('studies.eligibility.findrisc', { min: criterion.min, count: criterion.withinMonths });
    case 'steps':
      return t('studies.eligibility.stepsPerDay', {
        steps: number(criterion.minPerDay),
        count: criterion.withinDays,
      });
    case 'other_studies': {
      if (criterion.exclude === 'any') return t('studies.eligibility.otherStudies.any');
      const titles = criterion.exclude.flatMap((id) => names.study(id) ?? []);
      return titles.length === criterion.exclude.length
        ? t('studies.eligibility.otherStudies.named', {
            studies: orList(titles.map((title) => `“${title}”`)),
          })
        : t('studies.eligibility.otherStudies.some');
    }
    case 'cgm': {
      const days = t('studies.eligibility.cgm.days', {
        days: number(criterion.minDays),
        count: criterion.minDays,
      });
      const { meanMmolMin: min, meanMmolMax: max } = criterion;
      if (min !== undefined && max !== undefined) {
        return t('studies.eligibility.cgm.between', { days, min: number(min), max: number(max) });
      }
      if (min !== undefined) return t('studies.eligibility.cgm.min', { days, min: number(min) });
      if (max !== undefined) return t('studies.eligibility.cgm.max', { days, max: number(max) });
      return days;
    }
  }
}

/** A tick or a cross in a circle; the words "yes" or "no" always come with it. */
function PassedIcon({ passed }: { passed: boolean }) {
  return (
    <svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true" style={{ flexShrink: 0 }}>
      <circle
        cx="10"
        cy="10"
        r="9"
        fill={passed ? 'var(--mantine-color-teal-8)' : 'var(--mantine-color-red-8)'}
      />
      {passed ? (
        <path d="M5.5 10.5l3 3 6-6.5" stroke="white" strokeWidth="2.2" fill="none" strokeLinecap="round" />
      ) : (
        <path d="M6.5 6.5l7 7M13.5 6.5l-7 7" stroke="white" strokeWidth="2.2" strokeLinecap="round" />
      )}
    </svg>
  );
}

/** What a member could do when a step fails that is in their own hands: give consent, bring in data. */
function Tips({ failed }: { failed: Set<StepKey> }) {
  const { t } = useTranslation();
  const tips: ReactNode[] = [];
  if (failed.has('research_consent') || failed.has('contact_consent')) {
    tips.push(
      <Text key="consent">
        {t('studies.eligibility.tips.consent')}{' '}
        <Anchor component={Link} to="/consent" data-testid="eligibility-to-consent">
          {t('studies.toConsent')}
        </Anchor>
      </Text>,
    );
  }
  if (failed.has('cgm') || failed.has('steps')) {
    tips.push(
      <Text key="data">
        {t('studies.eligibility.tips.data')}{' '}
        <Anchor component={Link} to="/measurements/import">
          {t('studies.eligibility.tips.dataLink')}
        </Anchor>
      </Text>,
    );
  }
  if (failed.has('findrisc')) {
    tips.push(
      <Text key="findrisc">
        {t('studies.eligibility.tips.findrisc')}{' '}
        <Anchor component={Link} to="/questionnaires">
          {t('studies.eligibility.tips.findriscLink')}
        </Anchor>
      </Text>,
    );
  }
  tips.push(<Text key="later">{t('studies.eligibility.tips.later')}</Text>);
  return <>{tips}</>;
}

/** The answer: can I take part, each step with yes or no, and what I could do about a "no". */
function EligibilityAnswer({
  studyId,
  studyTitle,
}: {
  studyId: string;
  studyTitle: (id: string) => string | undefined;
}) {
  const { t, i18n } = useTranslation();
  const orList = useOrList();
  const municipalities = useMunicipalities();
  const eligibility = useQuery({
    queryKey: ['me', 'studies', studyId, 'eligibility'],
    queryFn: () => api.get<Eligibility>(`/me/studies/${studyId}/eligibility`),
  });
  const numberFormat = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'nl-NL');
  if (eligibility.isPending) return <Loading />;
  if (eligibility.isError) {
    return (
      <Text c="red.8" role="alert">
        {errorMessage(eligibility.error, t, { forbidden: t('studies.eligibility.notMember') })}
      </Text>
    );
  }
  const names: Names = {
    municipality: (code) => municipalities.data?.find((m) => m.cbsCode === code)?.name ?? code,
    study: studyTitle,
  };
  const { eligible, steps } = eligibility.data;
  const failed = new Set(steps.filter((step) => !step.passed).map((step) => step.step));
  return (
    <Stack gap="sm" data-testid="eligibility">
      <Text fw={600} data-testid="eligibility-verdict">
        {eligible ? t('studies.eligibility.yes') : t('studies.eligibility.no')}
      </Text>
      {municipalities.isError && <QueryError error={municipalities.error} />}
      <List
        listStyleType="none"
        spacing="xs"
        aria-label={t('studies.eligibility.stepsLabel')}
        styles={{ itemWrapper: { width: '100%' }, itemLabel: { width: '100%' } }}
      >
        {steps.map((step, index) => (
          <List.Item
            // Steps of one kind may repeat (two age criteria); their order is the study's.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            key={`${step.step}-${index}`}
            data-testid="eligibility-step"
            data-passed={step.passed}
          >
            <Group gap="sm" wrap="nowrap" align="flex-start">
              <PassedIcon passed={step.passed} />
              <div style={{ flex: 1 }}>{stepSentence(step, t, names, orList, numberFormat.format)}</div>
              <Text fw={700} c={step.passed ? 'teal.9' : 'red.9'} style={{ whiteSpace: 'nowrap' }}>
                {step.passed ? t('studies.eligibility.passed') : t('studies.eligibility.failed')}
              </Text>
            </Group>
          </List.Item>
        ))}
      </List>
      {!eligible && <Tips failed={failed} />}
    </Stack>
  );
}

/**
 * "Can I take part?": a disclosure that, once opened, asks the platform step by step whether the member fits the
 * study on their own facts now, and says each step in plain language with yes or no.
 */
export function CanITakePart({
  studyId,
  studyTitle,
}: {
  studyId: string;
  studyTitle: (id: string) => string | undefined;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        <Button
          variant="default"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen((current) => !current)}
          rightSection={<span aria-hidden="true">{open ? '▲' : '▼'}</span>}
          data-testid="eligibility-toggle"
        >
          {t('studies.eligibility.title')}
        </Button>
      </Title>
      <div id={panelId} hidden={!open}>
        {open && <EligibilityAnswer studyId={studyId} studyTitle={studyTitle} />}
      </div>
    </Stack>
  );
}

import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import { type Criterion, type FunnelStep, useMunicipalities, useResearchStudies } from './research-api.ts';

/** Names the sentences need: of municipalities (by CBS code) and of the researcher's studies (by id). */
interface Names {
  municipality: (code: string) => string;
  study: (id: string) => string | undefined;
}

/** A criterion in one plain sentence for the study team: "Age 40 to 70", "Lives in Enschede or Hengelo". */
export function criterionSentence(
  criterion: Criterion,
  t: TFunction,
  names: Names,
  orList: (words: string[]) => string,
  number: (value: number) => string,
): string {
  switch (criterion.field) {
    case 'age': {
      const { min, max } = criterion;
      if (min !== undefined && max !== undefined)
        return t('research.criteria.sentence.ageBetween', { min, max });
      if (min !== undefined) return t('research.criteria.sentence.ageMin', { min });
      if (max !== undefined) return t('research.criteria.sentence.ageMax', { max });
      return t('research.criteria.sentence.ageAny');
    }
    case 'sex':
      return t('research.criteria.sentence.sex', {
        sexes: orList(criterion.in.map((sex) => t(`participant.sexes.${sex}`).toLocaleLowerCase())),
      });
    case 'municipality':
      return t('research.criteria.sentence.municipality', {
        names: orList(criterion.in.map(names.municipality)),
      });
    case 'education':
      return t('research.criteria.sentence.education', {
        levels: orList(criterion.in.map((level) => t(`research.criteria.educationShort.${level}`))),
      });
    case 'findrisc':
      return t('research.criteria.sentence.findrisc', { min: criterion.min, count: criterion.withinMonths });
    case 'steps':
      return t('research.criteria.sentence.steps', {
        steps: number(criterion.minPerDay),
        count: criterion.withinDays,
      });
    case 'cgm': {
      const days = t('research.criteria.sentence.cgmDays', {
        days: number(criterion.minDays),
        count: criterion.minDays,
      });
      const { meanMmolMin: min, meanMmolMax: max } = criterion;
      if (min !== undefined && max !== undefined) {
        return t('research.criteria.sentence.cgmBetween', { days, min: number(min), max: number(max) });
      }
      if (min !== undefined) return t('research.criteria.sentence.cgmMin', { days, min: number(min) });
      if (max !== undefined) return t('research.criteria.sentence.cgmMax', { days, max: number(max) });
      return days;
    }
    case 'other_studies': {
      if (criterion.exclude === 'any') return t('research.criteria.sentence.otherStudiesAny');
      const titles = criterion.exclude.map((id) => names.study(id) ?? t('research.criteria.anotherStudy'));
      return t('research.criteria.sentence.otherStudies', {
        studies: orList(titles.map((title) => `“${title}”`)),
      });
    }
  }
}

/**
 * What the sentences need, bound to the language shown: `sentence(criterion)` and `stepLabel(step)` for a step
 * of the funnel (the first three are the same for every study).
 */
export function useCriterionWords() {
  const { t, i18n } = useTranslation();
  const locale = useLocale();
  const municipalities = useMunicipalities();
  const studies = useResearchStudies();
  const tag = i18n.language === 'en' ? 'en-GB' : 'nl-NL';
  const list = new Intl.ListFormat(tag, { type: 'disjunction' });
  const numbers = new Intl.NumberFormat(tag, { maximumFractionDigits: 1 });
  const names: Names = {
    municipality: (code) => municipalities.data?.find((m) => m.cbsCode === code)?.name ?? code,
    study: (id) => studies.data?.find((study) => study.id === id)?.title[locale],
  };
  const sentence = (criterion: Criterion) =>
    criterionSentence(criterion, t, names, (words) => list.format(words), numbers.format);
  const stepLabel = (step: FunnelStep, criterion?: Criterion) =>
    criterion ? sentence(criterion) : t(`research.criteria.steps.${step}`);
  return { sentence, stepLabel, municipalityName: names.municipality };
}

import {
  Anchor,
  Button,
  Checkbox,
  Fieldset,
  Group,
  List,
  MultiSelect,
  NativeSelect,
  Radio,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type FormEvent, type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { EDUCATION_LEVELS, SEXES_AT_BIRTH } from '../../api-types.ts';
import { FormAlert, InfoNotice, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { Section } from '../../components/section.tsx';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import {
  CRITERION_FIELDS,
  type DraftCriterion,
  type DraftProblem,
  draftOf,
  isIncomplete,
  MAX_CRITERIA,
  NUMBER_PARAMS,
  newDraft,
  readDraft,
  readyCriteria,
  sameCriteria,
} from './criteria-model.ts';
import { useCriterionWords } from './criteria-text.ts';
import { FeasibilityView } from './feasibility-view.tsx';
import { placeProblem, problemPaths } from './problem-fields.ts';
import {
  type Criteria,
  type CriterionField,
  type ResearchStudy,
  researchKeys,
  useFeasibility,
  useMunicipalities,
  useResearchStudies,
  useStudy,
} from './research-api.ts';
import { StudyNav } from './research-parts.tsx';

/** How long the builder waits after the last edit before it asks for new counts. */
const DEBOUNCE_MS = 400;

/** A problem of a draft in words. */
function problemText(problem: DraftProblem, t: TFunction): string {
  switch (problem.kind) {
    case 'number':
      return problem.decimal
        ? t('research.criteria.errors.decimal', { min: problem.min, max: problem.max })
        : t('research.criteria.errors.whole', { min: problem.min, max: problem.max });
    case 'required':
      return t('research.criteria.errors.required');
    case 'chooseOne':
      return t('research.criteria.errors.chooseOne');
    case 'tooMany':
      return t('research.criteria.errors.tooMany', { max: problem.max });
    case 'order':
      return t('research.criteria.errors.order');
  }
}

/** The choices of a criterion kind that is a list: sexes, education levels. */
function ListChoice({
  draft,
  error,
  hint,
  onChange,
}: {
  draft: DraftCriterion;
  error: string | undefined;
  hint: string | undefined;
  onChange: (draft: DraftCriterion) => void;
}) {
  const { t } = useTranslation();
  const options =
    draft.field === 'sex'
      ? SEXES_AT_BIRTH.map((sex) => ({ value: sex, label: t(`participant.sexes.${sex}`) }))
      : EDUCATION_LEVELS.map((level) => ({ value: level, label: t(`participant.education.${level}`) }));
  return (
    <Checkbox.Group
      label={
        draft.field === 'sex' ? t('research.criteria.labels.sex') : t('research.criteria.labels.education')
      }
      description={hint}
      value={draft.chosen}
      onChange={(chosen) => onChange({ ...draft, chosen })}
      error={error}
    >
      <Stack gap="xs" mt="xs">
        {options.map((option) => (
          <Checkbox key={option.value} value={option.value} label={option.label} />
        ))}
      </Stack>
    </Checkbox.Group>
  );
}

/** Municipalities of the region, searchable by name, grouped by province. */
function MunicipalityChoice({
  draft,
  error,
  hint,
  onChange,
}: {
  draft: DraftCriterion;
  error: string | undefined;
  hint: string | undefined;
  onChange: (draft: DraftCriterion) => void;
}) {
  const { t, i18n } = useTranslation();
  const municipalities = useMunicipalities();
  if (municipalities.isPending) return <Loading />;
  if (municipalities.isError) return <QueryError error={municipalities.error} />;
  const provinces = [...new Set(municipalities.data.map((m) => m.province))].sort();
  const data = provinces.map((province) => ({
    group: province,
    items: municipalities.data
      .filter((m) => m.province === province)
      .sort((a, b) => a.name.localeCompare(b.name, i18n.language))
      .map((m) => ({ value: m.cbsCode, label: m.name })),
  }));
  return (
    <MultiSelect
      label={t('research.criteria.labels.municipality')}
      description={hint ?? t('research.criteria.labels.municipalityHint')}
      placeholder={
        draft.chosen.length === 0 ? t('research.criteria.labels.municipalityPlaceholder') : undefined
      }
      data={data}
      value={draft.chosen}
      onChange={(chosen) => onChange({ ...draft, chosen })}
      searchable
      clearable
      nothingFoundMessage={t('research.criteria.labels.municipalityNothing')}
      error={error}
      maxDropdownHeight={280}
      comboboxProps={{ withinPortal: true }}
      data-testid="municipality-select"
    />
  );
}

/** Those taking part in any other study, or in some of the researcher's own studies, are left out. */
function OtherStudiesChoice({
  draft,
  studyId,
  error,
  hint,
  onChange,
}: {
  draft: DraftCriterion;
  studyId: string;
  error: string | undefined;
  hint: string | undefined;
  onChange: (draft: DraftCriterion) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const studies = useResearchStudies();
  const others = (studies.data ?? [])
    .filter((study) => study.id !== studyId)
    .map((study) => ({ value: study.id, label: study.title[locale] }));
  return (
    <Stack gap="sm">
      <Radio.Group
        label={t('research.criteria.labels.otherStudiesExclude')}
        value={draft.exclude}
        onChange={(value) => onChange({ ...draft, exclude: value === 'these' ? 'these' : 'any' })}
      >
        <Stack gap="xs" mt="xs">
          <Radio value="any" label={t('research.criteria.labels.otherStudiesAny')} />
          <Radio
            value="these"
            label={t('research.criteria.labels.otherStudiesThese')}
            disabled={others.length === 0}
          />
        </Stack>
      </Radio.Group>
      {draft.exclude === 'these' && (
        <MultiSelect
          label={t('research.criteria.labels.otherStudies')}
          description={hint}
          data={others}
          value={draft.chosen}
          onChange={(chosen) => onChange({ ...draft, chosen })}
          searchable
          error={error}
          comboboxProps={{ withinPortal: true }}
        />
      )}
    </Stack>
  );
}

/**
 * One criterion being edited: its inputs, with a mistake said at its field at once, and a part still to fill in
 * said as a hint (an error once saving was tried). Until it is complete the live counts leave it out.
 */
function CriterionEditor({
  draft,
  number,
  studyId,
  showIncomplete,
  serverErrors,
  onChange,
  onRemove,
  focusOnMount,
}: {
  draft: DraftCriterion;
  number: number;
  studyId: string;
  showIncomplete: boolean;
  serverErrors: Record<string, string> | undefined;
  onChange: (draft: DraftCriterion) => void;
  onRemove: () => void;
  focusOnMount: boolean;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLFieldSetElement>(null);
  // A criterion just added takes the focus, so keyboard and screen reader users land in it.
  useEffect(() => {
    if (focusOnMount) ref.current?.focus();
  }, [focusOnMount]);
  const { problems } = readDraft(draft);
  const said = (name: string): { error?: string; hint?: string } => {
    const server = serverErrors?.[name];
    if (server) return { error: server };
    const problem = problems[name];
    if (!problem) return {};
    if (isIncomplete(problem) && !showIncomplete) return { hint: t('research.criteria.notCounted') };
    return { error: problemText(problem, t) };
  };
  const kind = t(`research.criteria.kinds.${draft.field}`);
  const list = said('in');
  let inputs: ReactNode;
  if (draft.field === 'sex' || draft.field === 'education') {
    inputs = <ListChoice draft={draft} error={list.error} hint={list.hint} onChange={onChange} />;
  } else if (draft.field === 'municipality') {
    inputs = <MunicipalityChoice draft={draft} error={list.error} hint={list.hint} onChange={onChange} />;
  } else if (draft.field === 'other_studies') {
    inputs = (
      <OtherStudiesChoice
        draft={draft}
        studyId={studyId}
        error={list.error}
        hint={list.hint}
        onChange={onChange}
      />
    );
  } else {
    const specs = NUMBER_PARAMS[draft.field] ?? [];
    inputs = (
      <SimpleGrid cols={{ base: 1, sm: specs.length }} spacing="md">
        {specs.map((spec) => {
          const state = said(spec.name);
          const range = t('research.criteria.range', { min: spec.min, max: spec.max });
          return (
            <TextInput
              key={spec.name}
              label={t(`research.criteria.labels.${spec.label}`)}
              description={[spec.required ? range : `${range} ${t('research.criteria.optional')}`, state.hint]
                .filter(Boolean)
                .join(' ')}
              required={spec.required}
              inputMode={spec.decimal ? 'decimal' : 'numeric'}
              value={draft.numbers[spec.name] ?? ''}
              error={state.error}
              onChange={(event) =>
                onChange({ ...draft, numbers: { ...draft.numbers, [spec.name]: event.currentTarget.value } })
              }
            />
          );
        })}
      </SimpleGrid>
    );
  }
  return (
    <Fieldset
      ref={ref}
      tabIndex={-1}
      legend={t('research.criteria.legend', { number, kind })}
      styles={{ legend: { fontWeight: 700 } }}
      data-testid="criterion"
      data-field={draft.field}
    >
      <Stack gap="sm">
        {serverErrors?.[''] && (
          <Text c="red.8" size="sm">
            {serverErrors['']}
          </Text>
        )}
        {inputs}
        <Group justify="flex-end">
          <Button
            variant="outline"
            color="red.9"
            size="xs"
            onClick={onRemove}
            aria-label={t('research.criteria.removeNamed', { number, kind })}
          >
            {t('research.criteria.remove')}
          </Button>
        </Group>
      </Stack>
    </Fieldset>
  );
}

/** The server's field errors on saved criteria, by the draft they name and its parameter ('' for the whole). */
function serverErrorsOf(
  error: unknown,
  drafts: DraftCriterion[],
  t: TFunction,
): { byDraft: Record<string, Record<string, string>>; unmatched: boolean } {
  const byDraft: Record<string, Record<string, string>> = {};
  let unmatched = false;
  for (const { path } of problemPaths(error)) {
    const [root, all, index, name = ''] = path.split('.');
    const draft =
      root === 'criteria' && all === 'all' && index !== undefined ? drafts[Number(index)] : undefined;
    if (!draft) {
      unmatched = true;
      continue;
    }
    const errors = byDraft[draft.id] ?? {};
    errors[name] ??= t('research.criteria.errors.server');
    byDraft[draft.id] = errors;
  }
  return { byDraft, unmatched };
}

/** The editor of a draft's criteria, with live counts beside it, and saving to the study. */
function CriteriaEditor({ study }: { study: ResearchStudy }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [drafts, setDrafts] = useState<DraftCriterion[]>(() => study.criteria.all.map(draftOf));
  const [kind, setKind] = useState<CriterionField>('age');
  const [focusId, setFocusId] = useState<string | null>(null);
  const [showIncomplete, setShowIncomplete] = useState(false);
  // Problems are kept as what they are, and worded when shown: a change of language re-words them.
  const [notice, setNotice] = useState<'check' | 'max' | null>(null);
  const addRef = useRef<HTMLSelectElement>(null);

  const ready = useMemo(() => readyCriteria(drafts), [drafts]);
  const [counted] = useDebouncedValue(ready.criteria, DEBOUNCE_MS);
  const feasibility = useFeasibility(study.id, counted);
  const allComplete = ready.draftIndexes.length === drafts.length;
  const changed = !allComplete || !sameCriteria(ready.criteria, study.criteria);

  const save = useMutation({
    mutationFn: (criteria: Criteria) =>
      api.patch<ResearchStudy>(`/research/studies/${study.id}`, { criteria }),
    onSuccess: (saved) => {
      queryClient.setQueryData(researchKeys.study(saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: researchKeys.studies, exact: true });
    },
  });
  // Any edit resets the saving, so the server's pointers still name the drafts as they were sent.
  const serverErrors = save.isError ? serverErrorsOf(save.error, drafts, t) : null;
  let formError: string | null = null;
  if (notice === 'check') formError = t('errors.check_fields');
  else if (notice === 'max') formError = t('research.criteria.errors.max', { max: MAX_CRITERIA });
  else if (serverErrors) {
    formError =
      !serverErrors.unmatched && Object.keys(serverErrors.byDraft).length > 0
        ? t('errors.check_fields')
        : placeProblem(save.error, [], () => '', t, { overrides: { conflict: t('research.editor.frozen') } })
            .form;
  }

  const edited = (next: DraftCriterion[]) => {
    setDrafts(next);
    setNotice(null);
    save.reset();
  };

  const add = () => {
    if (drafts.length >= MAX_CRITERIA) {
      setNotice('max');
      return;
    }
    const draft = newDraft(kind);
    setFocusId(draft.id);
    edited([...drafts, draft]);
  };

  const remove = (id: string) => {
    edited(drafts.filter((draft) => draft.id !== id));
    // The removed criterion took the focus with it: back to where criteria are added.
    addRef.current?.focus();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!allComplete) {
      setShowIncomplete(true);
      setNotice('check');
      return;
    }
    setNotice(null);
    save.mutate(ready.criteria);
  };

  let counts: ReactNode;
  if (feasibility.isPending) counts = <Loading label={t('research.criteria.counting')} />;
  else if (feasibility.isError) counts = <QueryError error={feasibility.error} />;
  else {
    counts = (
      <FeasibilityView
        feasibility={feasibility.data}
        updating={feasibility.isFetching || counted !== ready.criteria}
      />
    );
  }

  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
      <Section id="criteria-edit" title={t('research.criteria.editTitle')}>
        <Text>{t('research.criteria.intro')}</Text>
        <form onSubmit={submit} noValidate data-testid="criteria-form">
          <Stack gap="md">
            {drafts.length === 0 && <Text fs="italic">{t('research.criteria.none')}</Text>}
            {drafts.map((draft, index) => (
              <CriterionEditor
                key={draft.id}
                draft={draft}
                number={index + 1}
                studyId={study.id}
                showIncomplete={showIncomplete}
                serverErrors={serverErrors?.byDraft[draft.id]}
                focusOnMount={draft.id === focusId}
                onChange={(next) => edited(drafts.map((d) => (d.id === next.id ? next : d)))}
                onRemove={() => remove(draft.id)}
              />
            ))}
            <Group align="flex-end" gap="sm">
              <NativeSelect
                ref={addRef}
                label={t('research.criteria.kind')}
                value={kind}
                onChange={(event) => {
                  const value = event.currentTarget.value;
                  setKind(CRITERION_FIELDS.find((field) => field === value) ?? 'age');
                }}
                data={CRITERION_FIELDS.map((field) => ({
                  value: field,
                  label: t(`research.criteria.kinds.${field}`),
                }))}
                data-testid="criterion-kind"
              />
              <Button variant="default" onClick={add} data-testid="criterion-add">
                {t('research.criteria.add')}
              </Button>
            </Group>
            <FormAlert message={formError} />
            {save.isSuccess && !changed && <SuccessNotice>{t('research.criteria.saved')}</SuccessNotice>}
            <Group gap="md">
              <Button type="submit" loading={save.isPending} data-testid="criteria-save">
                {t('research.criteria.save')}
              </Button>
              {changed && (
                <Text size="sm" data-testid="criteria-unsaved">
                  {t('research.criteria.unsaved')}
                </Text>
              )}
            </Group>
          </Stack>
        </form>
      </Section>
      <Section id="criteria-counts" title={t('research.criteria.countsTitle')}>
        <Text size="sm">{t('research.criteria.countsIntro')}</Text>
        {counts}
      </Section>
    </SimpleGrid>
  );
}

/** The criteria of a study that is no longer a draft, in words, and the counts they give now. */
function CriteriaReadOnly({ study }: { study: ResearchStudy }) {
  const { t } = useTranslation();
  const words = useCriterionWords();
  const feasibility = useFeasibility(study.id, undefined);
  return (
    <>
      <Section id="criteria-edit" title={t('research.criteria.savedTitle')}>
        <InfoNotice>{t('research.criteria.frozen')}</InfoNotice>
        {study.criteria.all.length === 0 ? (
          <Text>{t('research.criteria.none')}</Text>
        ) : (
          <List type="ordered" spacing="xs" data-testid="criteria-list">
            {study.criteria.all.map((criterion, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the criteria's order is the study's, and they do not change
              <List.Item key={index}>{words.sentence(criterion)}</List.Item>
            ))}
          </List>
        )}
      </Section>
      <Section id="criteria-counts" title={t('research.criteria.countsTitle')}>
        {feasibility.isPending ? (
          <Loading label={t('research.criteria.counting')} />
        ) : feasibility.isError ? (
          <QueryError error={feasibility.error} />
        ) : (
          <FeasibilityView feasibility={feasibility.data} updating={feasibility.isFetching} />
        )}
      </Section>
    </>
  );
}

/**
 * /research/:studyId/criteria — who can take part: criteria of each kind, edited with live counts (a funnel step
 * by step and where and how old those passing all are, small counts withheld), saved to the study while it is a
 * draft.
 */
export function CriteriaPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { studyId = '' } = useParams();
  const study = useStudy(studyId);
  let content: ReactNode;
  if (study.isPending) content = <Loading />;
  else if (study.isError) content = <QueryError error={study.error} />;
  else {
    content = (
      <>
        <StudyNav studyId={studyId} />
        {study.data.status === 'draft' ? (
          <CriteriaEditor study={study.data} />
        ) : (
          <CriteriaReadOnly study={study.data} />
        )}
      </>
    );
  }
  return (
    <Page
      title={
        study.data
          ? t('research.criteria.title', { study: study.data.title[locale] })
          : t('research.editor.nav.criteria')
      }
      size="xl"
    >
      <Anchor component={Link} to="/research">
        {t('research.study.back')}
      </Anchor>
      {content}
    </Page>
  );
}

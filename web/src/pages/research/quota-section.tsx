import { Button, Group, NativeSelect, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { FormAlert, InfoNotice, SuccessNotice } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { placeProblem } from './problem-fields.ts';
import { wholeNumber } from './recruitment-section.tsx';
import {
  type EnrolmentQuota,
  type ResearchStudy,
  researchKeys,
  STRATIFICATIONS,
  type Stratification,
} from './research-api.ts';

/** The most a quota may hold, in all or per stratum (src/modules/research/schemas.ts, enrolmentQuota). */
const MAX_QUOTA = 1_000_000;

type Field = 'total' | 'stratifyBy' | 'perStratum';
const FIELDS: Field[] = ['total', 'stratifyBy', 'perStratum'];

interface Values {
  total: string;
  stratifyBy: Stratification | '';
  perStratum: string;
}

const valuesOf = (quota: EnrolmentQuota | null): Values => ({
  total: quota?.total === undefined ? '' : String(quota.total),
  stratifyBy: quota?.stratifyBy ?? '',
  perStratum: quota?.perStratum === undefined ? '' : String(quota.perStratum),
});

/** The values as they would be saved: a number per stratum counts only with a stratification. */
const comparable = (values: Values) =>
  [values.total.trim(), values.stratifyBy, values.stratifyBy ? values.perStratum.trim() : ''].join('|');

function useNumberFormat() {
  const { i18n } = useTranslation();
  return new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'nl-NL');
}

/** The quota of a draft: a total, a number per stratum, or both; saved, or removed for no limit. */
function QuotaForm({ study }: { study: ResearchStudy }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const number = useNumberFormat();
  const max = number.format(MAX_QUOTA);
  const [values, setValues] = useState<Values>(() => valuesOf(study.enrolmentQuota));
  // Problems are kept as what they are, and worded when shown: a change of language re-words them.
  const [problems, setProblems] = useState<Partial<Record<Field, 'required' | 'number' | 'neither'>>>({});
  const totalRef = useRef<HTMLInputElement>(null);

  const save = useMutation({
    mutationFn: (enrolmentQuota: EnrolmentQuota | null) =>
      api.patch<ResearchStudy>(`/research/studies/${study.id}`, { enrolmentQuota }),
    onSuccess: (saved, enrolmentQuota) => {
      queryClient.setQueryData(researchKeys.study(saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: researchKeys.studies, exact: true });
      // As the server holds it ("050" is 50), so the form does not look unsaved.
      setValues(valuesOf(saved.enrolmentQuota));
      // The button that removed it is gone: on to where a new limit is typed.
      if (enrolmentQuota === null) totalRef.current?.focus();
    },
  });
  const placed = save.isError
    ? placeProblem(save.error, FIELDS, (field) => t(`research.editor.quota.errors.${field}`, { max }), t, {
        overrides: { conflict: t('research.editor.frozen') },
        prefix: 'enrolmentQuota.',
      })
    : null;
  const errorOf = (field: Field): string | undefined => {
    const problem = problems[field];
    if (problem === 'required') return t('research.editor.errors.required');
    if (problem === 'number') return t(`research.editor.quota.errors.${field}`, { max });
    if (problem === 'neither') return t('research.editor.quota.errors.neither');
    return placed?.fields[field];
  };
  const formError = Object.keys(problems).length > 0 ? t('errors.check_fields') : (placed?.form ?? null);
  const changed = comparable(values) !== comparable(valuesOf(study.enrolmentQuota));
  const removing = save.variables === null;

  const change = (next: Partial<Values>) => {
    setValues((current) => ({ ...current, ...next }));
    setProblems({});
    save.reset();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Partial<Record<Field, 'required' | 'number' | 'neither'>> = {};
    const total = values.total.trim() === '' ? undefined : wholeNumber(values.total, MAX_QUOTA);
    if (values.total.trim() !== '' && total === undefined) found.total = 'number';
    let perStratum: number | undefined;
    if (values.stratifyBy) {
      perStratum = wholeNumber(values.perStratum, MAX_QUOTA);
      if (values.perStratum.trim() === '') found.perStratum = 'required';
      else if (perStratum === undefined) found.perStratum = 'number';
    } else if (values.total.trim() === '') {
      found.total = 'neither';
    }
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    save.mutate({
      ...(total !== undefined ? { total } : {}),
      ...(values.stratifyBy && perStratum !== undefined ? { stratifyBy: values.stratifyBy, perStratum } : {}),
    });
  };

  return (
    <form onSubmit={submit} noValidate data-testid="quota-form">
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
          <TextInput
            ref={totalRef}
            label={t('research.editor.quota.total')}
            description={t('research.editor.quota.totalHint')}
            inputMode="numeric"
            value={values.total}
            error={errorOf('total')}
            onChange={(event) => change({ total: event.currentTarget.value })}
          />
          <NativeSelect
            label={t('research.editor.quota.stratifyBy')}
            description={t('research.editor.quota.stratifyByHint')}
            value={values.stratifyBy}
            error={errorOf('stratifyBy')}
            onChange={(event) => {
              const value = event.currentTarget.value;
              change({ stratifyBy: STRATIFICATIONS.find((option) => option === value) ?? '' });
            }}
            data={[
              { value: '', label: t('research.editor.quota.notPerGroup') },
              ...STRATIFICATIONS.map((option) => ({
                value: option,
                label: t(`research.recruitment.by.${option}`),
              })),
            ]}
          />
          {values.stratifyBy && (
            <TextInput
              label={t('research.editor.quota.perStratum')}
              description={t('research.editor.quota.perStratumHint', { max })}
              required
              inputMode="numeric"
              value={values.perStratum}
              error={errorOf('perStratum')}
              onChange={(event) => change({ perStratum: event.currentTarget.value })}
            />
          )}
        </SimpleGrid>
        <FormAlert message={formError} />
        {save.isSuccess && !changed && (
          <SuccessNotice>
            {removing ? t('research.editor.quota.removed') : t('research.editor.quota.saved')}
          </SuccessNotice>
        )}
        <Group gap="md">
          <Button type="submit" loading={save.isPending && !removing} data-testid="quota-save">
            {t('research.editor.quota.submit')}
          </Button>
          {study.enrolmentQuota && (
            <Button
              variant="outline"
              color="red.9"
              loading={save.isPending && removing}
              onClick={() => {
                setProblems({});
                save.mutate(null);
              }}
              data-testid="quota-remove"
            >
              {t('research.editor.quota.remove')}
            </Button>
          )}
          {changed && <Text size="sm">{t('research.editor.quota.unsaved')}</Text>}
        </Group>
      </Stack>
    </form>
  );
}

/**
 * A study's quota, read-only: once approved, or for the data steward reviewing the draft (`review`: no "fixed"
 * notice).
 */
export function QuotaFacts({ study, review = false }: { study: ResearchStudy; review?: boolean }) {
  const { t } = useTranslation();
  const number = useNumberFormat();
  const quota = study.enrolmentQuota;
  const rows: [string, string][] = quota
    ? [
        [
          t('research.editor.quota.total'),
          quota.total === undefined ? t('research.editor.quota.noTotal') : number.format(quota.total),
        ],
        [
          t('research.editor.quota.stratifyBy'),
          quota.stratifyBy
            ? t('research.editor.quota.perGroupFact', {
                by: t(`research.recruitment.by.${quota.stratifyBy}`),
                max: number.format(quota.perStratum ?? 0),
              })
            : t('research.editor.quota.notPerGroup'),
        ],
      ]
    : [];
  return (
    <Stack gap="md" data-testid={review ? 'quota-review' : 'quota-frozen'}>
      {!review && <InfoNotice>{t('research.editor.quota.frozen')}</InfoNotice>}
      {quota ? (
        <Stack component="dl" gap="xs" m={0}>
          {rows.map(([term, value]) => (
            <div key={term}>
              <Text component="dt" fw={600} size="sm">
                {term}
              </Text>
              <Text component="dd" m={0}>
                {value}
              </Text>
            </div>
          ))}
        </Stack>
      ) : (
        <Text>{t('research.editor.quota.none')}</Text>
      )}
    </Stack>
  );
}

/**
 * How many take part: at most so many in all and/or per stratum (sex at birth, age group or municipality), as
 * the team sets it while the study is a draft; read-only from its approval on.
 */
export function QuotaSection({ study }: { study: ResearchStudy }) {
  const { t } = useTranslation();
  return (
    <Section id="quota" title={t('research.editor.quota.title')}>
      <Text>{t('research.editor.quota.intro')}</Text>
      {study.status === 'draft' ? <QuotaForm study={study} /> : <QuotaFacts study={study} />}
    </Section>
  );
}

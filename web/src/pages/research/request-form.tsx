import {
  Button,
  Checkbox,
  Fieldset,
  Group,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../api.ts';
import { FormAlert, SuccessNotice } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { errorMessage } from '../../form-errors.ts';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import {
  type CatalogueDataset,
  type DataRequest,
  PSEUDONYM,
  researchKeys,
  variableLabel,
} from './research-api.ts';

interface RequestErrors {
  /** For the choice of data sets as a whole (none chosen). */
  datasets?: string;
  /** Per data set (by key): a variable or the data set itself that cannot be asked for. */
  byDataset: Record<string, string>;
  from?: string;
  to?: string;
  purpose?: string;
  formats?: string;
}

const NO_ERRORS: RequestErrors = { byDataset: {} };

const legendStyles = { legend: { fontWeight: 600, marginBottom: 'var(--mantine-spacing-xs)' } };

/** A POST body of a data request, in the catalogue's order. */
interface RequestBody {
  datasets: { dataset: string; variables: string[] }[];
  period: { from: string; to: string };
  purpose: string;
  formats: ExtractFormat[];
}

type ExtractFormat = 'csv' | 'parquet' | 'fhir';
const FORMATS: ExtractFormat[] = ['csv', 'parquet', 'fhir'];

/**
 * Puts the field errors of a 422 on the fields of the form: `#/datasets/0/variables/1` on the data set
 * asked for first, naming its second variable; `#/period/to` on the end date. What matches no field is
 * returned, for the message above the button.
 */
function placeErrors(
  error: unknown,
  body: RequestBody,
  catalogue: CatalogueDataset[],
  t: TFunction,
  locale: 'nl' | 'en',
): { errors: RequestErrors; unmatched: string[] } {
  const errors: RequestErrors = { byDataset: {} };
  const unmatched: string[] = [];
  for (const fieldError of isApiError(error) ? error.errors : []) {
    const parts = fieldError.pointer.replace(/^#?\//, '').split('/');
    const [first, second, third, fourth] = parts;
    if (first === 'datasets' && second !== undefined && /^\d+$/.test(second)) {
      const asked = body.datasets[Number(second)];
      if (!asked) {
        unmatched.push(fieldError.detail);
        continue;
      }
      const dataset = catalogue.find((candidate) => candidate.key === asked.dataset);
      let message: string = t('research.request.errors.dataset');
      if (third === 'variables' && fourth !== undefined) {
        const name = asked.variables[Number(fourth)] ?? '';
        const variable = dataset?.variables.find((candidate) => candidate.name === name);
        message = t('research.request.errors.variable', {
          name: variable ? variableLabel(variable, locale) : name,
        });
      }
      errors.byDataset[asked.dataset] ??= message;
    } else if (first === 'datasets') {
      errors.datasets = t('research.request.errors.noDataset');
    } else if (first === 'period' && second === 'from') {
      errors.from = t('research.request.errors.date');
    } else if (first === 'period') {
      errors.to = t('research.request.errors.periodOrder');
    } else if (first === 'purpose') {
      errors.purpose = t('research.request.errors.purpose');
    } else if (first === 'formats') {
      errors.formats = t('research.request.errors.noFhir');
    } else {
      unmatched.push(fieldError.detail);
    }
  }
  return { errors, unmatched };
}

/** Whether the errors put anything on a field. */
const onAnyField = (errors: RequestErrors) =>
  Boolean(
    errors.datasets ||
      errors.from ||
      errors.to ||
      errors.purpose ||
      errors.formats ||
      Object.keys(errors.byDataset).length > 0,
  );

/** One data set of the catalogue: ask for it, and for which of its variables. */
function DatasetChoice({
  dataset,
  chosen,
  error,
  onChange,
}: {
  dataset: CatalogueDataset;
  chosen: string[] | undefined;
  error: string | undefined;
  onChange: (variables: string[] | undefined) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const label = dataset.label[locale];
  const variables = dataset.variables.filter((variable) => variable.name !== PSEUDONYM);
  return (
    <Stack
      gap="xs"
      p="sm"
      style={{ border: '1px solid var(--mantine-color-gray-4)', borderRadius: 8 }}
      data-testid={`dataset-${dataset.key}`}
    >
      <Checkbox
        label={label}
        description={t('research.rowIs', { row: dataset.rowIs[locale] })}
        checked={chosen !== undefined}
        onChange={(event) => onChange(event.currentTarget.checked ? [] : undefined)}
        error={chosen === undefined ? error : undefined}
        styles={{ label: { fontWeight: 600 } }}
      />
      {chosen !== undefined && (
        <Checkbox.Group
          label={t('research.request.variablesOf', { dataset: label })}
          description={t('research.request.pseudonymAlways')}
          value={chosen}
          onChange={onChange}
          error={error}
          pl="lg"
        >
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" mt="xs">
            {variables.map((variable) => (
              <Checkbox key={variable.name} value={variable.name} label={variableLabel(variable, locale)} />
            ))}
          </SimpleGrid>
        </Checkbox.Group>
      )}
    </Stack>
  );
}

/**
 * "Request data": the data sets and their variables (from the catalogue, in the language shown, with units),
 * the period and the purpose. A data steward decides on it.
 */
export function RequestForm({ studyId, catalogue }: { studyId: string; catalogue: CatalogueDataset[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const queryClient = useQueryClient();
  const [chosen, setChosen] = useState<Record<string, string[] | undefined>>({});
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [purpose, setPurpose] = useState('');
  const [formats, setFormats] = useState<ExtractFormat[]>(['csv']);
  const [errors, setErrors] = useState<RequestErrors>(NO_ERRORS);
  const [formError, setFormError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const datasetsHintId = useId();
  const datasetsErrorId = useId();
  const periodHintId = useId();

  const send = useMutation({
    mutationFn: (body: RequestBody) =>
      api.post<DataRequest>(`/research/studies/${studyId}/data-requests`, body),
    onSuccess: () => {
      setChosen({});
      setFrom('');
      setTo('');
      setPurpose('');
      setFormats(['csv']);
      setSent(true);
      return queryClient.invalidateQueries({ queryKey: researchKeys.requests(studyId) });
    },
    onError: (error, body) => {
      const placed = placeErrors(error, body, catalogue, t, locale);
      setErrors(placed.errors);
      if (isApiError(error) && error.code === 'invalid_input') {
        setFormError(
          onAnyField(placed.errors) && placed.unmatched.length === 0
            ? t('errors.check_fields')
            : [t('errors.invalid_input'), ...placed.unmatched].join(' '),
        );
      } else {
        setFormError(errorMessage(error, t, { conflict: t('research.request.draft') }));
      }
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSent(false);
    const body: RequestBody = {
      datasets: catalogue.flatMap((dataset) => {
        const variables = chosen[dataset.key];
        return variables === undefined ? [] : [{ dataset: dataset.key, variables }];
      }),
      period: { from, to },
      purpose: purpose.trim(),
      formats: FORMATS.filter((format) => formats.includes(format)),
    };
    // The checks the server makes too, so most mistakes show without a round trip.
    const found: RequestErrors = { byDataset: {} };
    if (body.datasets.length === 0) found.datasets = t('research.request.errors.noDataset');
    if (!from) found.from = t('research.request.errors.date');
    if (!to) found.to = t('research.request.errors.date');
    else if (from && to < from) found.to = t('research.request.errors.periodOrder');
    if (!body.purpose) found.purpose = t('research.request.errors.purpose');
    if (body.formats.length === 0) found.formats = t('research.request.errors.noFormat');
    if (onAnyField(found)) {
      setErrors(found);
      setFormError(t('errors.check_fields'));
      return;
    }
    setErrors(NO_ERRORS);
    setFormError(null);
    send.mutate(body);
  };

  /** A field changed: its message goes, and so does the message above the button (it may no longer hold). */
  const edited = (cleared: Partial<RequestErrors>) => {
    setErrors((current) => ({ ...current, ...cleared }));
    setFormError(null);
    setSent(false);
  };

  const choose = (key: string, variables: string[] | undefined) => {
    setChosen((current) => ({ ...current, [key]: variables }));
    const { [key]: _dropped, ...byDataset } = errors.byDataset;
    edited({ datasets: undefined, byDataset });
  };

  return (
    <Section id="request-data" title={t('research.request.title')}>
      <Text>{t('research.request.intro')}</Text>
      <form onSubmit={submit} noValidate data-testid="request-form">
        <Stack gap="md">
          <Fieldset
            legend={t('research.request.datasets')}
            variant="unstyled"
            styles={legendStyles}
            aria-describedby={[datasetsHintId, errors.datasets ? datasetsErrorId : null]
              .filter(Boolean)
              .join(' ')}
          >
            <Stack gap="sm">
              <Text size="sm" id={datasetsHintId}>
                {t('research.request.datasetsHint')}
              </Text>
              {catalogue.map((dataset) => (
                <DatasetChoice
                  key={dataset.key}
                  dataset={dataset}
                  chosen={chosen[dataset.key]}
                  error={errors.byDataset[dataset.key]}
                  onChange={(variables) => choose(dataset.key, variables)}
                />
              ))}
              {errors.datasets && (
                <Text c="red.8" size="sm" id={datasetsErrorId} data-testid="datasets-error">
                  {errors.datasets}
                </Text>
              )}
            </Stack>
          </Fieldset>
          <Fieldset
            legend={t('research.request.period')}
            variant="unstyled"
            styles={legendStyles}
            aria-describedby={periodHintId}
          >
            <Stack gap="sm">
              <Text size="sm" id={periodHintId}>
                {t('research.request.periodHint')}
              </Text>
              <Group grow align="flex-start">
                <TextInput
                  type="date"
                  label={t('research.request.from')}
                  required
                  value={from}
                  onChange={(event) => {
                    setFrom(event.currentTarget.value);
                    edited({ from: undefined });
                  }}
                  error={errors.from}
                  data-testid="period-from"
                />
                <TextInput
                  type="date"
                  label={t('research.request.to')}
                  required
                  value={to}
                  onChange={(event) => {
                    setTo(event.currentTarget.value);
                    edited({ to: undefined });
                  }}
                  error={errors.to}
                  data-testid="period-to"
                />
              </Group>
            </Stack>
          </Fieldset>
          <Textarea
            label={t('research.request.purpose')}
            description={t('research.request.purposeHint')}
            required
            autosize
            minRows={3}
            maxLength={4000}
            value={purpose}
            onChange={(event) => {
              setPurpose(event.currentTarget.value);
              edited({ purpose: undefined });
            }}
            error={errors.purpose}
          />
          <Checkbox.Group
            label={t('research.request.formats')}
            description={t('research.request.formatsHint')}
            value={formats}
            onChange={(value) => {
              setFormats(value.filter((v): v is ExtractFormat => FORMATS.some((f) => f === v)));
              edited({ formats: undefined });
            }}
            error={errors.formats}
            data-testid="request-formats"
          >
            <Stack gap="xs" mt="xs">
              {FORMATS.map((format) => (
                <Checkbox key={format} value={format} label={t(`research.request.format.${format}`)} />
              ))}
            </Stack>
          </Checkbox.Group>
          <FormAlert message={formError} />
          {sent && <SuccessNotice>{t('research.request.sent')}</SuccessNotice>}
          <div>
            <Button type="submit" loading={send.isPending} data-testid="request-submit">
              {t('research.request.submit')}
            </Button>
          </div>
        </Stack>
      </form>
    </Section>
  );
}

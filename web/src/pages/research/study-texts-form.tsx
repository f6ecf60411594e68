import { Button, Fieldset, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../../api-types.ts';
import { FormAlert } from '../../components/notices.tsx';
import type { ErrorOverrides } from '../../form-errors.ts';
import { placeProblem } from './problem-fields.ts';
import type { StudyTexts } from './research-api.ts';

type Part = keyof StudyTexts;
const PARTS: Part[] = ['title', 'summary', 'consent'];
const LANGUAGES: Locale[] = ['nl', 'en'];
type Field = `${Part}.${Locale}`;
const FIELDS: Field[] = PARTS.flatMap((part) => LANGUAGES.map((language): Field => `${part}.${language}`));

/** The longest texts the API takes (src/modules/research/schemas.ts, studyInput). */
const MAX_LENGTH: Record<Part, number> = { title: 200, summary: 4000, consent: 20_000 };

const EMPTY: StudyTexts = {
  title: { nl: '', en: '' },
  summary: { nl: '', en: '' },
  consent: { nl: '', en: '' },
};

const legendStyles = { legend: { fontWeight: 600 } };

/**
 * A study's texts, each in Dutch and in English: its title, its summary for citizens, and the consent document
 * participants sign. Used to start a study and to change a draft; a mistake is said at its field.
 */
export function StudyTextsForm<Answer>({
  initial,
  submitLabel,
  save,
  onSaved,
  overrides,
  children,
  testId,
}: {
  initial?: StudyTexts;
  submitLabel: string;
  save: (texts: StudyTexts) => Promise<Answer>;
  onSaved?: (answer: Answer) => void;
  overrides?: ErrorOverrides;
  /** Shown above the button (a notice that the texts were saved). */
  children?: ReactNode;
  testId?: string;
}) {
  const { t } = useTranslation();
  const [texts, setTexts] = useState<StudyTexts>(initial ?? EMPTY);
  // Problems are kept as what they are, and worded when shown: a change of language re-words them.
  const [missing, setMissing] = useState<Field[]>([]);
  const mutation = useMutation({ mutationFn: save, onSuccess: (answer) => onSaved?.(answer) });
  const placed = mutation.isError
    ? placeProblem(mutation.error, FIELDS, () => t('research.editor.errors.text'), t, { overrides })
    : null;
  const errorOf = (field: Field) =>
    missing.includes(field) ? t('research.editor.errors.required') : placed?.fields[field];
  const formError = missing.length > 0 ? t('errors.check_fields') : (placed?.form ?? null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed: StudyTexts = {
      title: { nl: texts.title.nl.trim(), en: texts.title.en.trim() },
      summary: { nl: texts.summary.nl.trim(), en: texts.summary.en.trim() },
      consent: { nl: texts.consent.nl.trim(), en: texts.consent.en.trim() },
    };
    const found = PARTS.flatMap((part) =>
      LANGUAGES.filter((language) => !trimmed[part][language]).map(
        (language): Field => `${part}.${language}`,
      ),
    );
    setMissing(found);
    if (found.length === 0) mutation.mutate(trimmed);
  };

  const change = (part: Part, language: Locale, value: string) => {
    setTexts((current) => ({ ...current, [part]: { ...current[part], [language]: value } }));
    setMissing((current) => current.filter((field) => field !== `${part}.${language}`));
    mutation.reset();
  };

  return (
    <form onSubmit={submit} noValidate data-testid={testId}>
      <Stack gap="lg">
        {PARTS.map((part) => (
          <Fieldset
            key={part}
            legend={t(`research.editor.texts.${part}`)}
            variant="unstyled"
            styles={legendStyles}
          >
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
              {LANGUAGES.map((language) => {
                const common = {
                  label: t(`research.editor.texts.${part}In.${language}`),
                  required: true,
                  // The text is in that language whatever the page's: screen readers pronounce it rightly.
                  lang: language,
                  maxLength: MAX_LENGTH[part],
                  value: texts[part][language],
                  error: errorOf(`${part}.${language}`),
                  'data-testid': `${part}-${language}`,
                };
                return part === 'title' ? (
                  <TextInput
                    key={language}
                    {...common}
                    onChange={(event) => change(part, language, event.currentTarget.value)}
                  />
                ) : (
                  <Textarea
                    key={language}
                    {...common}
                    description={t(`research.editor.texts.${part}Hint`)}
                    autosize
                    minRows={part === 'consent' ? 6 : 3}
                    maxRows={part === 'consent' ? 16 : 8}
                    onChange={(event) => change(part, language, event.currentTarget.value)}
                  />
                );
              })}
            </SimpleGrid>
          </Fieldset>
        ))}
        <FormAlert message={formError} />
        {!mutation.isPending && mutation.isSuccess && children}
        <div>
          <Button
            type="submit"
            loading={mutation.isPending}
            data-testid={testId ? `${testId}-submit` : undefined}
          >
            {submitLabel}
          </Button>
        </div>
      </Stack>
    </form>
  );
}

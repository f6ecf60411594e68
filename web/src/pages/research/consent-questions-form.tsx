import {
  Button,
  Fieldset,
  Group,
  List,
  Radio,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { Locale } from '../../api-types.ts';
import { FormAlert, InfoNotice, SuccessNotice } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import { placeProblem, problemPaths } from './problem-fields.ts';
import { type ConsentQuestion, type ResearchStudy, researchKeys } from './research-api.ts';

const LANGUAGES: Locale[] = ['nl', 'en'];
/** The limits the API holds to (src/modules/research/schemas.ts, consentQuestion and studyChanges). */
const MAX_QUESTIONS = 10;
const MIN_OPTIONS = 2;
const MAX_OPTIONS = 5;
const MAX_QUESTION_LENGTH = 500;
const MAX_OPTION_LENGTH = 200;

type Bilingual = Record<Locale, string>;
interface DraftQuestion {
  id: string;
  question: Bilingual;
  options: Bilingual[];
  /** Not chosen yet in a new question: saving then says so at the choice. */
  answer: number | null;
}

let counter = 0;
const nextId = () => `consent-question-${++counter}`;
const empty = (): Bilingual => ({ nl: '', en: '' });
const newQuestion = (): DraftQuestion => ({
  id: nextId(),
  question: empty(),
  options: [empty(), empty()],
  answer: null,
});
const draftOf = (question: ConsentQuestion): DraftQuestion => ({
  id: nextId(),
  question: { ...question.question },
  options: question.options.map((option) => ({ ...option })),
  answer: question.answer,
});
const trimmed = (text: Bilingual): Bilingual => ({ nl: text.nl.trim(), en: text.en.trim() });

/**
 * A question's problems by what they name within it: `question.nl`, `options.1.en`, `answer`, or '' for the
 * question as a whole.
 */
type Problems = Record<string, string>;

/** What is missing in the drafts, by question: every text in both languages, and the right option. */
function missingIn(drafts: DraftQuestion[], t: TFunction): Record<string, Problems> {
  const missing: Record<string, Problems> = {};
  for (const draft of drafts) {
    const problems: Problems = {};
    for (const language of LANGUAGES) {
      if (!draft.question[language].trim())
        problems[`question.${language}`] = t('research.editor.errors.required');
      draft.options.forEach((option, index) => {
        if (!option[language].trim())
          problems[`options.${index}.${language}`] = t('research.editor.errors.required');
      });
    }
    if (draft.answer === null) problems.answer = t('research.editor.questions.errors.answer');
    if (Object.keys(problems).length > 0) missing[draft.id] = problems;
  }
  return missing;
}

/**
 * The server's field errors by the question they name (`#/consentQuestions/0/options/1/en`); `unmatched` when
 * one names something this form does not show.
 */
function serverProblems(
  error: unknown,
  drafts: DraftQuestion[],
  t: TFunction,
): { byQuestion: Record<string, Problems>; unmatched: boolean } {
  const byQuestion: Record<string, Problems> = {};
  let unmatched = false;
  for (const { path } of problemPaths(error)) {
    const [root, index, ...rest] = path.split('.');
    const draft = root === 'consentQuestions' && index !== undefined ? drafts[Number(index)] : undefined;
    if (!draft) {
      unmatched = true;
      continue;
    }
    const name = rest.join('.');
    const problems = byQuestion[draft.id] ?? {};
    problems[name] ??=
      name === 'answer' ? t('research.editor.questions.errors.answer') : t('research.editor.errors.text');
    byQuestion[draft.id] = problems;
  }
  return { byQuestion, unmatched };
}

/** One question being written: its text, its options in both languages, and which option is right. */
function QuestionEditor({
  draft,
  number,
  problems,
  focusOnMount,
  onChange,
  onRemove,
}: {
  draft: DraftQuestion;
  number: number;
  problems: Problems;
  focusOnMount: boolean;
  onChange: (draft: DraftQuestion) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const ref = useRef<HTMLFieldSetElement>(null);
  const optionRefs = useRef<(HTMLInputElement | null)[]>([]);
  const [focusOption, setFocusOption] = useState<number | null>(null);
  // A question just added takes the focus, so keyboard and screen reader users land in it.
  useEffect(() => {
    if (focusOnMount) ref.current?.focus();
  }, [focusOnMount]);
  // So does an option just added, where its text is typed.
  useEffect(() => {
    if (focusOption === null) return;
    optionRefs.current[focusOption]?.focus();
    setFocusOption(null);
  }, [focusOption]);

  const setOption = (index: number, language: Locale, value: string) =>
    onChange({
      ...draft,
      options: draft.options.map((option, i) => (i === index ? { ...option, [language]: value } : option)),
    });
  const addOption = () => {
    setFocusOption(draft.options.length);
    onChange({ ...draft, options: [...draft.options, empty()] });
  };
  const removeOption = (index: number) => {
    let answer = draft.answer;
    // The right option keeps being the right one when an option above it goes.
    if (answer !== null && answer === index) answer = null;
    else if (answer !== null && answer > index) answer -= 1;
    onChange({ ...draft, options: draft.options.filter((_, i) => i !== index), answer });
    ref.current?.focus();
  };

  return (
    <Fieldset
      ref={ref}
      tabIndex={-1}
      legend={t('research.editor.questions.legend', { number })}
      styles={{ legend: { fontWeight: 700 } }}
      data-testid="consent-question"
    >
      <Stack gap="sm">
        {problems[''] && (
          <Text c="red.8" size="sm">
            {problems['']}
          </Text>
        )}
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          {LANGUAGES.map((language) => (
            <TextInput
              key={language}
              label={t(`research.editor.questions.questionIn.${language}`)}
              required
              lang={language}
              maxLength={MAX_QUESTION_LENGTH}
              value={draft.question[language]}
              error={problems[`question.${language}`]}
              onChange={(event) =>
                onChange({ ...draft, question: { ...draft.question, [language]: event.currentTarget.value } })
              }
            />
          ))}
        </SimpleGrid>
        {draft.options.map((option, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: an option is its place in the question; the server's pointers name it by index too
          <Group key={index} align="flex-start" gap="sm" wrap="nowrap">
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg" style={{ flex: 1 }}>
              {LANGUAGES.map((language) => (
                <TextInput
                  key={language}
                  label={t(`research.editor.questions.optionIn.${language}`, { option: index + 1 })}
                  required
                  lang={language}
                  maxLength={MAX_OPTION_LENGTH}
                  value={option[language]}
                  error={problems[`options.${index}.${language}`]}
                  onChange={(event) => setOption(index, language, event.currentTarget.value)}
                  ref={
                    language === 'nl'
                      ? (input: HTMLInputElement | null) => {
                          optionRefs.current[index] = input;
                        }
                      : undefined
                  }
                />
              ))}
            </SimpleGrid>
            {draft.options.length > MIN_OPTIONS && (
              <Button
                variant="outline"
                color="red.9"
                size="xs"
                mt={26}
                onClick={() => removeOption(index)}
                aria-label={t('research.editor.questions.removeOptionNamed', { option: index + 1, number })}
              >
                {t('research.editor.questions.removeOption')}
              </Button>
            )}
          </Group>
        ))}
        {draft.options.length < MAX_OPTIONS && (
          <div>
            <Button
              variant="default"
              size="xs"
              onClick={addOption}
              aria-label={t('research.editor.questions.addOptionNamed', { number })}
            >
              {t('research.editor.questions.addOption')}
            </Button>
          </div>
        )}
        <Radio.Group
          label={t('research.editor.questions.right')}
          description={t('research.editor.questions.rightHint')}
          value={draft.answer === null ? null : String(draft.answer)}
          onChange={(value) => onChange({ ...draft, answer: Number(value) })}
          error={problems.answer}
        >
          <Group gap="md" mt="xs">
            {draft.options.map((option, index) => (
              <Radio
                // biome-ignore lint/suspicious/noArrayIndexKey: as above, an option is its place
                key={index}
                value={String(index)}
                label={t('research.editor.questions.option', { option: index + 1 })}
                description={option[locale].trim() || undefined}
              />
            ))}
          </Group>
        </Radio.Group>
        <Group justify="flex-end">
          <Button
            variant="outline"
            color="red.9"
            size="xs"
            onClick={onRemove}
            aria-label={t('research.editor.questions.removeNamed', { number })}
          >
            {t('research.editor.questions.remove')}
          </Button>
        </Group>
      </Stack>
    </Fieldset>
  );
}

/** The questions as they would be saved, in one shape whatever order the server's keys come in. */
const comparable = (questions: { question: Bilingual; options: Bilingual[]; answer: number | null }[]) =>
  JSON.stringify(
    questions.map((question) => ({
      question: trimmed(question.question),
      options: question.options.map(trimmed),
      answer: question.answer,
    })),
  );

const sameAsSaved = (drafts: DraftQuestion[], countersign: boolean, study: ResearchStudy) =>
  countersign === study.countersign && comparable(drafts) === comparable(study.consentQuestions);

/** The questions of a draft and its countersigning, saved to the study together. */
function ConsentQuestionsForm({ study }: { study: ResearchStudy }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [drafts, setDrafts] = useState<DraftQuestion[]>(() => study.consentQuestions.map(draftOf));
  const [countersign, setCountersign] = useState(study.countersign);
  const [checked, setChecked] = useState(false);
  const [atMax, setAtMax] = useState(false);
  const [focusId, setFocusId] = useState<string | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);

  const save = useMutation({
    mutationFn: (changes: { consentQuestions: ConsentQuestion[]; countersign: boolean }) =>
      api.patch<ResearchStudy>(`/research/studies/${study.id}`, changes),
    onSuccess: (saved) => {
      queryClient.setQueryData(researchKeys.study(saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: researchKeys.studies, exact: true });
    },
  });
  // Problems are worded when shown (a change of language re-words them); an edit resets the saving, so the
  // server's pointers still name the questions as they were sent.
  const missing = checked ? missingIn(drafts, t) : {};
  const server = save.isError ? serverProblems(save.error, drafts, t) : null;
  const problemsOf = (id: string): Problems => ({ ...server?.byQuestion[id], ...missing[id] });
  let formError: string | null = null;
  if (Object.keys(missing).length > 0) formError = t('errors.check_fields');
  else if (atMax) formError = t('research.editor.questions.max', { max: MAX_QUESTIONS });
  else if (server) {
    formError =
      !server.unmatched && Object.keys(server.byQuestion).length > 0
        ? t('errors.check_fields')
        : placeProblem(save.error, [], () => '', t, { overrides: { conflict: t('research.editor.frozen') } })
            .form;
  }
  const changed = !sameAsSaved(drafts, countersign, study);

  const edited = (next: DraftQuestion[]) => {
    setDrafts(next);
    setAtMax(false);
    save.reset();
  };
  const add = () => {
    if (drafts.length >= MAX_QUESTIONS) {
      setAtMax(true);
      return;
    }
    const draft = newQuestion();
    setFocusId(draft.id);
    edited([...drafts, draft]);
  };
  const remove = (id: string) => {
    edited(drafts.filter((draft) => draft.id !== id));
    // The removed question took the focus with it: back to where questions are added.
    addRef.current?.focus();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (Object.keys(missingIn(drafts, t)).length > 0) return;
    save.mutate({
      consentQuestions: drafts.map((draft) => ({
        question: trimmed(draft.question),
        options: draft.options.map(trimmed),
        answer: draft.answer ?? 0,
      })),
      countersign,
    });
  };

  return (
    <form onSubmit={submit} noValidate data-testid="consent-questions-form">
      <Stack gap="md">
        {drafts.length === 0 && <Text fs="italic">{t('research.editor.questions.none')}</Text>}
        {drafts.map((draft, index) => (
          <QuestionEditor
            key={draft.id}
            draft={draft}
            number={index + 1}
            problems={problemsOf(draft.id)}
            focusOnMount={draft.id === focusId}
            onChange={(next) => edited(drafts.map((d) => (d.id === next.id ? next : d)))}
            onRemove={() => remove(draft.id)}
          />
        ))}
        <div>
          <Button ref={addRef} variant="default" onClick={add} data-testid="consent-question-add">
            {t('research.editor.questions.add')}
          </Button>
        </div>
        <Switch
          label={t('research.editor.questions.countersign')}
          description={t('research.editor.questions.countersignHint')}
          checked={countersign}
          onChange={(event) => {
            setCountersign(event.currentTarget.checked);
            save.reset();
          }}
          data-testid="countersign-switch"
        />
        <FormAlert message={formError} />
        {save.isSuccess && !changed && <SuccessNotice>{t('research.editor.questions.saved')}</SuccessNotice>}
        <Group gap="md">
          <Button type="submit" loading={save.isPending} data-testid="consent-questions-save">
            {t('research.editor.questions.submit')}
          </Button>
          {changed && <Text size="sm">{t('research.editor.questions.unsaved')}</Text>}
        </Group>
      </Stack>
    </form>
  );
}

/**
 * The questions and countersigning of a study, read-only in both languages: once approved, or for the data
 * steward reviewing the draft (`review`: no "fixed" notice, headings one level deeper in the draft's card).
 */
export function ConsentQuestionsFacts({ study, review = false }: { study: ResearchStudy; review?: boolean }) {
  const { t } = useTranslation();
  return (
    <Stack gap="md" data-testid={review ? 'consent-questions-review' : 'consent-questions-frozen'}>
      {!review && <InfoNotice>{t('research.editor.questions.frozen')}</InfoNotice>}
      <Text>
        {study.countersign
          ? t('research.editor.questions.countersignOn')
          : t('research.editor.questions.countersignOff')}
      </Text>
      {study.consentQuestions.length === 0 ? (
        <Text>{t('research.editor.questions.noneFrozen')}</Text>
      ) : (
        study.consentQuestions.map((question, number) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the questions no longer change once approved
          <Stack key={number} gap={4}>
            <Title order={review ? 4 : 3} size={review ? 'h5' : 'h4'}>
              {t('research.editor.questions.legend', { number: number + 1 })}
            </Title>
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
              {LANGUAGES.map((language) => (
                <div key={language}>
                  <Text size="sm" fw={600}>
                    {t(`locales.${language}`)}
                  </Text>
                  <Text lang={language}>{question.question[language]}</Text>
                  <List type="ordered" size="sm">
                    {question.options.map((option, index) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: as above
                      <List.Item key={index} fw={index === question.answer ? 700 : undefined}>
                        <span lang={language}>{option[language]}</span>
                        {index === question.answer && ` (${t('research.editor.questions.rightAnswer')})`}
                      </List.Item>
                    ))}
                  </List>
                </div>
              ))}
            </SimpleGrid>
          </Stack>
        ))
      )}
    </Stack>
  );
}

/**
 * Questions that check the consent document was understood (participants answer all of them right before they
 * can sign) and whether a researcher countersigns each signature: edited while the study is a draft, read-only
 * from its approval on.
 */
export function ConsentQuestionsSection({ study }: { study: ResearchStudy }) {
  const { t } = useTranslation();
  return (
    <Section id="consent-questions" title={t('research.editor.questions.title')}>
      <Text>{t('research.editor.questions.intro')}</Text>
      {study.status === 'draft' ? (
        <ConsentQuestionsForm study={study} />
      ) : (
        <ConsentQuestionsFacts study={study} />
      )}
    </Section>
  );
}

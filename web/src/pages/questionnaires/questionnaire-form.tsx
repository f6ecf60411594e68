import { Anchor, Button, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import type { Questionnaire } from '@medplum/fhirtypes';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, type RefObject, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, isApiError } from '../../api.ts';
import type { ScoringModel, StoredResponse, SubmitAnswer } from '../../api-types.ts';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import { FormAlert, InfoNotice, SuccessNotice } from '../../components/notices.tsx';
import { errorMessage } from '../../form-errors.ts';
import { OtherResult } from '../risk/other-results.tsx';
import { AnswerList, pageTitle } from './answer-list.tsx';
import { type FieldContext, GroupInstances, ItemView } from './question-field.tsx';
import {
  type Answer,
  type Answers,
  addInstance,
  copyrightOf,
  descriptionOf,
  evaluate,
  fieldErrorsOf,
  formatsFor,
  isPageShown,
  issueKey,
  pageIssues,
  pagesOf,
  type ResponseIssue,
  removeInstance,
  startingAnswers,
  validateResponse,
} from './questionnaire-model.ts';
import {
  draftKey,
  draftPath,
  questionnairesKey,
  responsesPath,
  scoresKey,
  tasksKey,
  useLocale,
} from './questionnaire-queries.ts';

interface QuestionnaireFormProps {
  /** The FHIR Questionnaire to show. */
  questionnaire: Questionnaire;
  /** fill: answers are saved as a draft and submitted · preview: nothing is saved or sent (for authors). */
  mode: 'fill' | 'preview';
  /** fill: the version answered (its id takes the draft and the response) and how it is scored. */
  record?: { id: string; scoring: ScoringModel | null };
  /** fill: the saved answers to continue from. */
  draft?: StoredResponse | null;
}

/** A question to focus once its page is shown. */
const focusQuestion = (linkId: string) =>
  requestAnimationFrame(() => {
    const question = document.querySelector(`[data-question="${CSS.escape(linkId)}"]`);
    question?.querySelector<HTMLElement>('input:not([type="hidden"]), textarea, select, button')?.focus();
  });

/**
 * A questionnaire, one page per top-level group: a progress indicator, the questions of the page (shown,
 * hidden and calculated live by the same engine the server uses), back and next, then a review of every
 * answer before sending. In fill mode the answers are saved as a draft on every move between pages.
 */
export function QuestionnaireForm({ questionnaire, mode, record, draft }: QuestionnaireFormProps) {
  const { t } = useTranslation();
  const locale = useLocale();
  const formats = useMemo(() => formatsFor(locale), [locale]);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const filling = mode === 'fill' && record !== undefined;

  const pages = useMemo(() => pagesOf(questionnaire), [questionnaire]);
  const [answers, setAnswers] = useState<Answers>(() => startingAnswers(questionnaire, draft?.item));
  const evaluation = useMemo(() => evaluate(questionnaire, answers), [questionnaire, answers]);
  const shown = pages.filter((page) => isPageShown(page, evaluation.enabled));

  // A draft resumes at the first page with something still to answer (or at the review).
  const [step, setStep] = useState(() => {
    if (!draft) return 0;
    const start = evaluate(questionnaire, startingAnswers(questionnaire, draft.item));
    const open = pages
      .filter((page) => isPageShown(page, start.enabled))
      .findIndex((page) => pageIssues(questionnaire, start.items, page, 'submit').length > 0);
    return open === -1 ? Number.MAX_SAFE_INTEGER : open;
  });
  const [fromReview, setFromReview] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState<SubmitAnswer | null>(null);
  const [resumed, setResumed] = useState(Boolean(draft));
  const lastSaved = useRef(draft ? JSON.stringify(evaluation.items) : null);
  const heading = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);
  const focusAfterMove = useRef<string | null>(null);

  const onReview = step >= shown.length;
  const current = onReview ? undefined : shown[step];
  const total = shown.length + 1;
  const stepNumber = Math.min(step, shown.length) + 1;
  const progress = t('questionnaire.progress', { step: stepNumber, total });

  // Moving between pages puts the focus on the new page's heading (or the question to change), as a new page would.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the page changes
  useEffect(() => {
    if (!moved.current) return;
    if (focusAfterMove.current) {
      focusQuestion(focusAfterMove.current);
      focusAfterMove.current = null;
    } else {
      heading.current?.focus();
    }
  }, [step, submitted]);

  const goTo = (next: number, focus?: string) => {
    moved.current = true;
    focusAfterMove.current = focus ?? null;
    setErrors({});
    setFormError(null);
    setResumed(false);
    setStep(next);
    window.scrollTo(0, 0);
  };

  /** Errors without the messages of these keys; with none left, the alert that pointed at them goes too. */
  const clearErrors = (gone: (key: string) => boolean) => {
    if (!Object.keys(errors).some(gone)) return;
    const rest = Object.fromEntries(Object.entries(errors).filter(([key]) => !gone(key)));
    setErrors(rest);
    if (Object.values(rest).every((message) => message === undefined)) setFormError(null);
  };

  const change = (key: string, given: Answer[]) => {
    setAnswers((before) => ({ ...before, [key]: given }));
    clearErrors((errorKey) => errorKey === key);
  };

  /** Another instance of a repeating group; its first question gets the focus. */
  const addAnother = (prefix: string, linkId: string, focusKey: string) => {
    setAnswers((before) => addInstance(before, prefix, linkId));
    focusQuestion(focusKey);
  };

  /** One instance fewer: the messages of the group's instances go (they would point at the wrong one). */
  const remove = (prefix: string, linkId: string, index: number) => {
    setAnswers((before) => removeInstance(before, prefix, linkId, index));
    clearErrors((key) => key.startsWith(`${prefix}${linkId}[`));
  };

  /** Shows issues next to their questions, on the first page that has one. */
  const showIssues = (
    issues: readonly { linkId: string; pointer?: string | undefined; code: string | undefined }[],
  ) => {
    const keyed = issues.map((issue) => ({ ...issue, key: issueKey(questionnaire, evaluation, issue) }));
    const pageIndex = shown.findIndex((page) => keyed.some((issue) => page.linkIds.has(issue.linkId)));
    const first = keyed[0]?.key;
    if (pageIndex !== -1 && pageIndex !== step) goTo(pageIndex, first);
    else if (first) focusQuestion(first);
    setErrors(fieldErrorsOf(questionnaire, keyed, t, formats));
    setFormError(t('questionnaire.checkFields'));
  };

  /** A failed save or submit: answers the server refused go next to their questions. */
  const showProblem = (error: unknown) => {
    const refused = isApiError(error)
      ? error.errors.flatMap((fieldError) =>
          fieldError.linkId
            ? [
                {
                  linkId: fieldError.linkId,
                  pointer: fieldError.pointer.replace(/^#/, ''),
                  code: fieldError.issue,
                },
              ]
            : [],
        )
      : [];
    if (refused.length > 0) {
      showIssues(refused);
    } else {
      setFormError(errorMessage(error, t));
    }
  };

  /** Checks the page shown: `submit` also asks for its required questions. */
  const checkPage = (checkMode: 'submit' | 'draft'): boolean => {
    if (!current) return true;
    const issues: ResponseIssue[] = pageIssues(questionnaire, evaluation.items, current, checkMode);
    if (issues.length === 0) return true;
    showIssues(issues);
    return false;
  };

  const saveDraft = useMutation({
    mutationFn: (id: string) => api.put<StoredResponse>(draftPath(id), { item: evaluation.items }),
    onSuccess: (saved, id) => {
      queryClient.setQueryData(draftKey(id), saved);
      void queryClient.invalidateQueries({ queryKey: tasksKey });
      setSavedAt(saved.updatedAt);
    },
  });

  /** Saves the answers as a draft when they changed since the last save; false when that failed. */
  const save = async (): Promise<boolean> => {
    if (!filling) return true;
    const serialized = JSON.stringify(evaluation.items);
    if (serialized === lastSaved.current) return true;
    try {
      await saveDraft.mutateAsync(record.id);
      lastSaved.current = serialized;
      return true;
    } catch (error) {
      showProblem(error);
      return false;
    }
  };

  const busy = saveDraft.isPending;
  const next = async () => {
    if (busy || !checkPage('submit') || !(await save())) return;
    if (fromReview) {
      setFromReview(false);
      goTo(shown.length);
    } else {
      goTo(step + 1);
    }
  };
  const back = async () => {
    if (busy || !checkPage('draft') || !(await save())) return;
    setFromReview(false);
    goTo(Math.max(0, Math.min(step, shown.length) - 1));
  };
  const saveAndLeave = async () => {
    if (busy || !checkPage('draft') || !(await save())) return;
    navigate('/questionnaires', { state: { saved: true } });
  };

  const submit = useMutation({
    mutationFn: (id: string) => api.post<SubmitAnswer>(responsesPath(id), { item: evaluation.items }),
    onMutate: () => setFormError(null),
    onSuccess: (result, id) => {
      queryClient.setQueryData(draftKey(id), null);
      void queryClient.invalidateQueries({ queryKey: questionnairesKey });
      void queryClient.invalidateQueries({ queryKey: scoresKey });
      if (result.score?.model === 'findrisc') {
        navigate('/risk', { state: { submitted: true } });
        return;
      }
      moved.current = true;
      setSubmitted(result);
      window.scrollTo(0, 0);
    },
    onError: showProblem,
  });

  const send = () => {
    if (!filling || submit.isPending) return;
    // Everything, not only one page: a changed answer may have opened a question on another page.
    const issues = validateResponse(questionnaire, { item: evaluation.items }, { mode: 'submit' });
    if (issues.length > 0) {
      showIssues(issues);
      return;
    }
    submit.mutate(record.id);
  };

  const discard = async () => {
    if (filling) {
      try {
        await api.delete(draftPath(record.id));
      } catch (error) {
        // Already gone is what we wanted.
        if (!(isApiError(error) && error.status === 404)) throw error;
      }
      queryClient.setQueryData(draftKey(record.id), null);
      void queryClient.invalidateQueries({ queryKey: tasksKey });
    }
    lastSaved.current = null;
    setAnswers(startingAnswers(questionnaire, null));
    setSavedAt(null);
    setFromReview(false);
    goTo(0);
  };

  if (submitted) return <ThankYou result={submitted} headingRef={heading} />;

  const context: FieldContext = {
    questionnaire,
    answers,
    calculated: evaluation.calculated,
    enabled: evaluation.enabled,
    errors,
    onChange: change,
    onAdd: addAnother,
    onRemove: remove,
    prefix: '',
    locale,
    formats,
  };
  const description = descriptionOf(questionnaire, locale);
  const title = current
    ? pageTitle(current, locale, t('questionnaire.questions'))
    : t('questionnaire.review.title');

  let content: ReactNode;
  if (current) {
    content = (
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void next();
        }}
        data-testid="questionnaire-page"
      >
        <Stack gap="xl">
          {step === 0 && (
            <Stack gap="xs">
              {description && <Text className="pre-line">{description}</Text>}
              <Text size="sm">{t('questionnaire.requiredNote')}</Text>
            </Stack>
          )}
          {errors[current.group?.linkId ?? ''] && (
            <Text c="red.9" fw={600}>
              {errors[current.group?.linkId ?? '']}
            </Text>
          )}
          {current.group?.repeats ? (
            <GroupInstances group={current.group} context={context} />
          ) : (
            current.items.map((item) => <ItemView key={item.linkId} item={item} context={context} />)
          )}
          <FormAlert message={formError} />
          <Group justify="space-between" gap="sm">
            {step > 0 ? (
              <Button variant="default" onClick={() => void back()} data-testid="questionnaire-back">
                {t('questionnaire.back')}
              </Button>
            ) : (
              <span />
            )}
            <Button type="submit" loading={busy} data-testid="questionnaire-next">
              {fromReview ? t('questionnaire.toReview') : t('questionnaire.next')}
            </Button>
          </Group>
        </Stack>
      </form>
    );
  } else {
    const copyright = copyrightOf(questionnaire, locale);
    content = (
      <Stack gap="lg" data-testid="questionnaire-review">
        <Text>{filling ? t('questionnaire.review.intro') : t('questionnaire.review.introPreview')}</Text>
        <AnswerList
          questionnaire={questionnaire}
          pages={shown}
          answers={{ ...answers, ...evaluation.calculated }}
          enabled={evaluation.enabled}
          locale={locale}
          formats={formats}
          onEdit={(pageIndex, linkId) => {
            setFromReview(true);
            goTo(pageIndex, linkId);
          }}
        />
        {!filling && <InfoNotice>{t('questionnaire.previewNote')}</InfoNotice>}
        <FormAlert message={formError} />
        <Group justify="space-between" gap="sm">
          {shown.length > 0 ? (
            <Button variant="default" onClick={() => void back()} data-testid="questionnaire-back">
              {t('questionnaire.back')}
            </Button>
          ) : (
            <span />
          )}
          {filling ? (
            <Button onClick={send} loading={submit.isPending} data-testid="questionnaire-submit">
              {t('questionnaire.review.submit')}
            </Button>
          ) : (
            <Button variant="default" onClick={() => void discard()} data-testid="questionnaire-restart">
              {t('questionnaire.restart')}
            </Button>
          )}
        </Group>
        {copyright && (
          <Text size="sm" c="dimmed">
            {copyright}
          </Text>
        )}
      </Stack>
    );
  }

  return (
    <Stack gap="lg">
      {resumed && filling && draft && (
        <InfoNotice title={t('questionnaire.resumed.title')}>
          <Stack gap="xs" align="flex-start">
            <Text>{t('questionnaire.resumed.text', { date: formats.dateTime(draft.updatedAt) })}</Text>
            <ConfirmButton
              title={t('questionnaire.resumed.restartTitle')}
              text={t('questionnaire.resumed.restartText')}
              confirmLabel={t('questionnaire.resumed.restartConfirm')}
              onConfirm={discard}
            >
              {t('questionnaire.restart')}
            </ConfirmButton>
          </Stack>
        </InfoNotice>
      )}
      <Stack gap={6}>
        <Text fw={600} data-testid="questionnaire-progress">
          {progress}
        </Text>
        <Progress value={(stepNumber / total) * 100} aria-label={progress} size="md" />
        <Title order={2} ref={heading} tabIndex={-1} mt="xs" data-testid="questionnaire-step-title">
          {title}
        </Title>
      </Stack>
      {content}
      {filling && current && (
        <Paper withBorder p="sm" className="no-print">
          <Group justify="space-between" gap="sm">
            <Text size="sm" role="status" data-testid="questionnaire-saved">
              {savedAt
                ? t('questionnaire.savedAt', { date: formats.dateTime(savedAt) })
                : t('questionnaire.autosave')}
            </Text>
            <Button
              variant="default"
              size="sm"
              onClick={() => void saveAndLeave()}
              data-testid="questionnaire-save"
            >
              {t('questionnaire.saveAndLeave')}
            </Button>
          </Group>
        </Paper>
      )}
    </Stack>
  );
}

/** After sending: thanks, the result in short, and where to go next. */
function ThankYou({
  result,
  headingRef,
}: {
  result: SubmitAnswer;
  headingRef: RefObject<HTMLHeadingElement | null>;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap="lg" data-testid="questionnaire-thanks">
      <Title order={2} ref={headingRef} tabIndex={-1}>
        {t('questionnaire.thanks.title')}
      </Title>
      <SuccessNotice>{t('questionnaire.thanks.text')}</SuccessNotice>
      {result.score && (
        <Paper withBorder p="md">
          <OtherResult score={result.score} />
        </Paper>
      )}
      {result.insightsOff && (
        <InfoNotice title={t('questionnaire.thanks.insightsOffTitle')}>
          {t('questionnaire.thanks.insightsOff')}{' '}
          <Anchor component={Link} to="/consent">
            {t('questionnaire.thanks.toConsent')}
          </Anchor>
        </InfoNotice>
      )}
      <Group>
        <Button component={Link} to="/questionnaires">
          {t('questionnaire.thanks.toList')}
        </Button>
        {result.score && (
          <Button component={Link} to="/risk" variant="default">
            {t('questionnaire.thanks.toResults')}
          </Button>
        )}
        <Button component={Link} to={`/questionnaires/responses/${result.response.id}`} variant="default">
          {t('questionnaire.thanks.viewAnswers')}
        </Button>
      </Group>
    </Stack>
  );
}

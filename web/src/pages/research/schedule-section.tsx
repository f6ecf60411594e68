import {
  Button,
  Checkbox,
  Code,
  Fieldset,
  Group,
  NativeSelect,
  Radio,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import type { TFunction } from 'i18next';
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api.ts';
import { DataTable } from '../../components/data-table.tsx';
import { FormAlert, InfoNotice, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { errorMessage } from '../../form-errors.ts';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import { problemPaths } from './problem-fields.ts';
import {
  type ActiveQuestionnaire,
  LIMITS,
  type ScheduleTask,
  TASK_KINDS,
  type TaskKind,
  TIMEPOINT_KEY,
  type Timepoint,
  useActiveQuestionnaires,
  useSaveSchedule,
  useScheduledStudy,
  WEAR_MEASURES,
  type WearMeasure,
} from './schedule-api.ts';

type Field =
  | 'key'
  | 'titleNl'
  | 'titleEn'
  | 'kind'
  | 'questionnaire'
  | 'measure'
  | 'days'
  | 'after'
  | 'startDay'
  | 'windowDays'
  | 'every'
  | 'times'
  | 'remind';
type FieldErrors = Partial<Record<Field, string>>;

/** The form's field for each path of a timepoint in the server's pointers (`#/schedule/timepoints/2/<path>`). */
const FIELD_OF_PATH: Record<string, Field> = {
  key: 'key',
  title: 'titleNl',
  'title.nl': 'titleNl',
  'title.en': 'titleEn',
  task: 'kind',
  'task.kind': 'kind',
  'task.questionnaire': 'questionnaire',
  'task.measure': 'measure',
  'task.days': 'days',
  after: 'after',
  'after.event': 'after',
  'after.timepoint': 'after',
  startDay: 'startDay',
  windowDays: 'windowDays',
  repeat: 'every',
  'repeat.every': 'every',
  'repeat.times': 'times',
  remindDaysBeforeClose: 'remind',
};

/** The message at each field: the same whether the browser or the server found the mistake. */
function fieldMessage(field: Field, t: TFunction): string {
  switch (field) {
    case 'key':
      return t('research.schedule.errors.key');
    case 'titleNl':
      return t('research.schedule.errors.titleNl', { max: LIMITS.title });
    case 'titleEn':
      return t('research.schedule.errors.titleEn', { max: LIMITS.title });
    case 'kind':
    case 'measure':
      return t('research.schedule.errors.kind');
    case 'questionnaire':
      return t('research.schedule.errors.questionnaire');
    case 'days':
      return t('research.schedule.errors.days', { max: LIMITS.wearDays });
    case 'after':
      return t('research.schedule.errors.after');
    case 'startDay':
      return t('research.schedule.errors.startDay', { max: LIMITS.startDay });
    case 'windowDays':
      return t('research.schedule.errors.windowDays', { max: LIMITS.windowDays });
    case 'every':
      return t('research.schedule.errors.every', { max: LIMITS.every });
    case 'times':
      return t('research.schedule.errors.times', { min: LIMITS.times.min, max: LIMITS.times.max });
    case 'remind':
      return t('research.schedule.errors.remind', { max: LIMITS.remind });
  }
}

/** A whole number from `min` to `max` typed in a field, or undefined. */
function whole(text: string, min: number, max: number): number | undefined {
  if (!/^\s*\d+\s*$/.test(text)) return undefined;
  const value = Number(text.trim());
  return value >= min && value <= max ? value : undefined;
}

/** A short name made from a title: "Baseline questionnaire" → "baseline-questionnaire". */
function keyFrom(title: string): string {
  return title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

/** The schedule's words for the team: what participants do, when, for how long, how often. */
function useScheduleWords(questionnaires: ActiveQuestionnaire[]) {
  const { t } = useTranslation();
  const locale = useLocale();
  const questionnaireTitle = (url: string) =>
    questionnaires.find((candidate) => candidate.url === url)?.title[locale] ?? url;
  return {
    what(task: ScheduleTask): string {
      if (task.kind === 'questionnaire') {
        return t('research.schedule.what.questionnaire', { title: questionnaireTitle(task.questionnaire) });
      }
      if (task.kind === 'wear') return t(`research.schedule.what.${task.measure}`, { count: task.days });
      return t('research.schedule.what.weight');
    },
    when(point: Timepoint, all: Timepoint[]): string {
      if (point.after.event === 'enrolment') {
        return point.startDay === 0
          ? t('research.schedule.when.enrolmentDay')
          : t('research.schedule.when.afterEnrolment', { count: point.startDay });
      }
      const anchor = point.after.timepoint;
      const title = all.find((candidate) => candidate.key === anchor)?.title[locale] ?? anchor;
      return point.startDay === 0
        ? t('research.schedule.when.doneDay', { title })
        : t('research.schedule.when.afterDone', { count: point.startDay, title });
    },
    window: (point: Timepoint) => t('research.schedule.days', { count: point.windowDays }),
    repeat: (point: Timepoint) =>
      point.repeat
        ? t('research.schedule.repeats', { count: point.repeat.every, times: point.repeat.times })
        : t('research.schedule.noRepeat'),
    reminder: (point: Timepoint) =>
      point.remindDaysBeforeClose > 0
        ? t('research.schedule.reminder', { count: point.remindDaysBeforeClose })
        : t('research.schedule.noReminder'),
  };
}

/** The timepoints in their order, in words; with the buttons of each row while the schedule can change. */
function TimepointTable({
  timepoints,
  questionnaires,
  actions,
  problems = {},
}: {
  timepoints: Timepoint[];
  questionnaires: ActiveQuestionnaire[];
  actions?: (index: number) => ReactNode;
  problems?: Record<number, FieldErrors>;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const words = useScheduleWords(questionnaires);
  const head = [
    t('research.schedule.columns.timepoint'),
    t('research.schedule.columns.what'),
    t('research.schedule.columns.when'),
    t('research.schedule.columns.window'),
    t('research.schedule.columns.repeat'),
    t('research.schedule.columns.reminder'),
  ];
  return (
    <DataTable
      caption={t('research.schedule.caption', { count: timepoints.length })}
      head={actions ? [...head, t('research.schedule.columns.actions')] : head}
      minWidth={actions ? 960 : 820}
    >
      {timepoints.map((point, index) => {
        const problem = problems[index];
        return (
          <Table.Tr key={point.key} data-testid="timepoint">
            <Table.Td>
              <Text fw={600} size="sm">
                {point.title[locale]}
              </Text>
              <Code>{point.key}</Code>
              {problem && (
                <Text size="sm" c="var(--mantine-color-error)" data-testid="timepoint-problem">
                  {Object.values(problem).join(' ')}
                </Text>
              )}
            </Table.Td>
            <Table.Td>{words.what(point.task)}</Table.Td>
            <Table.Td>{words.when(point, timepoints)}</Table.Td>
            <Table.Td>{words.window(point)}</Table.Td>
            <Table.Td>{words.repeat(point)}</Table.Td>
            <Table.Td>{words.reminder(point)}</Table.Td>
            {actions && <Table.Td>{actions(index)}</Table.Td>}
          </Table.Tr>
        );
      })}
    </DataTable>
  );
}

/** The form's fields, as typed. */
interface FormState {
  key: string;
  titleNl: string;
  titleEn: string;
  kind: TaskKind;
  questionnaire: string;
  measure: WearMeasure;
  days: string;
  /** '' for enrolment, else the key of an earlier timepoint. */
  after: string;
  startDay: string;
  windowDays: string;
  repeats: boolean;
  every: string;
  times: string;
  remind: string;
}

function formOf(point: Timepoint | undefined): FormState {
  return {
    key: point?.key ?? '',
    titleNl: point?.title.nl ?? '',
    titleEn: point?.title.en ?? '',
    kind: point?.task.kind ?? 'questionnaire',
    questionnaire: point?.task.kind === 'questionnaire' ? point.task.questionnaire : '',
    measure: point?.task.kind === 'wear' ? point.task.measure : 'cgm',
    days: point?.task.kind === 'wear' ? String(point.task.days) : '',
    after: point?.after.event === 'completed' ? point.after.timepoint : '',
    startDay: point ? String(point.startDay) : '0',
    windowDays: point ? String(point.windowDays) : '',
    repeats: Boolean(point?.repeat),
    every: point?.repeat ? String(point.repeat.every) : '',
    times: point?.repeat ? String(point.repeat.times) : '',
    remind: point ? String(point.remindDaysBeforeClose) : '2',
  };
}

/**
 * The form's checks: each field on its own. Rules between fields (bursts that would overlap, more days of wear
 * than the window has, the order of timepoints) are the server's: its answer lands at the same fields on saving.
 */
function check(
  form: FormState,
  takenKeys: string[],
  earlierKeys: string[],
  t: TFunction,
): { point?: Timepoint; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const fail = (field: Field, message = fieldMessage(field, t)) => {
    errors[field] = message;
  };
  const key = form.key.trim();
  if (!TIMEPOINT_KEY.test(key)) fail('key');
  else if (takenKeys.includes(key)) fail('key', t('research.schedule.errors.keyTaken'));
  const titleNl = form.titleNl.trim();
  const titleEn = form.titleEn.trim();
  if (!titleNl || titleNl.length > LIMITS.title) fail('titleNl');
  if (!titleEn || titleEn.length > LIMITS.title) fail('titleEn');
  let task: ScheduleTask | undefined;
  if (form.kind === 'questionnaire') {
    if (form.questionnaire) task = { kind: 'questionnaire', questionnaire: form.questionnaire };
    else fail('questionnaire');
  } else if (form.kind === 'wear') {
    const days = whole(form.days, 1, LIMITS.wearDays);
    if (days === undefined) fail('days');
    else task = { kind: 'wear', measure: form.measure, days };
  } else {
    task = { kind: 'measurement', measure: 'weight' };
  }
  if (form.after && !earlierKeys.includes(form.after)) fail('after');
  const startDay = whole(form.startDay, 0, LIMITS.startDay);
  if (startDay === undefined) fail('startDay');
  const windowDays = whole(form.windowDays, 1, LIMITS.windowDays);
  if (windowDays === undefined) fail('windowDays');
  const every = form.repeats ? whole(form.every, 1, LIMITS.every) : undefined;
  const times = form.repeats ? whole(form.times, LIMITS.times.min, LIMITS.times.max) : undefined;
  if (form.repeats && every === undefined) fail('every');
  if (form.repeats && times === undefined) fail('times');
  const remind = whole(form.remind, 0, LIMITS.remind);
  if (remind === undefined) fail('remind');
  if (
    Object.keys(errors).length > 0 ||
    !task ||
    startDay === undefined ||
    windowDays === undefined ||
    remind === undefined
  ) {
    return { errors };
  }
  return {
    errors,
    point: {
      key,
      title: { nl: titleNl, en: titleEn },
      task,
      after: form.after ? { event: 'completed', timepoint: form.after } : { event: 'enrolment' },
      startDay,
      windowDays,
      ...(every !== undefined && times !== undefined ? { repeat: { every, times } } : {}),
      remindDaysBeforeClose: remind,
    },
  };
}

/**
 * One timepoint, new or changed: its short name and titles, what participants do (a questionnaire in use,
 * chosen by title; days of wearing a sensor or step counter; a weight), from when, for how long, whether it
 * repeats, and the reminder.
 */
function TimepointForm({
  initial,
  earlier,
  takenKeys,
  questionnaires,
  serverErrors,
  onDone,
  onCancel,
}: {
  initial: Timepoint | undefined;
  earlier: Timepoint[];
  takenKeys: string[];
  questionnaires: ActiveQuestionnaire[];
  serverErrors: FieldErrors;
  onDone: (point: Timepoint) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [form, setForm] = useState<FormState>(() => formOf(initial));
  const [errors, setErrors] = useState<FieldErrors>(serverErrors);
  const [formError, setFormError] = useState<string | null>(
    Object.keys(serverErrors).length > 0 ? t('errors.check_fields') : null,
  );
  const [keyTouched, setKeyTouched] = useState(Boolean(initial));
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);

  const change = <F extends keyof FormState>(field: F, value: FormState[F], error: Field | undefined) => {
    setForm((current) => ({ ...current, [field]: value }));
    if (error) setErrors((current) => ({ ...current, [error]: undefined }));
    setFormError(null);
  };
  const text = (field: Field & keyof FormState) => ({
    value: String(form[field]),
    error: errors[field],
    onChange: (event: { currentTarget: { value: string } }) =>
      change(field, event.currentTarget.value, field),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = check(
      form,
      takenKeys,
      earlier.map((point) => point.key),
      t,
    );
    setErrors(checked.errors);
    if (!checked.point) {
      setFormError(t('errors.check_fields'));
      return;
    }
    onDone(checked.point);
  };

  const questionnaireOptions = questionnaires.map((q) => ({ value: q.url, label: q.title[locale] }));
  // A saved choice no longer in use stays visible (by its address) rather than silently becoming another.
  if (form.questionnaire && !questionnaires.some((q) => q.url === form.questionnaire)) {
    questionnaireOptions.push({ value: form.questionnaire, label: form.questionnaire });
  }
  const legend = { legend: { fontWeight: 600, marginBottom: 'var(--mantine-spacing-xs)' } };

  return (
    <Stack
      gap="sm"
      p="md"
      style={{ border: '1px solid var(--mantine-color-gray-4)', borderRadius: 8 }}
      data-testid="timepoint-form"
    >
      <Title order={3} size="h4" tabIndex={-1} ref={headingRef} id="timepoint-form-title">
        {initial
          ? t('research.schedule.form.changeTitle', { title: initial.title[locale] })
          : t('research.schedule.form.addTitle')}
      </Title>
      <form onSubmit={submit} noValidate aria-labelledby="timepoint-form-title">
        <Stack gap="md">
          <Fieldset legend={t('research.schedule.form.titles')} variant="unstyled" styles={legend}>
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
              <TextInput
                label={t('research.schedule.form.titleNl')}
                lang="nl"
                maxLength={LIMITS.title}
                {...text('titleNl')}
              />
              <TextInput
                label={t('research.schedule.form.titleEn')}
                lang="en"
                maxLength={LIMITS.title}
                value={form.titleEn}
                error={errors.titleEn}
                onChange={(event) => {
                  const value = event.currentTarget.value;
                  change('titleEn', value, 'titleEn');
                  if (!keyTouched) change('key', keyFrom(value), 'key');
                }}
              />
            </SimpleGrid>
            <TextInput
              mt="sm"
              label={t('research.schedule.form.key')}
              description={t('research.schedule.form.keyHint')}
              maxLength={40}
              autoCapitalize="none"
              spellCheck={false}
              value={form.key}
              error={errors.key}
              onChange={(event) => {
                setKeyTouched(true);
                change('key', event.currentTarget.value, 'key');
              }}
            />
          </Fieldset>

          <Radio.Group
            label={t('research.schedule.form.kind')}
            value={form.kind}
            onChange={(value) =>
              change('kind', TASK_KINDS.find((k) => k === value) ?? 'questionnaire', 'kind')
            }
            error={errors.kind}
          >
            <Stack gap="xs" mt="xs">
              {TASK_KINDS.map((kind) => (
                <Radio key={kind} value={kind} label={t(`research.schedule.kinds.${kind}`)} />
              ))}
            </Stack>
          </Radio.Group>
          {form.kind === 'questionnaire' && (
            <NativeSelect
              label={t('research.schedule.form.questionnaire')}
              description={t('research.schedule.form.questionnaireHint')}
              value={form.questionnaire}
              error={errors.questionnaire}
              onChange={(event) => change('questionnaire', event.currentTarget.value, 'questionnaire')}
              data={[
                { value: '', label: t('research.schedule.form.chooseQuestionnaire') },
                ...questionnaireOptions,
              ]}
            />
          )}
          {form.kind === 'wear' && (
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
              <NativeSelect
                label={t('research.schedule.form.measure')}
                value={form.measure}
                error={errors.measure}
                onChange={(event) => {
                  const value = event.currentTarget.value;
                  change('measure', WEAR_MEASURES.find((m) => m === value) ?? 'cgm', 'measure');
                }}
                data={WEAR_MEASURES.map((measure) => ({
                  value: measure,
                  label: t(`research.schedule.measures.${measure}`),
                }))}
              />
              <TextInput
                label={t('research.schedule.form.days')}
                description={t('research.schedule.form.daysHint')}
                inputMode="numeric"
                {...text('days')}
              />
            </SimpleGrid>
          )}
          {form.kind === 'measurement' && <Text size="sm">{t('research.schedule.form.weight')}</Text>}

          <Fieldset legend={t('research.schedule.form.when')} variant="unstyled" styles={legend}>
            <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
              <NativeSelect
                label={t('research.schedule.form.after')}
                description={t('research.schedule.form.afterHint')}
                value={form.after}
                error={errors.after}
                onChange={(event) => change('after', event.currentTarget.value, 'after')}
                data={[
                  { value: '', label: t('research.schedule.form.afterEnrolment') },
                  ...earlier.map((point) => ({
                    value: point.key,
                    label: t('research.schedule.form.afterDone', { title: point.title[locale] }),
                  })),
                ]}
              />
              <TextInput
                label={t('research.schedule.form.startDay')}
                description={t('research.schedule.form.startDayHint')}
                inputMode="numeric"
                {...text('startDay')}
              />
              <TextInput
                label={t('research.schedule.form.windowDays')}
                description={t('research.schedule.form.windowDaysHint')}
                inputMode="numeric"
                {...text('windowDays')}
              />
            </SimpleGrid>
          </Fieldset>

          <Fieldset legend={t('research.schedule.form.repeatLegend')} variant="unstyled" styles={legend}>
            <Stack gap="sm">
              <Checkbox
                label={t('research.schedule.form.repeats')}
                checked={form.repeats}
                onChange={(event) => change('repeats', event.currentTarget.checked, 'every')}
              />
              {form.repeats && (
                <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
                  <TextInput
                    label={t('research.schedule.form.every')}
                    description={t('research.schedule.form.everyHint')}
                    inputMode="numeric"
                    {...text('every')}
                  />
                  <TextInput
                    label={t('research.schedule.form.times')}
                    description={t('research.schedule.form.timesHint', {
                      min: LIMITS.times.min,
                      max: LIMITS.times.max,
                    })}
                    inputMode="numeric"
                    {...text('times')}
                  />
                </SimpleGrid>
              )}
              <TextInput
                label={t('research.schedule.form.remind')}
                description={t('research.schedule.form.remindHint')}
                inputMode="numeric"
                maw={360}
                {...text('remind')}
              />
            </Stack>
          </Fieldset>

          <FormAlert message={formError} />
          <Group>
            <Button type="submit" data-testid="timepoint-done">
              {initial ? t('research.schedule.form.apply') : t('research.schedule.form.add')}
            </Button>
            <Button variant="default" onClick={onCancel}>
              {t('common.cancel')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

/** The server's field errors by timepoint; what names no field of a timepoint comes back as text. */
function serverProblems(
  error: unknown,
  t: TFunction,
): { byIndex: Record<number, FieldErrors>; other: string[] } {
  const byIndex: Record<number, FieldErrors> = {};
  const other: string[] = [];
  for (const { path, detail } of problemPaths(error)) {
    const match = /^schedule\.timepoints\.(\d+)\.(.+)$/.exec(path);
    const field = match ? FIELD_OF_PATH[match[2] ?? ''] : undefined;
    if (!match || !field) {
      other.push(detail);
      continue;
    }
    const index = Number(match[1]);
    byIndex[index] = { ...byIndex[index], [field]: fieldMessage(field, t) };
  }
  return { byIndex, other };
}

type Editing = { index: number | null } | null;

/**
 * The schedule of a draft: the timepoints in words, each to change, remove or move; a form to add one; and
 * "Save schedule", which sends the whole list. A timepoint that follows another stays below it.
 */
function ScheduleEditor({
  studyId,
  saved,
  questionnaires,
}: {
  studyId: string;
  saved: Timepoint[];
  questionnaires: ActiveQuestionnaire[];
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const save = useSaveSchedule(studyId);
  const [timepoints, setTimepoints] = useState<Timepoint[]>(saved);
  const [changed, setChanged] = useState(false);
  const [editing, setEditing] = useState<Editing>(null);
  const [problems, setProblems] = useState<Record<number, FieldErrors>>({});
  const [listError, setListError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const addRef = useRef<HTMLButtonElement>(null);

  const edited = (next: Timepoint[]) => {
    setTimepoints(next);
    setChanged(true);
    setProblems({});
    setListError(null);
    setDone(false);
    save.reset();
  };
  const close = () => {
    setEditing(null);
    // Back to where the keyboard was before the form opened.
    requestAnimationFrame(() => addRef.current?.focus());
  };
  const followers = (key: string) =>
    timepoints.filter((point) => point.after.event === 'completed' && point.after.timepoint === key);

  const move = (index: number, by: -1 | 1) => {
    const upper = timepoints[by < 0 ? index - 1 : index];
    const lower = timepoints[by < 0 ? index : index + 1];
    if (!upper || !lower) return;
    if (lower.after.event === 'completed' && lower.after.timepoint === upper.key) {
      setListError(
        t('research.schedule.errors.order', { title: lower.title[locale], anchor: upper.title[locale] }),
      );
      return;
    }
    const next = [...timepoints];
    next[by < 0 ? index - 1 : index] = lower;
    next[by < 0 ? index : index + 1] = upper;
    edited(next);
  };
  const remove = (index: number) => {
    const point = timepoints[index];
    if (!point) return;
    const following = followers(point.key);
    if (following.length > 0) {
      setListError(
        t('research.schedule.errors.removeFollowed', {
          title: point.title[locale],
          followers: following.map((follower) => `“${follower.title[locale]}”`).join(', '),
        }),
      );
      return;
    }
    edited(timepoints.filter((_, i) => i !== index));
  };
  const apply = (point: Timepoint) => {
    if (editing?.index == null) {
      edited([...timepoints, point]);
    } else {
      const before = timepoints[editing.index];
      edited(
        timepoints.map((current, i) => {
          if (i === editing.index) return point;
          // A new short name carries over to the timepoints that follow this one.
          if (before && before.key !== point.key && current.after.event === 'completed') {
            return current.after.timepoint === before.key
              ? { ...current, after: { event: 'completed', timepoint: point.key } }
              : current;
          }
          return current;
        }),
      );
    }
    close();
  };
  const submit = () => {
    setDone(false);
    setListError(null);
    save.mutate(
      { timepoints },
      {
        onSuccess: (study) => {
          setTimepoints(study.schedule.timepoints);
          setChanged(false);
          setProblems({});
          setDone(true);
        },
        onError: (error) => {
          if (isApiError(error) && error.code === 'invalid_input') {
            const found = serverProblems(error, t);
            setProblems(found.byIndex);
            setListError(
              found.other.length > 0
                ? [t('errors.invalid_input'), ...found.other].join(' ')
                : t('research.schedule.errors.notSaved'),
            );
            const first = Object.keys(found.byIndex)
              .map(Number)
              .sort((a, b) => a - b)[0];
            if (first !== undefined && !editing) setEditing({ index: first });
          } else {
            setListError(errorMessage(error, t, { conflict: t('research.schedule.frozen') }));
          }
        },
      },
    );
  };

  const index = editing?.index ?? null;
  const current = index === null ? undefined : timepoints[index];
  const rowActions = (i: number) => {
    const point = timepoints[i];
    if (!point) return null;
    const title = point.title[locale];
    return (
      <Group gap={6} maw={200}>
        <Button
          size="xs"
          variant="default"
          onClick={() => setEditing({ index: i })}
          aria-label={t('research.schedule.actions.changeNamed', { title })}
          disabled={editing !== null}
        >
          {t('research.schedule.actions.change')}
        </Button>
        {i > 0 && (
          <Button
            size="xs"
            variant="default"
            onClick={() => move(i, -1)}
            aria-label={t('research.schedule.actions.upNamed', { title })}
            disabled={editing !== null}
          >
            {t('research.schedule.actions.up')}
          </Button>
        )}
        {i < timepoints.length - 1 && (
          <Button
            size="xs"
            variant="default"
            onClick={() => move(i, 1)}
            aria-label={t('research.schedule.actions.downNamed', { title })}
            disabled={editing !== null}
          >
            {t('research.schedule.actions.down')}
          </Button>
        )}
        <Button
          size="xs"
          variant="default"
          onClick={() => remove(i)}
          aria-label={t('research.schedule.actions.removeNamed', { title })}
          disabled={editing !== null}
        >
          {t('research.schedule.actions.remove')}
        </Button>
      </Group>
    );
  };

  return (
    <Stack gap="md">
      <Text>{t('research.schedule.draftIntro')}</Text>
      {timepoints.length === 0 ? (
        <Text data-testid="schedule-empty">{t('research.schedule.noneDraft')}</Text>
      ) : (
        <TimepointTable
          timepoints={timepoints}
          questionnaires={questionnaires}
          actions={rowActions}
          problems={problems}
        />
      )}
      <FormAlert message={listError} />
      {editing ? (
        <TimepointForm
          key={index ?? 'new'}
          initial={current}
          earlier={timepoints.slice(0, index ?? timepoints.length)}
          takenKeys={timepoints.filter((_, i) => i !== index).map((point) => point.key)}
          questionnaires={questionnaires}
          serverErrors={index === null ? {} : (problems[index] ?? {})}
          onDone={apply}
          onCancel={close}
        />
      ) : (
        <Group>
          <Button
            ref={addRef}
            variant="default"
            onClick={() => setEditing({ index: null })}
            disabled={timepoints.length >= LIMITS.timepoints}
            data-testid="timepoint-add"
          >
            {t('research.schedule.actions.add')}
          </Button>
        </Group>
      )}
      {done && <SuccessNotice>{t('research.schedule.saved')}</SuccessNotice>}
      {changed && !editing && <Text size="sm">{t('research.schedule.unsaved')}</Text>}
      <Group>
        <Button onClick={submit} loading={save.isPending} disabled={!changed} data-testid="schedule-save">
          {t('research.schedule.save')}
        </Button>
        {changed && (
          <Button
            variant="default"
            onClick={() => {
              setTimepoints(saved);
              setChanged(false);
              setProblems({});
              setListError(null);
              setEditing(null);
            }}
          >
            {t('research.schedule.undo')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}

/** A schedule in words, read-only: for the data steward reviewing a draft before approving it. */
export function ScheduleOverview({ timepoints }: { timepoints: Timepoint[] }) {
  const { t } = useTranslation();
  const questionnaires = useActiveQuestionnaires();
  if (timepoints.length === 0) return <Text data-testid="schedule-empty">{t('research.schedule.none')}</Text>;
  if (questionnaires.isPending) return <Loading />;
  if (questionnaires.isError) return <QueryError error={questionnaires.error} />;
  return <TimepointTable timepoints={timepoints} questionnaires={questionnaires.data} />;
}

/**
 * The study's schedule for its team: the timepoints in plain words (what, when, for how long, how often, the
 * reminder). While the study is a draft the team edits it here; from approval on it is part of the protocol
 * and read-only.
 */
export function ScheduleSection({ studyId }: { studyId: string }) {
  const { t } = useTranslation();
  const study = useScheduledStudy(studyId);
  const questionnaires = useActiveQuestionnaires();
  let content: ReactNode;
  if (study.isPending || questionnaires.isPending) content = <Loading />;
  else if (study.isError) content = <QueryError error={study.error} />;
  else if (questionnaires.isError) content = <QueryError error={questionnaires.error} />;
  else if (study.data.status === 'draft') {
    content = (
      <ScheduleEditor
        studyId={studyId}
        saved={study.data.schedule.timepoints}
        questionnaires={questionnaires.data}
      />
    );
  } else {
    const timepoints = study.data.schedule.timepoints;
    content = (
      <>
        <InfoNotice>{t('research.schedule.frozen')}</InfoNotice>
        {timepoints.length === 0 ? (
          <Text data-testid="schedule-empty">{t('research.schedule.none')}</Text>
        ) : (
          <TimepointTable timepoints={timepoints} questionnaires={questionnaires.data} />
        )}
      </>
    );
  }
  return (
    <Section id="schedule" title={t('research.schedule.title')}>
      <Text>{t('research.schedule.intro')}</Text>
      {content}
    </Section>
  );
}

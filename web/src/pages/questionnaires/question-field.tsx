import {
  Button,
  Checkbox,
  Fieldset,
  NativeSelect,
  NumberInput,
  Radio,
  Stack,
  Text,
  Textarea,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import type { Questionnaire, QuestionnaireItem } from '@medplum/fhirtypes';
import { type ReactNode, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type Answer,
  type Answers,
  answerKey,
  answerPath,
  answerText,
  boundOf,
  type ChoiceOption,
  choiceOptions,
  type Formats,
  helpTextsOf,
  instanceCount,
  instancePrefix,
  isCalculated,
  itemControlOf,
  itemText,
  type Locale,
  unitOf,
  unitOptionsOf,
} from './questionnaire-model.ts';

/** Everything a question needs from the form around it. */
export interface FieldContext {
  questionnaire: Questionnaire;
  answers: Answers;
  /** Calculated answers (BMI), worked out live. */
  calculated: Answers;
  enabled: ReadonlySet<string>;
  errors: Partial<Record<string, string>>;
  /** New answers for the question kept under this key (`keyOf`). */
  onChange: (key: string, answers: Answer[]) => void;
  /** Another instance of a repeating group; then the focus goes to `focusKey`. */
  onAdd: (prefix: string, linkId: string, focusKey: string) => void;
  /** Removes one instance of a repeating group. */
  onRemove: (prefix: string, linkId: string, index: number) => void;
  /** The instance path the items shown sit in: '' outside repeating groups, else 'medicines[1]/'. */
  prefix: string;
  locale: Locale;
  formats: Formats;
}

/** Where the form keeps an item's answers and errors, in the instance the context is about. */
const keyOf = (item: QuestionnaireItem, context: FieldContext): string =>
  answerPath(context.prefix, item.linkId);

/** Above this many options a single choice becomes a drop-down list. */
const MAX_RADIO_OPTIONS = 8;

const legendStyles = { legend: { fontWeight: 600, marginBottom: 'var(--mantine-spacing-xs)' } };

/** Numbers as people type them: a comma or a point for the decimals. */
function parseNumber(text: string): number | undefined {
  const trimmed = text.trim().replace(',', '.');
  if (trimmed === '' || trimmed === '-' || trimmed.endsWith('.')) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

/** A local date and time (datetime-local) as a FHIR dateTime with this browser's offset. */
function toFhirDateTime(local: string): string | undefined {
  const at = new Date(local);
  if (local === '' || Number.isNaN(at.getTime())) return undefined;
  const offset = -at.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const pad = (value: number) => String(Math.floor(Math.abs(value))).padStart(2, '0');
  const seconds = local.length === 16 ? ':00' : '';
  return `${local}${seconds}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

/** A FHIR dateTime as a datetime-local value in this browser's time zone. */
function toLocalDateTime(value: string | undefined): string {
  if (!value) return '';
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return '';
  const shifted = new Date(at.getTime() - at.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

interface Labels {
  label: string;
  description: ReactNode;
  error: string | undefined;
  required: boolean;
}

/** The question's label (marked when optional), help texts and error. */
function useLabels(item: QuestionnaireItem, context: FieldContext, hint?: string): Labels {
  const { t } = useTranslation();
  const text = itemText(item, context.locale) ?? item.linkId;
  const required = item.required === true;
  const optional = !required && !item.readOnly;
  const helps = [...helpTextsOf(item, context.locale), ...(hint ? [hint] : [])];
  return {
    label: optional ? t('questionnaire.optional', { label: text }) : text,
    description:
      helps.length === 0 ? null : (
        <span className="pre-line">
          {helps.map((help) => (
            <span key={help} style={{ display: 'block' }}>
              {help}
            </span>
          ))}
        </span>
      ),
    error: context.errors[keyOf(item, context)],
    required,
  };
}

interface OptionsFieldsetProps extends Labels {
  children: ReactNode;
  linkId: string;
}

/** Radio buttons or checkboxes in a fieldset whose legend asks the question. */
function OptionsFieldset({ label, description, error, required, children, linkId }: OptionsFieldsetProps) {
  const descriptionId = useId();
  const errorId = useId();
  const describedBy = [description ? descriptionId : null, error ? errorId : null].filter(Boolean).join(' ');
  return (
    <Fieldset
      legend={label}
      variant="unstyled"
      styles={legendStyles}
      aria-describedby={describedBy || undefined}
      data-required={required || undefined}
      data-testid={`question-${linkId}`}
    >
      <Stack gap="xs">
        {description && (
          <Text size="sm" c="dimmed" id={descriptionId}>
            {description}
          </Text>
        )}
        {children}
        {error && (
          <Text c="red.9" size="sm" fw={600} id={errorId}>
            {error}
          </Text>
        )}
      </Stack>
    </Fieldset>
  );
}

interface QuestionProps {
  item: QuestionnaireItem;
  context: FieldContext;
}

const answersFor = (item: QuestionnaireItem, context: FieldContext) =>
  context.answers[keyOf(item, context)] ?? [];

function BooleanQuestion({ item, context }: QuestionProps) {
  const { t } = useTranslation();
  const labels = useLabels(item, context);
  const value = answersFor(item, context)[0]?.valueBoolean;
  const name = useId();
  return (
    <OptionsFieldset {...labels} linkId={keyOf(item, context)}>
      {[true, false].map((option) => (
        <Radio
          key={String(option)}
          name={name}
          value={String(option)}
          label={option ? t('common.yes') : t('common.no')}
          required={labels.required}
          checked={value === option}
          onChange={() => context.onChange(keyOf(item, context), [{ valueBoolean: option }])}
        />
      ))}
    </OptionsFieldset>
  );
}

/** Single and multiple choice, with an "other" text for open-choice questions. */
function ChoiceQuestion({ item, context }: QuestionProps) {
  const { t } = useTranslation();
  const labels = useLabels(item, context);
  const name = useId();
  const options = choiceOptions(item, context.questionnaire, context.locale);
  const given = answersFor(item, context);
  const open = item.type === 'open-choice';
  const isOption = (answer: Answer) => options.some((option) => option.key === answerKey(answer));
  const otherGiven = open
    ? given.find((answer) => answer.valueString !== undefined && !isOption(answer))
    : undefined;
  const [otherChosen, setOtherChosen] = useState(otherGiven !== undefined);
  const [otherText, setOtherText] = useState(otherGiven?.valueString ?? '');
  const selected = new Set(given.filter(isOption).map(answerKey));
  const otherAnswers = (chosen: boolean, text: string): Answer[] =>
    chosen && text.trim() !== '' ? [{ valueString: text.trim() }] : [];

  const otherField = open && otherChosen && (
    <TextInput
      label={t('questionnaire.otherText')}
      value={otherText}
      maxLength={item.maxLength}
      onChange={(event) => {
        const text = event.currentTarget.value;
        setOtherText(text);
        const chosen = options.filter((option) => selected.has(option.key)).map((option) => option.answer);
        context.onChange(keyOf(item, context), [
          ...(item.repeats ? chosen : []),
          ...otherAnswers(true, text),
        ]);
      }}
      ml={{ base: 0, xs: 'xl' }}
      data-testid={`question-${keyOf(item, context)}-other`}
    />
  );

  if (item.repeats) {
    const toggle = (option: ChoiceOption, checked: boolean) => {
      const keys = new Set(selected);
      if (checked) keys.add(option.key);
      else keys.delete(option.key);
      const chosen = options.filter((choice) => keys.has(choice.key)).map((choice) => choice.answer);
      context.onChange(keyOf(item, context), [...chosen, ...otherAnswers(otherChosen, otherText)]);
    };
    return (
      <OptionsFieldset {...labels} linkId={keyOf(item, context)}>
        {options.map((option) => (
          <Checkbox
            key={option.key}
            label={option.label}
            checked={selected.has(option.key)}
            onChange={(event) => toggle(option, event.currentTarget.checked)}
          />
        ))}
        {open && (
          <Checkbox
            label={t('questionnaire.other')}
            checked={otherChosen}
            onChange={(event) => {
              const checked = event.currentTarget.checked;
              setOtherChosen(checked);
              const chosen = options
                .filter((option) => selected.has(option.key))
                .map((option) => option.answer);
              context.onChange(keyOf(item, context), [...chosen, ...otherAnswers(checked, otherText)]);
            }}
          />
        )}
        {otherField}
      </OptionsFieldset>
    );
  }

  const current = options.find((option) => selected.has(option.key));
  if (!open && (itemControlOf(item) === 'drop-down' || options.length > MAX_RADIO_OPTIONS)) {
    return (
      <div data-testid={`question-${keyOf(item, context)}`}>
        <NativeSelect
          label={labels.label}
          description={labels.description}
          error={labels.error}
          required={labels.required}
          value={current?.key ?? ''}
          data={[
            { value: '', label: t('common.choose') },
            ...options.map((option) => ({ value: option.key, label: option.label })),
          ]}
          onChange={(event) => {
            const option = options.find((choice) => choice.key === event.currentTarget.value);
            context.onChange(keyOf(item, context), option ? [option.answer] : []);
          }}
        />
      </div>
    );
  }

  return (
    <OptionsFieldset {...labels} linkId={keyOf(item, context)}>
      {options.map((option) => (
        <Radio
          key={option.key}
          name={name}
          value={option.key}
          label={option.label}
          required={labels.required}
          checked={!otherChosen && current?.key === option.key}
          onChange={() => {
            setOtherChosen(false);
            context.onChange(keyOf(item, context), [option.answer]);
          }}
        />
      ))}
      {open && (
        <Radio
          name={name}
          value="other"
          label={t('questionnaire.other')}
          checked={otherChosen}
          onChange={() => {
            setOtherChosen(true);
            context.onChange(keyOf(item, context), otherAnswers(true, otherText));
          }}
        />
      )}
      {otherField}
    </OptionsFieldset>
  );
}

/** The allowed range in words, for the description: "Between 30 and 350 kg." */
function useRangeHint(
  item: QuestionnaireItem,
  context: FieldContext,
  unit: string | undefined,
): string | undefined {
  const { t } = useTranslation();
  const [min, max] = [boundOf(item, 'min'), boundOf(item, 'max')];
  const show = (value: number) =>
    unit ? `${context.formats.number(value)} ${unit}` : context.formats.number(value);
  if (typeof min === 'number' && typeof max === 'number') {
    return t('questionnaire.range', { min: show(min), max: show(max) });
  }
  if (typeof min === 'number') return t('questionnaire.rangeMin', { min: show(min) });
  if (typeof max === 'number') return t('questionnaire.rangeMax', { max: show(max) });
  return undefined;
}

/** Decimal, integer and quantity questions: a number with its unit next to it. */
function NumberQuestion({ item, context }: QuestionProps) {
  const units = unitOptionsOf(item);
  const given = answersFor(item, context)[0];
  const [unitCode, setUnitCode] = useState(given?.valueQuantity?.code ?? units[0]?.code ?? '');
  const unitCoding = units.find((unit) => unit.code === unitCode) ?? units[0];
  const unit = item.type === 'quantity' ? (unitCoding?.display ?? unitCoding?.code) : unitOf(item);
  const rangeHint = useRangeHint(item, context, unit);
  const labels = useLabels(item, context, rangeHint);
  const { t } = useTranslation();
  const [raw, setRaw] = useState<number | string>(
    given?.valueDecimal ?? given?.valueInteger ?? given?.valueQuantity?.value ?? '',
  );
  const [min, max] = [boundOf(item, 'min'), boundOf(item, 'max')];

  const answerOf = (value: number, coding = unitCoding): Answer => {
    if (item.type === 'integer') return { valueInteger: value };
    if (item.type === 'quantity') {
      return {
        valueQuantity: {
          value,
          ...(coding?.display || coding?.code ? { unit: coding.display ?? coding.code } : {}),
          ...(coding?.system ? { system: coding.system } : {}),
          ...(coding?.code ? { code: coding.code } : {}),
        },
      };
    }
    return { valueDecimal: value };
  };
  const numberOf = (value: number | string) => (typeof value === 'number' ? value : parseNumber(value));

  return (
    <Stack gap="xs" data-testid={`question-${keyOf(item, context)}`}>
      <NumberInput
        label={labels.label}
        description={labels.description}
        error={labels.error}
        required={labels.required}
        value={raw}
        onChange={(value) => {
          setRaw(value);
          const number = numberOf(value);
          context.onChange(keyOf(item, context), number === undefined ? [] : [answerOf(number)]);
        }}
        decimalSeparator={context.locale === 'nl' ? ',' : '.'}
        allowDecimal={item.type !== 'integer'}
        min={typeof min === 'number' ? min : undefined}
        max={typeof max === 'number' ? max : undefined}
        clampBehavior="none"
        hideControls
        inputMode={item.type === 'integer' ? 'numeric' : 'decimal'}
        rightSection={
          unit && units.length <= 1 ? (
            <Text size="sm" c="dimmed" aria-hidden="true">
              {unit}
            </Text>
          ) : undefined
        }
        rightSectionWidth={unit ? Math.max(36, unit.length * 9 + 16) : undefined}
        rightSectionPointerEvents="none"
        styles={{ wrapper: { maxWidth: '14rem' } }}
      />
      {item.type === 'quantity' && units.length > 1 && (
        <NativeSelect
          label={t('questionnaire.unit')}
          value={unitCode}
          data={units.map((coding) => ({
            value: coding.code ?? '',
            label: coding.display ?? coding.code ?? '',
          }))}
          onChange={(event) => {
            const code = event.currentTarget.value;
            setUnitCode(code);
            const number = numberOf(raw);
            const coding = units.find((unitOption) => unitOption.code === code);
            if (number !== undefined) context.onChange(keyOf(item, context), [answerOf(number, coding)]);
          }}
          styles={{ wrapper: { maxWidth: '14rem' } }}
        />
      )}
    </Stack>
  );
}

/** Dates, date-times and times: the browser's own pickers. */
function DateQuestion({ item, context }: QuestionProps) {
  const labels = useLabels(item, context);
  const given = answersFor(item, context)[0];
  const [min, max] = [boundOf(item, 'min'), boundOf(item, 'max')];
  const asDate = (bound: number | string | undefined) =>
    typeof bound === 'string' && /^\d{4}-\d{2}-\d{2}/.test(bound) ? bound.slice(0, 10) : undefined;
  let type: 'date' | 'datetime-local' | 'time';
  let value: string;
  let toAnswer: (input: string) => Answer | undefined;
  if (item.type === 'dateTime') {
    type = 'datetime-local';
    value = toLocalDateTime(given?.valueDateTime);
    toAnswer = (input) => {
      const dateTime = toFhirDateTime(input);
      return dateTime ? { valueDateTime: dateTime } : undefined;
    };
  } else if (item.type === 'time') {
    type = 'time';
    value = given?.valueTime?.slice(0, 5) ?? '';
    toAnswer = (input) => (input ? { valueTime: input.length === 5 ? `${input}:00` : input } : undefined);
  } else {
    type = 'date';
    value = given?.valueDate ?? '';
    toAnswer = (input) => (input ? { valueDate: input } : undefined);
  }
  return (
    <div data-testid={`question-${keyOf(item, context)}`}>
      <TextInput
        type={type}
        label={labels.label}
        description={labels.description}
        error={labels.error}
        required={labels.required}
        value={value}
        min={type === 'date' ? asDate(min) : undefined}
        max={type === 'date' ? asDate(max) : undefined}
        onChange={(event) => {
          const answer = toAnswer(event.currentTarget.value);
          context.onChange(keyOf(item, context), answer ? [answer] : []);
        }}
        styles={{ wrapper: { maxWidth: '16rem' } }}
      />
    </div>
  );
}

/** Short and long texts, and web addresses. */
function TextQuestion({ item, context }: QuestionProps) {
  const { t } = useTranslation();
  const hint = item.maxLength ? t('questionnaire.maxLength', { count: item.maxLength }) : undefined;
  const labels = useLabels(item, context, item.type === 'text' ? hint : undefined);
  const given = answersFor(item, context)[0];
  const value = item.type === 'url' ? (given?.valueUri ?? '') : (given?.valueString ?? '');
  const change = (text: string) => {
    if (text.trim() === '') context.onChange(keyOf(item, context), []);
    else
      context.onChange(keyOf(item, context), [
        item.type === 'url' ? { valueUri: text } : { valueString: text },
      ]);
  };
  const common = {
    label: labels.label,
    description: labels.description,
    error: labels.error,
    required: labels.required,
    value,
    maxLength: item.maxLength,
  };
  return (
    <div data-testid={`question-${keyOf(item, context)}`}>
      {item.type === 'text' ? (
        <Textarea {...common} autosize minRows={3} onChange={(event) => change(event.currentTarget.value)} />
      ) : (
        <TextInput
          {...common}
          type={item.type === 'url' ? 'url' : 'text'}
          onChange={(event) => change(event.currentTarget.value)}
        />
      )}
    </div>
  );
}

/** A read-only question: a calculated answer (BMI) worked out live, or a fixed initial answer. */
function ReadOnlyQuestion({ item, context }: QuestionProps) {
  const { t } = useTranslation();
  const calculated = isCalculated(item);
  const labels = useLabels(item, context, calculated ? t('questionnaire.calculated') : undefined);
  const given = (calculated ? context.calculated[item.linkId] : context.answers[keyOf(item, context)]) ?? [];
  const text = given
    .map((answer) => answerText(answer, item, context.questionnaire, context.locale, t, context.formats))
    .join(', ');
  return (
    <div data-testid={`question-${keyOf(item, context)}`}>
      <TextInput
        label={labels.label}
        description={labels.description}
        value={text || t('questionnaire.notYet')}
        readOnly
        variant="filled"
        data-testid={`calculated-${keyOf(item, context)}`}
        styles={{ wrapper: { maxWidth: '16rem' } }}
      />
    </div>
  );
}

function QuestionView({ item, context }: QuestionProps) {
  const { t } = useTranslation();
  if (item.readOnly) return <ReadOnlyQuestion item={item} context={context} />;
  switch (item.type) {
    case 'boolean':
      return <BooleanQuestion item={item} context={context} />;
    case 'choice':
    case 'open-choice':
      return <ChoiceQuestion item={item} context={context} />;
    case 'decimal':
    case 'integer':
    case 'quantity':
      return <NumberQuestion item={item} context={context} />;
    case 'date':
    case 'dateTime':
    case 'time':
      return <DateQuestion item={item} context={context} />;
    case 'string':
    case 'text':
    case 'url':
      return <TextQuestion item={item} context={context} />;
    default:
      return (
        <Text>
          {itemText(item, context.locale)} — {t('questionnaire.unsupported')}
        </Text>
      );
  }
}

/** A group inside a page: a fieldset whose legend is the group's text. */
function GroupView({ item, context }: QuestionProps) {
  if (item.repeats) return <GroupInstances group={item} context={context} />;
  const text = itemText(item, context.locale);
  const error = context.errors[keyOf(item, context)];
  const children = (
    <Stack gap="lg">
      {error && (
        <Text c="red.9" size="sm" fw={600}>
          {error}
        </Text>
      )}
      {(item.item ?? []).map((child) => (
        <ItemView key={child.linkId} item={child} context={context} />
      ))}
    </Stack>
  );
  if (!text) return children;
  return (
    <Fieldset legend={text} styles={legendStyles} data-question={keyOf(item, context)}>
      {children}
    </Fieldset>
  );
}

/**
 * One item of the questionnaire as the participant sees it: a text, a group of questions or a question (with
 * the questions nested below it). Items that do not apply (enableWhen) are not shown at all.
 */
export function ItemView({ item, context }: QuestionProps) {
  if (!context.enabled.has(item.linkId)) return null;
  if (item.type === 'display') {
    return <Text className="pre-line">{itemText(item, context.locale)}</Text>;
  }
  if (item.type === 'group') return <GroupView item={item} context={context} />;
  const nested = (item.item ?? []).filter((child) => child.type !== 'display');
  return (
    <div data-question={keyOf(item, context)}>
      <QuestionView item={item} context={context} />
      {nested.length > 0 && (
        <Stack gap="lg" mt="lg" ml={{ base: 'sm', sm: 'xl' }}>
          {nested.map((child) => (
            <ItemView key={child.linkId} item={child} context={context} />
          ))}
        </Stack>
      )}
    </div>
  );
}

/**
 * A repeating group (FHIR R4 `repeats`): one fieldset per instance with a numbered legend, a button to remove
 * an instance (while there is more than one) and one to add another.
 */
export function GroupInstances({ group, context }: { group: QuestionnaireItem; context: FieldContext }) {
  const { t } = useTranslation();
  const text = itemText(group, context.locale) ?? group.linkId;
  const count = instanceCount(context.answers, context.prefix, group.linkId);
  const error = context.errors[keyOf(group, context)];
  const instances = Array.from({ length: count }, (_, index) => {
    const inner = instancePrefix(context.prefix, group.linkId, index);
    return { index, inner, key: inner.slice(0, -1) };
  });
  return (
    <Stack gap="lg" data-testid={`group-${keyOf(group, context)}`}>
      {error && (
        <Text c="red.9" size="sm" fw={600}>
          {error}
        </Text>
      )}
      {instances.map(({ index, inner, key }) => {
        const legend = t('questionnaire.instance', { label: text, number: index + 1 });
        const instanceError = context.errors[key];
        const inside = { ...context, prefix: inner };
        return (
          <Fieldset
            key={key}
            legend={legend}
            styles={legendStyles}
            data-question={key}
            data-testid={`instance-${key}`}
          >
            <Stack gap="lg">
              {instanceError && (
                <Text c="red.9" size="sm" fw={600}>
                  {instanceError}
                </Text>
              )}
              {(group.item ?? []).map((child) => (
                <ItemView key={child.linkId} item={child} context={inside} />
              ))}
              {count > 1 && (
                <div>
                  <Button
                    variant="default"
                    size="sm"
                    onClick={() => context.onRemove(context.prefix, group.linkId, index)}
                    data-testid={`remove-${key}`}
                  >
                    {t('questionnaire.removeInstance')}
                    <VisuallyHidden>: {legend}</VisuallyHidden>
                  </Button>
                </div>
              )}
            </Stack>
          </Fieldset>
        );
      })}
      <div>
        <Button
          variant="light"
          onClick={() =>
            context.onAdd(
              context.prefix,
              group.linkId,
              instancePrefix(context.prefix, group.linkId, count).slice(0, -1),
            )
          }
          data-testid={`add-${keyOf(group, context)}`}
        >
          {t('questionnaire.addInstance')}
          <VisuallyHidden>: {text}</VisuallyHidden>
        </Button>
      </div>
    </Stack>
  );
}

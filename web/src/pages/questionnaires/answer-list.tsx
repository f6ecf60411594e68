import { Anchor, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import type { Questionnaire, QuestionnaireItem } from '@medplum/fhirtypes';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import {
  type Answers,
  answerPath,
  answerText,
  type Formats,
  type FormPage,
  instanceCount,
  instancePrefix,
  itemText,
  type Locale,
} from './questionnaire-model.ts';

/** A page's title: its group's text, else the questionnaire's questions as a whole. */
export function pageTitle(page: FormPage, locale: Locale, fallback: string): string {
  return (page.group && itemText(page.group, locale)) || fallback;
}

/** A question to show, with the key its answers are kept under. */
interface Row {
  item: QuestionnaireItem;
  key: string;
}

/** A run of questions: those of the page itself, or those of one instance of a repeating group (titled). */
interface Block {
  key: string;
  title?: string;
  rows: Row[];
}

/** The questions of a page that apply, in order, in blocks: each instance of a repeating group is one. */
function blocksOf(
  page: FormPage,
  answers: Answers,
  enabled: ReadonlySet<string>,
  locale: Locale,
  t: TFunction,
) {
  const blocks: Block[] = [];
  let current: Block = { key: page.key, rows: [] };
  const walk = (items: readonly QuestionnaireItem[] | undefined, prefix: string) => {
    for (const item of items ?? []) {
      if (item.type === 'display' || !enabled.has(item.linkId)) continue;
      if (item.type === 'group' && item.repeats) {
        repeat(item, prefix);
      } else {
        if (item.type !== 'group') current.rows.push({ item, key: answerPath(prefix, item.linkId) });
        walk(item.item, prefix);
      }
    }
  };
  const repeat = (group: QuestionnaireItem, prefix: string) => {
    const outer = current;
    blocks.push(outer);
    const label = itemText(group, locale) ?? group.linkId;
    for (let index = 0; index < instanceCount(answers, prefix, group.linkId); index++) {
      const inner = instancePrefix(prefix, group.linkId, index);
      current = { key: inner, title: t('questionnaire.instance', { label, number: index + 1 }), rows: [] };
      blocks.push(current);
      walk(group.item, inner);
    }
    current = { key: `${outer.key}+`, rows: [] };
  };
  if (page.group?.repeats) repeat(page.group, '');
  else walk(page.items, '');
  blocks.push(current);
  return blocks.filter((block) => block.rows.length > 0);
}

interface AnswerListProps {
  questionnaire: Questionnaire;
  pages: FormPage[];
  /** The answers to show, calculated ones included. */
  answers: Answers;
  enabled: ReadonlySet<string>;
  locale: Locale;
  formats: Formats;
  /** Shows a "change" link per question that opens its page; `key` is where the form keeps its answers. */
  onEdit?: (pageIndex: number, key: string) => void;
  /** The heading level of each page's title. */
  headingOrder?: 2 | 3;
}

/** Every answer, page by page and question by question, in the app's language. */
export function AnswerList({
  questionnaire,
  pages,
  answers,
  enabled,
  locale,
  formats,
  onEdit,
  headingOrder = 3,
}: AnswerListProps) {
  const { t } = useTranslation();
  /** One block's questions and answers, each with a "change" link when editing is offered. */
  const rowList = (rows: Row[], pageIndex: number) => (
    <dl className="answer-list">
      {rows.map(({ item, key }) => {
        const question = itemText(item, locale) ?? item.linkId;
        const given = answers[key] ?? [];
        return (
          <div key={key} className="answer-row" data-testid={`answer-${key}`}>
            <dt>{question}</dt>
            <dd>
              {given.length === 0 ? (
                <Text span c="dimmed">
                  {t('questionnaire.review.notAnswered')}
                </Text>
              ) : (
                <Text span fw={600} className="pre-line">
                  {given
                    .map((answer) => answerText(answer, item, questionnaire, locale, t, formats))
                    .join(', ')}
                </Text>
              )}
              {onEdit && !item.readOnly && (
                <Anchor
                  component="button"
                  type="button"
                  ml="md"
                  onClick={() => onEdit(pageIndex, key)}
                  data-testid={`change-${key}`}
                >
                  {t('questionnaire.review.change')}
                  <VisuallyHidden>: {question}</VisuallyHidden>
                </Anchor>
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
  return (
    <Stack gap="lg" data-testid="answer-list">
      {pages.map((page, pageIndex) => {
        const blocks = blocksOf(page, answers, enabled, locale, t);
        if (blocks.length === 0) return null;
        return (
          <Stack key={page.key} gap="xs" component="section" aria-labelledby={`answers-${page.key}`}>
            <Title order={headingOrder} size="h4" id={`answers-${page.key}`}>
              {pageTitle(page, locale, t('questionnaire.questions'))}
            </Title>
            {blocks.map((block) => (
              <Stack
                key={block.key}
                gap="xs"
                data-testid={block.title ? `answers-${block.key.slice(0, -1)}` : undefined}
              >
                {block.title && (
                  <Title order={headingOrder === 2 ? 3 : 4} size="h5">
                    {block.title}
                  </Title>
                )}
                {rowList(block.rows, pageIndex)}
              </Stack>
            ))}
          </Stack>
        );
      })}
    </Stack>
  );
}

import { Anchor, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import type { Questionnaire, QuestionnaireItem } from '@medplum/fhirtypes';
import { useTranslation } from 'react-i18next';
import { flattenItems } from '../../../../src/modules/questionnaires/engine/index.ts';
import {
  type Answers,
  answerText,
  type Formats,
  type FormPage,
  itemText,
  type Locale,
} from './questionnaire-model.ts';

/** A page's title: its group's text, else the questionnaire's questions as a whole. */
export function pageTitle(page: FormPage, locale: Locale, fallback: string): string {
  return (page.group && itemText(page.group, locale)) || fallback;
}

/** The questions of a page that apply, in order (groups and texts left out). */
const questionsOf = (page: FormPage, enabled: ReadonlySet<string>): QuestionnaireItem[] =>
  flattenItems(page.items).filter(
    (item) => item.type !== 'group' && item.type !== 'display' && enabled.has(item.linkId),
  );

interface AnswerListProps {
  questionnaire: Questionnaire;
  pages: FormPage[];
  /** The answers to show, calculated ones included. */
  answers: Answers;
  enabled: ReadonlySet<string>;
  locale: Locale;
  formats: Formats;
  /** Shows a "change" link per question that opens its page. */
  onEdit?: (pageIndex: number, linkId: string) => void;
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
  return (
    <Stack gap="lg" data-testid="answer-list">
      {pages.map((page, pageIndex) => {
        const questions = questionsOf(page, enabled);
        if (questions.length === 0) return null;
        return (
          <Stack key={page.key} gap="xs" component="section" aria-labelledby={`answers-${page.key}`}>
            <Title order={headingOrder} size="h4" id={`answers-${page.key}`}>
              {pageTitle(page, locale, t('questionnaire.questions'))}
            </Title>
            <dl className="answer-list">
              {questions.map((item) => {
                const question = itemText(item, locale) ?? item.linkId;
                const given = answers[item.linkId] ?? [];
                return (
                  <div key={item.linkId} className="answer-row" data-testid={`answer-${item.linkId}`}>
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
                          onClick={() => onEdit(pageIndex, item.linkId)}
                          data-testid={`change-${item.linkId}`}
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
          </Stack>
        );
      })}
    </Stack>
  );
}

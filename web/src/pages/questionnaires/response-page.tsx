import { Anchor, Group, Stack, Text } from '@mantine/core';
import { type ReactNode, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { MyResponseDetail } from '../../api-types.ts';
import { Loading, QueryError } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { Section } from '../../components/section.tsx';
import { AnswerList } from './answer-list.tsx';
import { answersOf, copyrightOf, evaluate, formatsFor, isPageShown, pagesOf } from './questionnaire-model.ts';
import { responseFhirUrl, useLocale, useMyResponse } from './questionnaire-queries.ts';

/** The answers of one response, question by question, in the app's language. */
function ResponseAnswers({ detail }: { detail: MyResponseDetail }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const formats = useMemo(() => formatsFor(locale), [locale]);
  const questionnaire = detail.questionnaire.resource;
  const answers = answersOf(questionnaire, detail.response.item);
  // The stored answers include the calculated ones as the server worked them out; only what applied is shown.
  const { enabled } = evaluate(questionnaire, answers);
  const pages = pagesOf(questionnaire).filter((page) => isPageShown(page, enabled));
  const authored = detail.response.authoredAt ?? detail.response.updatedAt;
  const copyright = copyrightOf(questionnaire, locale);
  return (
    <>
      <Text data-testid="response-date">
        {t('questionnaires.response.filledIn', {
          date: formats.dateTime(authored),
          version: detail.questionnaire.version,
        })}
      </Text>
      <Section id="answers" title={t('questionnaires.response.answers')}>
        <AnswerList
          questionnaire={questionnaire}
          pages={pages}
          answers={answers}
          enabled={enabled}
          locale={locale}
          formats={formats}
        />
      </Section>
      <Section id="download" title={t('questionnaires.response.downloadTitle')}>
        <Text>{t('questionnaires.response.downloadText')}</Text>
        <Text>
          <Anchor
            href={responseFhirUrl(detail.response.id)}
            download={`topfit-questionnaire-response-${authored.slice(0, 10)}.json`}
            fw={600}
            data-testid="response-fhir"
          >
            {t('questionnaires.response.downloadLink')}
          </Anchor>
        </Text>
      </Section>
      {copyright && (
        <Text size="sm" c="dimmed">
          {copyright}
        </Text>
      )}
    </>
  );
}

/** /questionnaires/responses/:id — a submitted response, read-only, with its FHIR download. */
export function ResponsePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const locale = useLocale();
  const detail = useMyResponse(id);

  let title = t('questionnaires.response.title');
  let content: ReactNode;
  if (detail.isPending) content = <Loading />;
  else if (detail.isError) content = <QueryError error={detail.error} />;
  else {
    title = detail.data.questionnaire.title[locale];
    content = <ResponseAnswers detail={detail.data} />;
  }
  return (
    <Page title={title} size="md">
      <Group>
        <Anchor component={Link} to="/questionnaires">
          {t('questionnaires.response.back')}
        </Anchor>
      </Group>
      <Stack gap="lg">{content}</Stack>
    </Page>
  );
}

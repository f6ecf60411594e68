import { Anchor, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../api.ts';
import { InfoNotice, Loading, QueryError } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { QuestionnaireForm } from './questionnaire-form.tsx';
import { useDraft, useLocale, useQuestionnaire } from './questionnaire-queries.ts';
import { NotJoined } from './questionnaires-page.tsx';

/** /questionnaires/:id — fill in a questionnaire, continuing from the saved draft when there is one. */
export function QuestionnairePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const locale = useLocale();
  const questionnaire = useQuestionnaire(id);
  const draft = useDraft(id);

  let title = t('questionnaire.title');
  let content: ReactNode;
  if (questionnaire.isPending || draft.isPending) content = <Loading />;
  else if (questionnaire.isError) content = <QueryError error={questionnaire.error} />;
  else if (draft.isError) {
    content =
      isApiError(draft.error) && draft.error.code === 'forbidden' ? (
        <NotJoined />
      ) : (
        <QueryError error={draft.error} />
      );
  } else {
    const record = questionnaire.data;
    title = record.title[locale];
    content =
      record.status === 'active' ? (
        <QuestionnaireForm
          key={record.id}
          questionnaire={record.resource}
          mode="fill"
          record={{ id: record.id, scoring: record.scoring }}
          draft={draft.data}
        />
      ) : (
        <InfoNotice title={t('questionnaire.notInUseTitle')}>
          <Text>
            {t('questionnaire.notInUse')}{' '}
            <Anchor component={Link} to="/questionnaires">
              {t('questionnaire.toList')}
            </Anchor>
          </Text>
        </InfoNotice>
      );
  }

  return (
    <Page title={title} size="sm">
      {content}
    </Page>
  );
}

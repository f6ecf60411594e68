import { Anchor, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api.ts';
import { Page } from '../../components/page.tsx';
import { type ResearchStudy, researchKeys, type StudyTexts } from './research-api.ts';
import { StudyTextsForm } from './study-texts-form.tsx';

/**
 * /research/new — a researcher starts a study: its title, summary and consent document in Dutch and English. They
 * become its principal investigator, and the study a draft; then they go on to its settings (ethics decision,
 * team, criteria).
 */
export function NewStudyPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return (
    <Page title={t('research.editor.new.title')} size="lg">
      <Anchor component={Link} to="/research">
        {t('research.study.back')}
      </Anchor>
      <Text>{t('research.editor.new.intro')}</Text>
      <StudyTextsForm
        submitLabel={t('research.editor.new.submit')}
        save={(texts: StudyTexts) => api.post<ResearchStudy>('/research/studies', texts)}
        onSaved={(study) => {
          queryClient.setQueryData(researchKeys.study(study.id), study);
          void queryClient.invalidateQueries({ queryKey: researchKeys.studies, exact: true });
          navigate(`/research/${study.id}/settings`, { state: { created: true } });
        }}
        testId="new-study"
      />
    </Page>
  );
}

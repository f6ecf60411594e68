import { Anchor, Code, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { api } from '../../api.ts';
import type { Locale } from '../../api-types.ts';
import { InfoNotice, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { useSession } from '../../components/require-session.tsx';
import { Section } from '../../components/section.tsx';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import { ConsentQuestionsSection } from './consent-questions-form.tsx';
import { EthicsFacts, EthicsForm } from './ethics-form.tsx';
import { LifecyclePanel } from './lifecycle-panel.tsx';
import { QuotaSection } from './quota-section.tsx';
import { type ResearchStudy, researchKeys, type StudyTexts, useStudy } from './research-api.ts';
import { StudyNav, StudyStatusBadge } from './research-parts.tsx';
import { StudyTextsForm } from './study-texts-form.tsx';
import { TeamSection } from './team-section.tsx';

const LANGUAGES: Locale[] = ['nl', 'en'];

/** The texts of an approved study, as participants read them: they no longer change. */
function FrozenTexts({ study }: { study: ResearchStudy }) {
  const { t } = useTranslation();
  const parts: { key: keyof StudyTexts; text: (language: Locale) => string }[] = [
    { key: 'title', text: (language) => study.title[language] },
    { key: 'summary', text: (language) => study.summary[language] },
    { key: 'consent', text: (language) => study.consent[language] },
  ];
  return (
    <Stack gap="md" data-testid="texts-frozen">
      <InfoNotice>{t('research.editor.texts.frozen')}</InfoNotice>
      {parts.map((part) => (
        <Stack key={part.key} gap={4}>
          <Title order={3} size="h4">
            {t(`research.editor.texts.${part.key}`)}
          </Title>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            {LANGUAGES.map((language) => (
              <div key={language}>
                <Text size="sm" fw={600}>
                  {t(`locales.${language}`)}
                </Text>
                <Text lang={language} style={{ whiteSpace: 'pre-wrap' }}>
                  {part.text(language)}
                </Text>
              </div>
            ))}
          </SimpleGrid>
        </Stack>
      ))}
      <Text size="sm">
        {t('research.editor.texts.consentVersion', { version: study.consent.version })}{' '}
        <Code style={{ wordBreak: 'break-all' }}>{study.consent.sha256}</Code>
      </Text>
    </Stack>
  );
}

/**
 * /research/:studyId/settings — a study's settings: where it stands in its lifecycle and the next step; while it
 * is a draft, its texts in both languages, the questions that check its consent was understood, whether it is
 * countersigned, how many take part, and its ethics decision (read-only once approved, as the API holds them); and its team.
 */
export function StudyEditorPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const me = useSession();
  const queryClient = useQueryClient();
  const { studyId = '' } = useParams();
  const location = useLocation();
  const created = (location.state as { created?: boolean } | null)?.created === true;
  const study = useStudy(studyId);

  let content: ReactNode;
  if (study.isPending) content = <Loading />;
  else if (study.isError) content = <QueryError error={study.error} />;
  else {
    const current = study.data;
    const draft = current.status === 'draft';
    content = (
      <>
        <StudyNav studyId={studyId} />
        {created && <SuccessNotice>{t('research.editor.new.created')}</SuccessNotice>}
        <Group gap="sm">
          <Text>{t('research.study.status')}</Text>
          <StudyStatusBadge status={current.status} />
        </Group>
        <LifecyclePanel study={current} me={me} />
        <Section id="texts" title={t('research.editor.texts.heading')}>
          {draft ? (
            <>
              <Text>{t('research.editor.texts.intro')}</Text>
              <StudyTextsForm
                // A new form when the study changes status, so it never shows stale texts.
                key={current.status}
                initial={{ title: current.title, summary: current.summary, consent: current.consent }}
                submitLabel={t('research.editor.texts.submit')}
                save={(texts) => api.patch<ResearchStudy>(`/research/studies/${studyId}`, texts)}
                onSaved={(changed) => {
                  queryClient.setQueryData(researchKeys.study(studyId), changed);
                  void queryClient.invalidateQueries({ queryKey: researchKeys.studies, exact: true });
                }}
                overrides={{ conflict: t('research.editor.frozen') }}
                testId="texts-form"
              >
                <SuccessNotice>{t('research.editor.texts.saved')}</SuccessNotice>
              </StudyTextsForm>
            </>
          ) : (
            <FrozenTexts study={current} />
          )}
        </Section>
        <ConsentQuestionsSection study={current} />
        <QuotaSection study={current} />
        <Section id="ethics" title={t('research.editor.ethics.title')}>
          <Text>{t('research.editor.ethics.intro')}</Text>
          {draft ? (
            <EthicsForm key={current.status} study={current} />
          ) : (
            <EthicsFacts ethics={current.ethics} />
          )}
        </Section>
        <TeamSection study={current} me={me} />
      </>
    );
  }
  return (
    <Page
      title={
        study.data
          ? t('research.editor.title', { study: study.data.title[locale] })
          : t('research.editor.nav.settings')
      }
      size="lg"
    >
      <Anchor component={Link} to="/research">
        {t('research.study.back')}
      </Anchor>
      {content}
    </Page>
  );
}

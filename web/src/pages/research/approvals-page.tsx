import { List, Stack, Text, Title } from '@mantine/core';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ItemCard } from '../../components/item-card.tsx';
import { InfoNotice, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { useDates } from '../consent/consent-queries.ts';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import { ConsentQuestionsFacts } from './consent-questions-form.tsx';
import { useCriterionWords } from './criteria-text.ts';
import { EthicsFacts } from './ethics-form.tsx';
import { AdvanceButton } from './lifecycle-panel.tsx';
import { QuotaFacts } from './quota-section.tsx';
import { type ResearchStudy, useResearchStudies } from './research-api.ts';
import { StudyStatusBadge } from './research-parts.tsx';
import type { ScheduledStudy } from './schedule-api.ts';
import { ScheduleOverview } from './schedule-section.tsx';

/**
 * A draft as the data steward reviews it: summary, ethics decision, criteria, consent questions, quota, schedule,
 * consent document; then approve.
 */
function DraftCard({
  study,
  onApproved,
}: {
  study: ResearchStudy;
  onApproved: (study: ResearchStudy) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { date } = useDates();
  const words = useCriterionWords();
  return (
    <ItemCard
      title={study.title[locale]}
      level={2}
      badge={<StudyStatusBadge status={study.status} />}
      testId="draft-study"
    >
      <Text size="sm">{t('research.approvals.started', { date: date(study.createdAt) })}</Text>
      <Text>{study.summary[locale]}</Text>
      <Title order={3} size="h5">
        {t('research.editor.ethics.title')}
      </Title>
      <EthicsFacts ethics={study.ethics} />
      <Title order={3} size="h5">
        {t('research.approvals.criteria')}
      </Title>
      {study.criteria.all.length === 0 ? (
        <Text>{t('research.criteria.none')}</Text>
      ) : (
        <List type="ordered" spacing={4}>
          {study.criteria.all.map((criterion, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the criteria's order is the study's
            <List.Item key={index}>{words.sentence(criterion)}</List.Item>
          ))}
        </List>
      )}
      <Title order={3} size="h5">
        {t('research.editor.questions.title')}
      </Title>
      <ConsentQuestionsFacts study={study} review />
      <Title order={3} size="h5">
        {t('research.editor.quota.title')}
      </Title>
      <QuotaFacts study={study} review />
      <Title order={3} size="h5">
        {t('research.schedule.title')}
      </Title>
      <ScheduleOverview timepoints={(study as ScheduledStudy).schedule?.timepoints ?? []} />
      <details>
        <summary style={{ cursor: 'pointer', fontWeight: 600 }}>{t('research.approvals.consent')}</summary>
        <Text mt="xs" style={{ whiteSpace: 'pre-wrap' }} data-testid="draft-consent">
          {study.consent[locale]}
        </Text>
      </details>
      {study.ethics ? (
        <div>
          <AdvanceButton study={study} to="approved" onDone={onApproved} />
        </div>
      ) : (
        <InfoNotice>{t('research.approvals.noEthics')}</InfoNotice>
      )}
    </ItemCard>
  );
}

/**
 * /research/approvals — the data steward's drafts, oldest first: each with its ethics decision, criteria and
 * consent document, and "Approve study" once the ethics decision is recorded. From then on its texts are fixed,
 * and its principal investigator can open recruitment.
 */
export function ApprovalsPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const studies = useResearchStudies();
  const [approved, setApproved] = useState<ResearchStudy | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  // The approved study leaves the list with its button: focus moves to what was done, not to nowhere.
  useEffect(() => {
    if (approved) noticeRef.current?.focus();
  }, [approved]);

  let content: ReactNode;
  if (studies.isPending) content = <Loading />;
  else if (studies.isError) content = <QueryError error={studies.error} />;
  else {
    const drafts = studies.data
      .filter((study) => study.status === 'draft')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    content =
      drafts.length === 0 ? (
        <InfoNotice>{t('research.approvals.empty')}</InfoNotice>
      ) : (
        <Stack gap="md">
          {drafts.map((study) => (
            <DraftCard key={study.id} study={study} onApproved={setApproved} />
          ))}
        </Stack>
      );
  }
  return (
    <Page title={t('research.approvals.title')} size="lg">
      <Text>{t('research.approvals.intro')}</Text>
      <div ref={noticeRef} tabIndex={-1} style={{ outline: 'none' }}>
        {approved && (
          <SuccessNotice>{t('research.approvals.approved', { study: approved.title[locale] })}</SuccessNotice>
        )}
      </div>
      {content}
    </Page>
  );
}

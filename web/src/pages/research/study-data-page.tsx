import { Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { ItemCard } from '../../components/item-card.tsx';
import { FormAlert, InfoNotice, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { Section } from '../../components/section.tsx';
import { errorMessage } from '../../form-errors.ts';
import { useDates } from '../consent/consent-queries.ts';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import { CountersignSection } from './countersign-section.tsx';
import { ExtractsSection } from './extracts-section.tsx';
import { MonitoringSection } from './monitoring-section.tsx';
import { NewsList, PublishNewsForm } from './news-section.tsx';
import { RecruitmentSection } from './recruitment-section.tsx';
import { RequestForm } from './request-form.tsx';
import {
  type CatalogueDataset,
  type DataRequest,
  type Extract,
  researchKeys,
  useCatalogue,
  useResearchStudies,
  useStudyRequests,
} from './research-api.ts';
import {
  ConditionsNotice,
  PeriodText,
  RequestedData,
  RequestStatusBadge,
  StudyNav,
  StudyStatusBadge,
} from './research-parts.tsx';
import { ScheduleSection } from './schedule-section.tsx';
import { SubjectsSection } from './subjects-section.tsx';

/** A label and its value, as a term and its description. */
function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <Text component="dt" fw={600} size="sm">
        {term}
      </Text>
      <Text component="dd" m={0}>
        {children}
      </Text>
    </div>
  );
}

/** One data request of the study: what it asks, its decision (with the conditions), and for an approval "Make extract". */
function RequestCard({ request, catalogue }: { request: DataRequest; catalogue: CatalogueDataset[] }) {
  const { t } = useTranslation();
  const { date, dateTime } = useDates();
  const queryClient = useQueryClient();
  const start = useMutation({
    mutationFn: () => api.post<Extract>(`/research/data-requests/${request.id}/extracts`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: researchKeys.extracts(request.studyId) }),
  });
  return (
    <ItemCard
      title={t('research.requests.heading', { date: date(request.createdAt) })}
      badge={<RequestStatusBadge status={request.status} />}
      testId="data-request"
    >
      {request.status === 'approved' && request.conditions && (
        <ConditionsNotice conditions={request.conditions} />
      )}
      <Stack component="dl" gap="xs" m={0}>
        <Fact term={t('research.period')}>
          <PeriodText period={request.period} />
        </Fact>
        <Fact term={t('research.datasets')}>
          <RequestedData datasets={request.datasets} catalogue={catalogue} />
        </Fact>
        <Fact term={t('research.purpose')}>
          <Text span style={{ whiteSpace: 'pre-wrap' }}>
            {request.purpose}
          </Text>
        </Fact>
        {request.decidedAt && (
          <Fact term={t('research.requests.decidedAt')}>{dateTime(request.decidedAt)}</Fact>
        )}
        {request.decisionNote && (
          <Fact term={t('research.requests.note')}>
            <Text span style={{ whiteSpace: 'pre-wrap' }} data-testid="decision-note">
              {request.decisionNote}
            </Text>
          </Fact>
        )}
      </Stack>
      {request.status === 'submitted' && <Text size="sm">{t('research.requests.waiting')}</Text>}
      {request.status === 'approved' && (
        <Stack gap="xs">
          <FormAlert message={start.isError ? errorMessage(start.error, t) : null} />
          {start.isSuccess && <SuccessNotice>{t('research.requests.extractStarted')}</SuccessNotice>}
          <div>
            <Button onClick={() => start.mutate()} loading={start.isPending} data-testid="make-extract">
              {t('research.requests.makeExtract')}
            </Button>
          </div>
        </Stack>
      )}
    </ItemCard>
  );
}

/**
 * /research/:studyId — one study of the researcher: its schedule (edited while a draft), recruitment (inviting members,
 * the counts of each batch), those taking part (by pseudonym), how the schedule goes (monitoring), its data requests and their decisions, a form to ask for data, the extracts of approved requests with their files,
 * and the study's news with a form to publish it.
 */
export function StudyDataPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { studyId = '' } = useParams();
  const studies = useResearchStudies();
  const catalogue = useCatalogue();
  const requests = useStudyRequests(studyId);
  const study = studies.data?.find((candidate) => candidate.id === studyId);

  let content: ReactNode;
  if (studies.isPending || catalogue.isPending || requests.isPending) content = <Loading />;
  else if (studies.isError) content = <QueryError error={studies.error} />;
  else if (!study) content = <InfoNotice>{t('research.study.notFound')}</InfoNotice>;
  else if (catalogue.isError) content = <QueryError error={catalogue.error} />;
  else if (requests.isError) content = <QueryError error={requests.error} />;
  else {
    content = (
      <>
        <StudyNav studyId={studyId} />
        <Group gap="sm">
          <Text>{t('research.study.status')}</Text>
          <StudyStatusBadge status={study.status} />
        </Group>
        <Text>{study.summary[locale]}</Text>
        <ScheduleSection studyId={studyId} />
        <RecruitmentSection studyId={studyId} status={study.status} />
        {study.countersign && <CountersignSection studyId={studyId} />}
        <SubjectsSection studyId={studyId} />
        <MonitoringSection studyId={studyId} status={study.status} />
        <Section id="data-requests" title={t('research.requests.title')}>
          {requests.data.length === 0 ? (
            <Text>{t('research.requests.none')}</Text>
          ) : (
            requests.data.map((request) => (
              <RequestCard key={request.id} request={request} catalogue={catalogue.data} />
            ))
          )}
        </Section>
        {study.status === 'draft' ? (
          <InfoNotice title={t('research.request.title')}>{t('research.request.draft')}</InfoNotice>
        ) : (
          <RequestForm studyId={studyId} catalogue={catalogue.data} />
        )}
        <ExtractsSection studyId={studyId} requests={requests.data} />
        <NewsList studyId={studyId} />
        <PublishNewsForm studyId={studyId} studyTitle={study.title[locale]} status={study.status} />
      </>
    );
  }
  return (
    <Page title={study ? study.title[locale] : t('research.studies.title')} size="lg">
      <Anchor component={Link} to="/research">
        {t('research.study.back')}
      </Anchor>
      {content}
    </Page>
  );
}

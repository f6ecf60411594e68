import { Anchor, Badge, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { DataTable } from '../../components/data-table.tsx';
import { InfoNotice, Loading, QueryError } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { useDates } from '../consent/consent-queries.ts';
import { GlucoseReportView } from '../glucose/glucose-page.tsx';

/** A member of the coach's caseload, as GET /me/caseload answers. */
interface CaseloadMember {
  participantId: string;
  displayName: string;
  since: string;
  sharing: boolean;
}

const caseloadKey = ['caseload'] as const;

function useCaseload() {
  return useQuery({
    queryKey: caseloadKey,
    queryFn: async () => (await api.get<{ members: CaseloadMember[] }>('/me/caseload')).members,
  });
}

/** /caseload — the coach's members: since when, whether each shares with the coach, and their glucose. */
export function CaseloadPage() {
  const { t } = useTranslation();
  const caseload = useCaseload();
  const { date } = useDates();
  let content: ReactNode;
  if (caseload.isPending) content = <Loading />;
  else if (caseload.isError) content = <QueryError error={caseload.error} />;
  else if (caseload.data.length === 0)
    content = <Text data-testid="caseload-empty">{t('caseload.empty')}</Text>;
  else {
    content = (
      <DataTable
        caption={t('caseload.caption')}
        head={[t('caseload.columns.name'), t('caseload.columns.since'), t('caseload.columns.sharing')]}
        minWidth={480}
      >
        {caseload.data.map((member) => (
          <Table.Tr key={member.participantId} data-testid="caseload-member">
            <Table.Td>
              {member.sharing ? (
                <Anchor component={Link} to={`/caseload/${member.participantId}`}>
                  {member.displayName}
                </Anchor>
              ) : (
                member.displayName
              )}
            </Table.Td>
            <Table.Td>{date(member.since)}</Table.Td>
            <Table.Td>
              <Badge color={member.sharing ? 'teal' : 'gray'} variant="light" c="dark.7" tt="none">
                {member.sharing ? t('caseload.shares') : t('caseload.doesNotShare')}
              </Badge>
            </Table.Td>
          </Table.Tr>
        ))}
      </DataTable>
    );
  }
  return (
    <Page title={t('caseload.title')} size="lg">
      <Text>{t('caseload.intro')}</Text>
      {content}
    </Page>
  );
}

/** /caseload/:participantId — a member's glucose report, as far as the member shares it with the coach. */
export function MemberGlucosePage() {
  const { t } = useTranslation();
  const { participantId = '' } = useParams();
  const caseload = useCaseload();
  const member = caseload.data?.find((m) => m.participantId === participantId);
  const name = member?.displayName ?? '';
  let content: ReactNode;
  if (caseload.isPending) content = <Loading />;
  else if (caseload.isError) content = <QueryError error={caseload.error} />;
  else if (!member) content = <Text data-testid="caseload-not-member">{t('caseload.notMember')}</Text>;
  else content = <GlucoseReportView member={{ id: participantId, name }} />;
  return (
    <Page title={member ? t('caseload.memberTitle', { name }) : t('caseload.title')} size="lg">
      <Anchor component={Link} to="/caseload">
        {t('caseload.back')}
      </Anchor>
      <InfoNotice title={t('caseload.disclaimer.title')}>{t('caseload.disclaimer.text')}</InfoNotice>
      {content}
    </Page>
  );
}

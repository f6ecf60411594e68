import { Anchor, Button, Code, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DataTable } from '../../components/data-table.tsx';
import { InfoNotice, Loading, QueryError } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { useSession } from '../../components/require-session.tsx';
import { useDates } from '../consent/consent-queries.ts';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import { useResearchStudies } from './research-api.ts';
import { StudyStatusBadge } from './research-parts.tsx';

/**
 * /research — the researcher's studies (those whose team they are on): title, status, since when; a new study; and
 * their own account number, which a principal investigator needs to add them to a team.
 */
export function ResearchStudiesPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { date } = useDates();
  const studies = useResearchStudies();
  const me = useSession();
  let content: ReactNode;
  if (studies.isPending) content = <Loading />;
  else if (studies.isError) content = <QueryError error={studies.error} />;
  else if (studies.data.length === 0) content = <InfoNotice>{t('research.studies.none')}</InfoNotice>;
  else {
    content = (
      <DataTable
        caption={t('research.studies.caption')}
        head={[
          t('research.studies.columns.title'),
          t('research.studies.columns.status'),
          t('research.studies.columns.created'),
        ]}
        minWidth={520}
      >
        {studies.data.map((study) => (
          <Table.Tr key={study.id} data-testid="research-study">
            <Table.Td>
              <Anchor component={Link} to={`/research/${study.id}`}>
                {study.title[locale]}
              </Anchor>
            </Table.Td>
            <Table.Td>
              <StudyStatusBadge status={study.status} />
            </Table.Td>
            <Table.Td>{date(study.createdAt)}</Table.Td>
          </Table.Tr>
        ))}
      </DataTable>
    );
  }
  return (
    <Page title={t('research.studies.title')} size="lg">
      <Text>{t('research.studies.intro')}</Text>
      <div>
        <Button component={Link} to="/research/new" data-testid="new-study">
          {t('research.editor.new.button')}
        </Button>
      </div>
      {content}
      <Text size="sm" data-testid="my-account-id">
        {t('research.editor.team.myAccountId')} <Code>{me.account.id}</Code>
      </Text>
    </Page>
  );
}

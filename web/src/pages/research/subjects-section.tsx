import { Code, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { DataTable } from '../../components/data-table.tsx';
import { Loading, QueryError } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { useDates } from '../consent/consent-queries.ts';
import { useStudySubjects } from './research-api.ts';

/**
 * Those taking part, by the study's pseudonym only, with their status and since when: only those whose research
 * consent holds now (the server decides, and audits the read).
 */
export function SubjectsSection({ studyId }: { studyId: string }) {
  const { t } = useTranslation();
  const { date } = useDates();
  const subjects = useStudySubjects(studyId);
  let content: ReactNode;
  if (subjects.isPending) content = <Loading />;
  else if (subjects.isError) content = <QueryError error={subjects.error} />;
  else if (subjects.data.length === 0) content = <Text>{t('research.editor.subjects.none')}</Text>;
  else {
    content = (
      <DataTable
        caption={t('research.editor.subjects.caption', { count: subjects.data.length })}
        head={[
          t('research.editor.subjects.pseudonym'),
          t('research.editor.subjects.status'),
          t('research.editor.subjects.since'),
        ]}
        minWidth={480}
      >
        {subjects.data.map((subject) => (
          <Table.Tr key={subject.pseudonym} data-testid="subject">
            <Table.Td>
              <Code>{subject.pseudonym}</Code>
            </Table.Td>
            <Table.Td>{t(`research.editor.subjects.statuses.${subject.status}`)}</Table.Td>
            <Table.Td>{date(subject.since)}</Table.Td>
          </Table.Tr>
        ))}
      </DataTable>
    );
  }
  return (
    <Section id="subjects" title={t('research.editor.subjects.title')}>
      <Text>{t('research.editor.subjects.intro')}</Text>
      {content}
    </Section>
  );
}

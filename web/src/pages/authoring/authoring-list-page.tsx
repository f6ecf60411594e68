import { Anchor, Group, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { QuestionnaireSummary } from '../../api-types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { InfoNotice, Loading, QueryError } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { Section } from '../../components/section.tsx';
import { useDates } from '../consent/consent-queries.ts';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import {
  authoringPath,
  groupByUrl,
  type Instrument,
  questionnaireFhirUrl,
  useAllVersions,
} from './authoring-queries.ts';
import { ImportPanel } from './import-panel.tsx';
import { StatusBadge, useVersionWords } from './version-words.tsx';

/** The instrument's short name from its canonical url, e.g. `findrisc`. */
const instrumentName = (url: string): string => url.split('/').pop() ?? url;

/** When the version was made, put in use and retired. */
function VersionDates({ version }: { version: QuestionnaireSummary }) {
  const { t } = useTranslation();
  const dates = useDates();
  return (
    <Stack gap={0}>
      <Text size="sm">{t('authoring.dates.created', { date: dates.date(version.createdAt) })}</Text>
      {version.activatedAt && (
        <Text size="sm">{t('authoring.dates.activated', { date: dates.date(version.activatedAt) })}</Text>
      )}
      {version.retiredAt && (
        <Text size="sm">{t('authoring.dates.retired', { date: dates.date(version.retiredAt) })}</Text>
      )}
    </Stack>
  );
}

/** One questionnaire: its versions, newest first, each with a way to open and to download it. */
function InstrumentVersions({ instrument }: { instrument: Instrument }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const words = useVersionWords();
  const [newest] = instrument.versions;
  if (!newest) return null;
  const title = newest.title[locale];
  const name = instrumentName(instrument.url);
  const headingId = `instrument-${name}-title`;
  return (
    <Stack gap="xs" component="section" aria-labelledby={headingId} data-testid={`instrument-${name}`}>
      <Title order={3} id={headingId}>
        {title}
      </Title>
      <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
        {instrument.url}
      </Text>
      <DataTable
        caption={t('authoring.list.versionsOf', { title })}
        head={[
          t('authoring.fields.version'),
          t('authoring.fields.status'),
          t('authoring.fields.source'),
          t('authoring.fields.scoring'),
          t('authoring.fields.repeat'),
          t('authoring.fields.dates'),
          t('common.actions'),
        ]}
        minWidth={900}
      >
        {instrument.versions.map((version) => {
          const context = t('authoring.list.context', {
            title: version.title[locale],
            version: version.version,
          });
          return (
            <Table.Tr key={version.id} data-testid={`version-${name}-${version.version}`}>
              <Table.Td>
                {version.version}
                {version.title[locale] !== title && (
                  <Text size="sm" c="dimmed">
                    {version.title[locale]}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <StatusBadge status={version.status} testId={`version-${name}-${version.version}-status`} />
              </Table.Td>
              <Table.Td>{words.source(version)}</Table.Td>
              <Table.Td>{words.scoring(version)}</Table.Td>
              <Table.Td>{words.repeat(version)}</Table.Td>
              <Table.Td>
                <VersionDates version={version} />
              </Table.Td>
              <Table.Td>
                <Group gap="sm" wrap="nowrap">
                  <Anchor component={Link} to={authoringPath(version.id)} pos="relative" fw={600}>
                    {t('authoring.list.open')}
                    <VisuallyHidden>{context}</VisuallyHidden>
                  </Anchor>
                  <Anchor href={questionnaireFhirUrl(version.id)} download pos="relative">
                    {t('authoring.list.download')}
                    <VisuallyHidden>{context}</VisuallyHidden>
                  </Anchor>
                </Group>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </DataTable>
    </Stack>
  );
}

/** /author/questionnaires — every questionnaire with its versions, and importing new ones. */
export function AuthoringListPage() {
  const { t } = useTranslation();
  const versions = useAllVersions();

  let content: ReactNode;
  if (versions.isPending) content = <Loading />;
  else if (versions.isError) content = <QueryError error={versions.error} />;
  else if (versions.data.length === 0) content = <Text>{t('authoring.list.none')}</Text>;
  else {
    content = groupByUrl(versions.data).map((instrument) => (
      <InstrumentVersions key={instrument.url} instrument={instrument} />
    ));
  }

  return (
    <Page title={t('authoring.title')} size="xl">
      <Text size="lg">{t('authoring.intro')}</Text>
      <InfoNotice title={t('authoring.versionsTitle')}>{t('authoring.versions')}</InfoNotice>
      <Text>
        <Anchor href="#import" fw={600}>
          {t('authoring.toImport')}
        </Anchor>
      </Text>
      <Section id="questionnaire-list" title={t('authoring.list.title')}>
        <Stack gap="xl">{content}</Stack>
      </Section>
      <ImportPanel />
    </Page>
  );
}

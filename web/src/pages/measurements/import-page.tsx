import { Button, List, Stack, Text, Title } from '@mantine/core';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { IMPORT_FORMATS, type ImportSummary } from '../../api-types.ts';
import { Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { Section } from '../../components/section.tsx';
import { useMyProfile } from '../profile/profile-queries.ts';
import { NotJoined } from '../questionnaires/questionnaires-page.tsx';
import { ImportForm } from './import-form.tsx';
import { ImportSummaryView, useCount } from './import-summary.tsx';
import { ImportsList } from './imports-list.tsx';
import { NightscoutForm } from './nightscout-form.tsx';

/** The file kinds the platform reads, each with where to get it. */
function Sources() {
  const { t } = useTranslation();
  return (
    <Section id="import-sources" title={t('measurements.sources.title')}>
      <Text>{t('measurements.sources.intro')}</Text>
      <List spacing="xs">
        {IMPORT_FORMATS.map((format) => (
          <List.Item key={format}>
            <Text span fw={600}>
              {t(`measurements.formats.${format}`)}
            </Text>
            {' — '}
            {t(`measurements.sources.${format}`)}
          </List.Item>
        ))}
      </List>
    </Section>
  );
}

/** Right after an import: the outcome, announced, and the way to the glucose report. */
function Imported({ summary }: { summary: ImportSummary }) {
  const { t } = useTranslation();
  const count = useCount();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <Stack data-testid="import-done">
      <Title order={3} ref={heading} tabIndex={-1}>
        {t('measurements.result.title')}
      </Title>
      <SuccessNotice>
        {summary.imported === 0
          ? t('measurements.result.nothingNew')
          : t('measurements.result.text', { count: summary.imported, value: count(summary.imported) })}
      </SuccessNotice>
      <ImportSummaryView summary={summary} />
      <div>
        <Button component={Link} to="/glucose" data-testid="import-to-report">
          {t('measurements.result.toReport')}
        </Button>
      </div>
    </Stack>
  );
}

/** /measurements/import — bring in measurements from a file (CGM, Apple Health, FHIR …) and see what came of it. */
export function MeasurementsImportPage() {
  const { t } = useTranslation();
  const profile = useMyProfile();
  const [imported, setImported] = useState<ImportSummary | null>(null);

  let content: ReactNode;
  if (profile.isPending) content = <Loading />;
  else if (profile.isError) content = <QueryError error={profile.error} />;
  else if (!profile.data) content = <NotJoined />;
  else {
    content = (
      <>
        <Section id="import-file" title={t('measurements.import.title')}>
          <ImportForm
            timeZone={profile.data.timeZone}
            onStart={() => setImported(null)}
            onImported={setImported}
          />
          {imported && <Imported key={imported.id} summary={imported} />}
        </Section>
        <Section id="import-nightscout" title={t('measurements.nightscout.title')}>
          <NightscoutForm onStart={() => setImported(null)} onImported={setImported} />
        </Section>
        <Sources />
        <ImportsList />
      </>
    );
  }

  return (
    <Page title={t('measurements.title')} size="lg">
      <Text>{t('measurements.intro')}</Text>
      {content}
    </Page>
  );
}

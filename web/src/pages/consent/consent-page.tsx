import { Anchor, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Loading, QueryError } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { Section } from '../../components/section.tsx';
import { ConsentHistory } from './consent-history.tsx';
import { FHIR_EXPORT_URL, useConsentCatalogue, useMyConsents } from './consent-queries.ts';
import { PurposeCard } from './purpose-card.tsx';

/** All consents in one FHIR file (GET /me/consents/fhir), for the person's own records. */
function ExportSection() {
  const { t } = useTranslation();
  return (
    <Section id="export" title={t('consent.export.title')}>
      <Text>{t('consent.export.text')}</Text>
      <Text>
        <Anchor
          href={FHIR_EXPORT_URL}
          download="topfit-consents-fhir.json"
          fw={600}
          data-testid="consent-fhir"
        >
          {t('consent.export.link')}
        </Anchor>
      </Text>
    </Section>
  );
}

/** My consents: per purpose the text, the decision and yes/no; then the history and the FHIR export. */
export function ConsentPage() {
  const { t } = useTranslation();
  const catalogue = useConsentCatalogue();
  const mine = useMyConsents();

  let purposes: ReactNode;
  if (catalogue.isPending || mine.isPending) purposes = <Loading />;
  else if (catalogue.isError) purposes = <QueryError error={catalogue.error} />;
  else if (mine.isError) purposes = <QueryError error={mine.error} />;
  else {
    purposes = (
      <Stack gap="lg">
        {mine.data.map((state) => (
          <PurposeCard
            key={state.purposeKey}
            state={state}
            document={catalogue.data.find((d) => d.purposeKey === state.purposeKey)}
          />
        ))}
      </Stack>
    );
  }

  return (
    <Page title={t('consent.title')}>
      <Text size="lg">{t('consent.intro')}</Text>
      <Text>
        {t('consent.allTextsIntro')}{' '}
        <Anchor component={Link} to="/consent/purposes">
          {t('consent.allTexts')}
        </Anchor>
      </Text>
      {purposes}
      <ConsentHistory />
      <ExportSection />
    </Page>
  );
}

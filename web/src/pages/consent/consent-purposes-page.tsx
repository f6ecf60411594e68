import { Button, Group, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Loading, QueryError } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { Section } from '../../components/section.tsx';
import { hasRole, useMe } from '../../hooks/use-me.ts';
import { useConsentCatalogue, useDates, useLocalized } from './consent-queries.ts';
import { DocumentText } from './document-text.tsx';

/** What to do next: citizens go to their dashboard, visitors can join. */
function NextStep() {
  const { t } = useTranslation();
  const me = useMe();
  if (me.isPending) return null;
  if (me.data) {
    if (!hasRole(me.data, 'citizen')) return null;
    return (
      <div>
        <Button component={Link} to="/consent">
          {t('consentPurposes.toDashboard')}
        </Button>
      </div>
    );
  }
  return (
    <Stack gap="sm">
      <Text>{t('consentPurposes.join')}</Text>
      <Group>
        <Button component={Link} to="/join">
          {t('join.cta')}
        </Button>
        <Button component={Link} to="/sign-in" variant="default">
          {t('nav.signIn')}
        </Button>
      </Group>
    </Stack>
  );
}

/** Public: every purpose with its full text in the current language, to read before joining. */
export function ConsentPurposesPage() {
  const { t } = useTranslation();
  const catalogue = useConsentCatalogue();
  const localized = useLocalized();
  const dates = useDates();

  let content: ReactNode;
  if (catalogue.isPending) content = <Loading />;
  else if (catalogue.isError) content = <QueryError error={catalogue.error} />;
  else {
    content = catalogue.data.map((document) => (
      <Section
        key={document.purposeKey}
        id={`about-${document.purposeKey}`}
        title={localized(document.title)}
      >
        <Text size="sm" c="dimmed">
          {t('consentPurposes.version', {
            version: document.version,
            date: dates.date(document.publishedAt),
          })}
        </Text>
        <DocumentText text={localized(document.body)} />
      </Section>
    ));
  }

  return (
    <Page title={t('consentPurposes.title')}>
      <Text size="lg">{t('consentPurposes.intro')}</Text>
      <NextStep />
      {content}
    </Page>
  );
}

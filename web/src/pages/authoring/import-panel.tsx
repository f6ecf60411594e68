import { Button, List, Stack, Tabs, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import type { QuestionnaireDetail, RedcapImportAnswer } from '../../api-types.ts';
import { InfoNotice, SuccessNotice } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import { authoringPath, refreshQuestionnaires } from './authoring-queries.ts';
import { FhirJsonForm } from './fhir-json-form.tsx';
import { RedcapForm } from './redcap-form.tsx';

interface Imported {
  record: QuestionnaireDetail;
  warnings: RedcapImportAnswer['warnings'];
}

/** After an import: the new draft, the way to try it out, and what the import had to change. */
function ImportedNotice({ imported }: { imported: Imported }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { record, warnings } = imported;
  return (
    <Stack data-testid="import-done">
      <SuccessNotice title={t('authoring.imported.title')}>
        <Stack gap="sm" align="flex-start">
          <Text>
            {t('authoring.imported.text', { title: record.title[locale], version: record.version })}
          </Text>
          <Button component={Link} to={authoringPath(record.id)} data-testid="import-open">
            {t('authoring.imported.open')}
          </Button>
        </Stack>
      </SuccessNotice>
      {warnings.length > 0 && (
        <InfoNotice title={t('authoring.imported.warningsTitle', { count: warnings.length })}>
          <Text mb="xs">{t('authoring.imported.warningsIntro')}</Text>
          <List spacing={4} data-testid="import-warnings">
            {warnings.map((warning) => (
              <List.Item key={`${warning.line}-${warning.message}`}>
                {t('authoring.imported.line', { line: warning.line })}{' '}
                <span lang="en">{warning.message}</span>
              </List.Item>
            ))}
          </List>
        </InfoNotice>
      )}
    </Stack>
  );
}

/**
 * Import a questionnaire: a FHIR R4 Questionnaire (JSON) or a REDCap data dictionary (CSV). Either becomes
 * a draft: a new questionnaire, or the next version of one with the same url (JSON) or machine name (REDCap).
 */
export function ImportPanel() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [imported, setImported] = useState<Imported | null>(null);
  const done = (record: QuestionnaireDetail, warnings: Imported['warnings'] = []) => {
    refreshQuestionnaires(queryClient, record);
    setImported({ record, warnings });
  };
  return (
    <Section id="import" title={t('authoring.import.title')}>
      <Text>{t('authoring.import.intro')}</Text>
      <Tabs defaultValue="fhir" onChange={() => setImported(null)}>
        <Tabs.List aria-label={t('authoring.import.kinds')}>
          <Tabs.Tab value="fhir" data-testid="import-tab-fhir">
            {t('authoring.import.fhirTab')}
          </Tabs.Tab>
          <Tabs.Tab value="redcap" data-testid="import-tab-redcap">
            {t('authoring.import.redcapTab')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="fhir" pt="md">
          <Stack>
            <Text>{t('authoring.fhir.intro')}</Text>
            <FhirJsonForm
              send={(json) => api.post<QuestionnaireDetail>('/questionnaires', json)}
              submitLabel={t('authoring.fhir.submit')}
              onDone={(record) => done(record)}
              testId="fhir-import"
            />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="redcap" pt="md">
          <Stack>
            <Text>{t('authoring.redcap.intro')}</Text>
            <RedcapForm onDone={(answer) => done(answer.questionnaire, answer.warnings)} />
          </Stack>
        </Tabs.Panel>
      </Tabs>
      <div role="status">{imported && <ImportedNotice imported={imported} />}</div>
    </Section>
  );
}

import { Alert, Anchor, Card, Collapse, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ConsentDocument } from '../../api-types.ts';
import { FormAlert, Loading, QueryError } from '../../components/notices.tsx';
import { useConsentCatalogue, useLocalized } from '../consent/consent-queries.ts';
import { DocumentText } from '../consent/document-text.tsx';
import { ChoiceFieldset } from '../profile/profile-fields.tsx';
import type { ConsentChoice } from './join-draft.ts';
import { StepButtons } from './step-buttons.tsx';

const CHOICES: readonly ConsentChoice[] = ['granted', 'refused', 'later'];

/** One purpose: its title, its text on request, and yes, no or later. */
function PurposeChoice({
  document,
  choice,
  onChoose,
}: {
  document: ConsentDocument;
  choice: ConsentChoice;
  onChoose: (choice: ConsentChoice) => void;
}) {
  const { t } = useTranslation();
  const localized = useLocalized();
  const [open, setOpen] = useState(false);
  const key = document.purposeKey;
  const id = `join-purpose-${key}`;
  const title = localized(document.title);
  return (
    <Card
      withBorder
      padding="md"
      component="section"
      aria-labelledby={`${id}-title`}
      data-testid={`join-purpose-${key}`}
    >
      <Stack gap="sm">
        <Title order={3} id={`${id}-title`}>
          {title}
        </Title>
        <div>
          <Anchor
            component="button"
            type="button"
            fw={600}
            onClick={() => setOpen((value) => !value)}
            aria-expanded={open}
            aria-controls={`${id}-text`}
          >
            {t('consent.readText', { version: document.version })}
          </Anchor>
          <Collapse expanded={open} id={`${id}-text`} keepMountedMode="display-none">
            <Paper bg="gray.0" p="md" mt="xs">
              <DocumentText text={localized(document.body)} />
            </Paper>
          </Collapse>
        </div>
        <ChoiceFieldset
          legend={t('consent.question', { title })}
          name={`consent-${key}`}
          value={choice}
          onChange={(value) => onChoose(value === 'granted' || value === 'refused' ? value : 'later')}
          options={CHOICES.map((value) => ({ value, label: t(`join.consent.choices.${value}`) }))}
        />
      </Stack>
    </Card>
  );
}

interface ConsentStepProps {
  consents: Record<string, ConsentChoice>;
  onChoose: (purposeKey: string, choice: ConsentChoice) => void;
  /** Joins with the documents shown. */
  onSubmit: (documents: ConsentDocument[]) => void;
  onBack: () => void;
  submitting: boolean;
  /** A text changed while the person read it: the catalogue was loaded again. */
  textChanged: boolean;
  formError: string | null;
}

/** Step 5: a choice per purpose (later is allowed, and counts as no), then joining. */
export function ConsentStep(props: ConsentStepProps) {
  const { t } = useTranslation();
  const catalogue = useConsentCatalogue();
  if (catalogue.isPending) return <Loading />;
  if (catalogue.isError) return <QueryError error={catalogue.error} />;
  return (
    <Stack gap="lg">
      <Text>{t('join.consent.intro')}</Text>
      <Text>
        {t('consent.allTextsIntro')}{' '}
        <Anchor component={Link} to="/consent/purposes">
          {t('join.consent.allTexts')}
        </Anchor>
      </Text>
      {props.textChanged && (
        <Alert color="blue" title={t('consent.versionChangedTitle')} role="alert">
          {t('join.consent.textChanged')}
        </Alert>
      )}
      {catalogue.data.map((document) => (
        <PurposeChoice
          key={document.purposeKey}
          document={document}
          choice={props.consents[document.purposeKey] ?? 'later'}
          onChoose={(choice) => props.onChoose(document.purposeKey, choice)}
        />
      ))}
      <FormAlert message={props.formError} />
      <StepButtons
        onBack={props.onBack}
        onNext={() => props.onSubmit(catalogue.data)}
        nextLabel={t('join.consent.submit')}
        loading={props.submitting}
      />
    </Stack>
  );
}

import {
  Alert,
  Anchor,
  Button,
  Card,
  Collapse,
  Fieldset,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../api.ts';
import type { ConsentDecision, ConsentDocument, ConsentReceipt, ConsentState } from '../../api-types.ts';
import { FormAlert, InfoNotice } from '../../components/notices.tsx';
import { errorMessage } from '../../form-errors.ts';
import {
  catalogueKey,
  historyKey,
  myConsentsKey,
  receiptUrl,
  useDates,
  useLocalized,
} from './consent-queries.ts';
import { DocumentText } from './document-text.tsx';

/** Yes first, no second: both the same size and look, so saying no is exactly as easy as saying yes. */
const CHOICES: readonly ConsentDecision[] = ['granted', 'refused'];

/** What the last click led to, shown (and announced) below the buttons. */
type Outcome =
  | { kind: 'saved'; receipt: ConsentReceipt }
  | { kind: 'unchanged' }
  | { kind: 'versionChanged' }
  | { kind: 'failed'; error: unknown };

interface PurposeCardProps {
  state: ConsentState;
  /** The document in force; undefined only while the catalogue and the state disagree about a purpose. */
  document: ConsentDocument | undefined;
}

/** The current decision in plain words: yes, no, or not chosen (which counts as no). */
function useDecisionWords(state: ConsentState): string {
  const { t } = useTranslation();
  if (state.decision === null) return t('consent.decision.none');
  if (state.decision === 'refused') return t('consent.decision.refused');
  return state.effective ? t('consent.decision.granted') : t('consent.decision.grantedNotCounting');
}

/**
 * One purpose on the dashboard: its title, its text (expandable), the current decision, a notice when the
 * text changed since the consent, and two equal buttons to say yes or no. Each change is announced with a
 * link to its receipt; a version that changed meanwhile (409) reloads the text and asks again.
 */
export function PurposeCard({ state, document }: PurposeCardProps) {
  const { t } = useTranslation();
  const localized = useLocalized();
  const dates = useDates();
  const queryClient = useQueryClient();
  const key = state.purposeKey;
  const id = `purpose-${key}`;
  const title = document ? localized(document.title) : key;
  const [textOpen, setTextOpen] = useState(state.reconsentNeeded);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const decisionWords = useDecisionWords(state);

  /** The text in force is newer than the one shown: load it again, open it and ask to choose again. */
  const askAgain = () => {
    setOutcome({ kind: 'versionChanged' });
    setTextOpen(true);
    void queryClient.invalidateQueries({ queryKey: catalogueKey });
    void queryClient.invalidateQueries({ queryKey: myConsentsKey });
  };

  const decide = useMutation({
    mutationFn: (decision: ConsentDecision) =>
      api.post<ConsentReceipt>('/me/consents', {
        purposeKey: key,
        decision,
        documentVersion: state.currentVersion,
      }),
    onMutate: () => setOutcome(null),
    onSuccess: (receipt) => {
      setOutcome({ kind: 'saved', receipt });
      void queryClient.invalidateQueries({ queryKey: myConsentsKey });
      void queryClient.invalidateQueries({ queryKey: historyKey });
    },
    onError: (error) => {
      if (isApiError(error) && error.status === 409) askAgain();
      else setOutcome({ kind: 'failed', error });
    },
  });

  const choose = (decision: ConsentDecision) => {
    // The buttons stay enabled while saving (a disabled button would lose the keyboard focus).
    if (decide.isPending) return;
    if (document && document.version !== state.currentVersion) {
      askAgain();
      return;
    }
    if (state.decision === decision && state.documentVersion === state.currentVersion) {
      setOutcome({ kind: 'unchanged' });
      return;
    }
    decide.mutate(decision);
  };

  let status: ReactNode = null;
  if (decide.isPending) {
    status = <Text>{t('consent.saving')}</Text>;
  } else if (outcome?.kind === 'saved') {
    const { receipt } = outcome;
    status = (
      <Paper withBorder p="sm" bg="teal.0">
        <Text fw={700}>
          {receipt.decision === 'granted'
            ? t('consent.savedGranted', { title })
            : t('consent.savedRefused', { title })}
        </Text>
        <Text>
          {t('consent.receiptHint')}{' '}
          <Anchor href={receiptUrl(receipt.eventId)} download data-testid={`consent-receipt-${key}`}>
            {t('consent.receipt')}
          </Anchor>
        </Text>
      </Paper>
    );
  } else if (outcome?.kind === 'unchanged') {
    status = <Text>{t('consent.unchanged')}</Text>;
  }

  return (
    <Card
      withBorder
      padding="lg"
      component="section"
      aria-labelledby={`${id}-title`}
      data-testid={`consent-card-${key}`}
    >
      <Stack gap="md">
        <Title order={2} size="h3" id={`${id}-title`}>
          {title}
        </Title>
        <div>
          <Text>
            <Text span fw={700}>
              {t('consent.current')}
            </Text>{' '}
            <span data-testid={`consent-decision-${key}`}>{decisionWords}</span>
          </Text>
          {state.decidedAt && state.documentVersion !== null && (
            <Text size="sm" c="dimmed">
              {t('consent.decidedAt', {
                date: dates.dateTime(state.decidedAt),
                version: state.documentVersion,
              })}
            </Text>
          )}
        </div>
        {state.reconsentNeeded && (
          <InfoNotice title={t('consent.textChangedTitle')}>
            {t(state.effective ? 'consent.textChangedKeeps' : 'consent.textChangedLapses', {
              earlier: state.documentVersion ?? '',
              version: state.currentVersion,
            })}
          </InfoNotice>
        )}
        {document && (
          <div>
            <Anchor
              component="button"
              type="button"
              fw={600}
              onClick={() => setTextOpen((open) => !open)}
              aria-expanded={textOpen}
              aria-controls={`${id}-text`}
              data-testid={`consent-read-${key}`}
            >
              {t('consent.readText', { version: document.version })}
            </Anchor>
            <Collapse expanded={textOpen} id={`${id}-text`} keepMountedMode="display-none">
              <Paper bg="gray.0" p="md" mt="xs">
                <DocumentText text={localized(document.body)} />
              </Paper>
            </Collapse>
          </div>
        )}
        {outcome?.kind === 'versionChanged' && (
          <Alert color="blue" title={t('consent.versionChangedTitle')} role="alert">
            {t('consent.versionChanged', { version: document?.version ?? state.currentVersion })}
          </Alert>
        )}
        <Fieldset
          legend={t('consent.question', { title })}
          variant="unstyled"
          styles={{ legend: { fontWeight: 600, marginBottom: 'var(--mantine-spacing-xs)' } }}
        >
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
            {CHOICES.map((choice) => {
              const pressed = state.decision === choice;
              return (
                <Button
                  key={choice}
                  size="md"
                  variant={pressed ? 'filled' : 'default'}
                  aria-pressed={pressed}
                  onClick={() => choose(choice)}
                  data-testid={`consent-${key}-${choice}`}
                >
                  {choice === 'granted' ? t('consent.yes') : t('consent.no')}
                </Button>
              );
            })}
          </SimpleGrid>
        </Fieldset>
        <div role="status" data-testid={`consent-status-${key}`}>
          {status}
        </div>
        <FormAlert message={outcome?.kind === 'failed' ? errorMessage(outcome.error, t) : null} />
      </Stack>
    </Card>
  );
}

import { Button, NativeSelect, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, queryString } from '../../api.ts';
import type { ConsentDocument, ConsentReceipt, ConsentState, FoundParticipant } from '../../api-types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { FormAlert, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { Section } from '../../components/section.tsx';
import { useApiForm } from '../../hooks/use-api-form.ts';
import { useConsentCatalogue, useDates, useLocalized } from '../consent/consent-queries.ts';

interface Search {
  query: string;
  reason: string;
}

const supportConsentsKey = (participantId: string, reason: string) =>
  ['support', 'participants', participantId, 'consents', reason] as const;

/** Query and reason; both are kept in the audit log. */
function SearchForm({ onFound }: { onFound: (search: Search, found: FoundParticipant[]) => void }) {
  const { t } = useTranslation();
  const form = useApiForm({ query: '', reason: '' });
  const search = useMutation({
    mutationFn: async (values: Search) => ({
      values,
      found: (
        await api.get<{ participants: FoundParticipant[] }>(`/participants${queryString({ ...values })}`)
      ).participants,
    }),
    onMutate: form.clearErrors,
    onSuccess: ({ values, found }) => onFound(values, found),
    onError: (error) => form.showError(error),
  });
  return (
    <Section id="support-search" title={t('support.search.title')}>
      <Text>{t('support.search.intro')}</Text>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          search.mutate({ query: form.values.query.trim(), reason: form.values.reason.trim() });
        }}
      >
        <Stack>
          <TextInput
            label={t('support.search.query')}
            description={t('support.search.queryHint')}
            required
            {...form.input('query')}
          />
          <TextInput
            label={t('support.reason')}
            description={t('support.search.reasonHint')}
            required
            {...form.input('reason')}
          />
          <FormAlert message={form.formError} />
          <div>
            <Button type="submit" loading={search.isPending} data-testid="support-search-submit">
              {t('support.search.submit')}
            </Button>
          </div>
        </Stack>
      </form>
    </Section>
  );
}

function Results({
  found,
  onChoose,
}: {
  found: FoundParticipant[];
  onChoose: (participant: FoundParticipant) => void;
}) {
  const { t } = useTranslation();
  const dates = useDates();
  if (found.length === 0) {
    return (
      <Text role="status" data-testid="support-none">
        {t('support.results.none')}
      </Text>
    );
  }
  return (
    <DataTable
      caption={t('support.results.caption', { count: found.length })}
      head={[
        t('fields.name'),
        t('fields.email'),
        t('support.results.municipality'),
        t('support.results.joined'),
        t('common.actions'),
      ]}
    >
      {found.map((participant) => (
        <Table.Tr key={participant.participantId}>
          <Table.Td>{participant.displayName}</Table.Td>
          <Table.Td>{participant.email}</Table.Td>
          <Table.Td>{participant.municipality}</Table.Td>
          <Table.Td>{dates.date(participant.joinedAt)}</Table.Td>
          <Table.Td>
            <Button size="xs" variant="outline" onClick={() => onChoose(participant)}>
              {t('support.results.choose')}
              <VisuallyHidden> {participant.displayName}</VisuallyHidden>
            </Button>
          </Table.Td>
        </Table.Tr>
      ))}
    </DataTable>
  );
}

function decisionLabel(t: TFunction, state: ConsentState): string {
  if (state.decision === 'granted') return t('consent.decision.granted');
  if (state.decision === 'refused') return t('consent.decision.refused');
  return t('consent.decision.none');
}

/** The participant's consents now (GET /participants/{id}/consents, the reason audited). */
function ConsentStateTable({ states, catalogue }: { states: ConsentState[]; catalogue: ConsentDocument[] }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  const dates = useDates();
  return (
    <DataTable
      caption={t('support.state.caption')}
      head={[
        t('support.state.purpose'),
        t('support.state.decision'),
        t('support.state.version'),
        t('support.state.decidedAt'),
        t('support.state.effective'),
      ]}
    >
      {states.map((state) => {
        const document = catalogue.find((d) => d.purposeKey === state.purposeKey);
        return (
          <Table.Tr key={state.purposeKey} data-testid={`support-state-${state.purposeKey}`}>
            <Table.Td>{document ? localized(document.title) : state.purposeKey}</Table.Td>
            <Table.Td>{decisionLabel(t, state)}</Table.Td>
            <Table.Td>{state.documentVersion ?? '–'}</Table.Td>
            <Table.Td>{state.decidedAt ? dates.dateTime(state.decidedAt) : '–'}</Table.Td>
            <Table.Td>{state.effective ? t('common.yes') : t('common.no')}</Table.Td>
          </Table.Tr>
        );
      })}
    </DataTable>
  );
}

/** A decision the participant made on paper (POST /participants/{id}/consents/paper). */
function PaperForm({
  participant,
  catalogue,
  onSaved,
}: {
  participant: FoundParticipant;
  catalogue: ConsentDocument[];
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const localized = useLocalized();
  const form = useApiForm({ purposeKey: '', decision: '', documentVersion: '', reason: '' });
  const [saved, setSaved] = useState<ConsentReceipt | null>(null);
  const register = useMutation({
    mutationFn: () =>
      api.post<ConsentReceipt>(
        `/participants/${encodeURIComponent(participant.participantId)}/consents/paper`,
        {
          purposeKey: form.values.purposeKey,
          decision: form.values.decision,
          documentVersion: Number(form.values.documentVersion),
          reason: form.values.reason.trim(),
        },
      ),
    onMutate: () => {
      form.clearErrors();
      setSaved(null);
    },
    onSuccess: (receipt) => {
      form.reset();
      setSaved(receipt);
      onSaved();
    },
    onError: (error) => form.showError(error),
  });
  return (
    <Section id="support-paper" title={t('support.paper.title')}>
      <Text>{t('support.paper.intro')}</Text>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          register.mutate();
        }}
      >
        <Stack>
          <NativeSelect
            label={t('support.paper.purpose')}
            required
            data={[
              { value: '', label: t('common.choose'), disabled: true },
              ...catalogue.map((d) => ({ value: d.purposeKey, label: localized(d.title) })),
            ]}
            {...form.input('purposeKey')}
            onChange={(event) => {
              const key = event.currentTarget.value;
              form.setValue('purposeKey', key);
              const inForce = catalogue.find((d) => d.purposeKey === key);
              form.setValue('documentVersion', inForce ? String(inForce.version) : '');
            }}
          />
          <NativeSelect
            label={t('support.paper.decision')}
            required
            data={[
              { value: '', label: t('common.choose'), disabled: true },
              { value: 'granted', label: t('support.paper.granted') },
              { value: 'refused', label: t('support.paper.refused') },
            ]}
            {...form.input('decision')}
          />
          <TextInput
            label={t('support.paper.version')}
            description={t('support.paper.versionHint')}
            required
            inputMode="numeric"
            {...form.input('documentVersion')}
          />
          <TextInput
            label={t('support.reason')}
            description={t('support.paper.reasonHint')}
            required
            {...form.input('reason')}
          />
          <FormAlert message={form.formError} />
          <div role="status">
            {saved && (
              <SuccessNotice>
                {t(
                  saved.decision === 'granted' ? 'support.paper.savedGranted' : 'support.paper.savedRefused',
                  {
                    title: localized(saved.documentTitle),
                    name: participant.displayName,
                  },
                )}
              </SuccessNotice>
            )}
          </div>
          <div>
            <Button type="submit" loading={register.isPending} data-testid="support-paper-submit">
              {t('support.paper.submit')}
            </Button>
          </div>
        </Stack>
      </form>
    </Section>
  );
}

/** One chosen participant: the consents now, and the paper form. */
function Participant({ participant, reason }: { participant: FoundParticipant; reason: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const catalogue = useConsentCatalogue();
  const key = supportConsentsKey(participant.participantId, reason);
  const states = useQuery({
    queryKey: key,
    queryFn: async () =>
      (
        await api.get<{ purposes: ConsentState[] }>(
          `/participants/${encodeURIComponent(participant.participantId)}/consents${queryString({ reason })}`,
        )
      ).purposes,
  });
  let content: ReactNode;
  if (states.isPending || catalogue.isPending) content = <Loading />;
  else if (states.isError) content = <QueryError error={states.error} />;
  else if (catalogue.isError) content = <QueryError error={catalogue.error} />;
  else {
    content = (
      <>
        <ConsentStateTable states={states.data} catalogue={catalogue.data} />
        <PaperForm
          participant={participant}
          catalogue={catalogue.data}
          onSaved={() => void queryClient.invalidateQueries({ queryKey: key })}
        />
      </>
    );
  }
  return (
    <Section
      id="support-participant"
      title={t('support.state.title', { name: participant.displayName, email: participant.email })}
    >
      {content}
    </Section>
  );
}

/** /support: administrators and data stewards find a participant and register consent given on paper. */
export function SupportPage() {
  const { t } = useTranslation();
  const [search, setSearch] = useState<{ reason: string; found: FoundParticipant[] } | null>(null);
  const [chosen, setChosen] = useState<FoundParticipant | null>(null);
  return (
    <Page title={t('support.title')} size="xl">
      <Text>{t('support.intro')}</Text>
      <SearchForm
        onFound={(values, found) => {
          setSearch({ reason: values.reason, found });
          setChosen(null);
        }}
      />
      {search && <Results found={search.found} onChoose={setChosen} />}
      {search && chosen && (
        <Participant key={chosen.participantId} participant={chosen} reason={search.reason} />
      )}
    </Page>
  );
}

import { Button, Code, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { FileField } from '../../components/file-field.tsx';
import { FormAlert, SuccessNotice } from '../../components/notices.tsx';
import { placeProblem } from './problem-fields.ts';
import { type EthicsDecision, type ResearchStudy, researchKeys, useDayFormat } from './research-api.ts';

type Field = keyof EthicsDecision;
const FIELDS: Field[] = ['committee', 'reference', 'decidedOn', 'documentSha256'];
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The SHA-256 of a file, in lower-case hex, computed in the browser: the document itself never leaves the
 * computer. Web Crypto exists only in a secure context (https, or localhost); elsewhere this gives null.
 */
async function sha256Of(file: File): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The ethics committee's decision on a draft: committee, reference, date and the SHA-256 of the decision
 * document as filed — computed here from the chosen PDF, or pasted. A data steward approves the study only
 * once this is recorded.
 */
export function EthicsForm({ study }: { study: ResearchStudy }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<EthicsDecision>(
    study.ethics ?? { committee: '', reference: '', decidedOn: '', documentSha256: '' },
  );
  // Problems are kept as what they are, and worded when shown: a change of language re-words them.
  const [problems, setProblems] = useState<Partial<Record<Field, 'required' | 'hash' | 'noCrypto'>>>({});
  const [computed, setComputed] = useState<string | null>(null);
  const [hashing, setHashing] = useState(false);

  const save = useMutation({
    mutationFn: (ethics: EthicsDecision) =>
      api.patch<ResearchStudy>(`/research/studies/${study.id}`, { ethics }),
    onSuccess: (changed) => {
      queryClient.setQueryData(researchKeys.study(changed.id), changed);
      void queryClient.invalidateQueries({ queryKey: researchKeys.studies, exact: true });
    },
  });
  const placed = save.isError
    ? placeProblem(save.error, FIELDS, (field) => t(`research.editor.ethics.errors.${field}`), t, {
        overrides: { conflict: t('research.editor.frozen') },
        prefix: 'ethics.',
      })
    : null;
  const errorOf = (field: Field): string | undefined => {
    const problem = problems[field];
    if (problem === 'required') return t('research.editor.errors.required');
    if (problem === 'hash') return t('research.editor.ethics.errors.documentSha256');
    if (problem === 'noCrypto') return t('research.editor.ethics.noCrypto');
    return placed?.fields[field];
  };
  const formError = Object.values(problems).some((problem) => problem !== 'noCrypto')
    ? t('errors.check_fields')
    : (placed?.form ?? null);

  const change = (field: Field, value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    setProblems((current) => ({ ...current, [field]: undefined }));
    save.reset();
  };

  const chooseDocument = async (file: File | null) => {
    setComputed(null);
    if (!file) return;
    setHashing(true);
    try {
      const hash = await sha256Of(file);
      if (hash === null) {
        setProblems((current) => ({ ...current, documentSha256: 'noCrypto' }));
        return;
      }
      change('documentSha256', hash);
      setComputed(file.name);
    } finally {
      setHashing(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const ethics: EthicsDecision = {
      committee: values.committee.trim(),
      reference: values.reference.trim(),
      decidedOn: values.decidedOn,
      documentSha256: values.documentSha256.trim().toLowerCase(),
    };
    const found: Partial<Record<Field, 'required' | 'hash'>> = {};
    for (const field of FIELDS) {
      if (!ethics[field]) found[field] = 'required';
    }
    if (ethics.documentSha256 && !SHA256.test(ethics.documentSha256)) found.documentSha256 = 'hash';
    setProblems(found);
    if (Object.keys(found).length === 0) save.mutate(ethics);
  };

  return (
    <form onSubmit={submit} noValidate data-testid="ethics-form">
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
          <TextInput
            label={t('research.editor.ethics.committee')}
            description={t('research.editor.ethics.committeeHint')}
            required
            maxLength={200}
            value={values.committee}
            error={errorOf('committee')}
            onChange={(event) => change('committee', event.currentTarget.value)}
          />
          <TextInput
            label={t('research.editor.ethics.reference')}
            description={t('research.editor.ethics.referenceHint')}
            required
            maxLength={100}
            value={values.reference}
            error={errorOf('reference')}
            onChange={(event) => change('reference', event.currentTarget.value)}
          />
          <TextInput
            type="date"
            label={t('research.editor.ethics.decidedOn')}
            description={t('research.editor.ethics.decidedOnHint')}
            required
            value={values.decidedOn}
            error={errorOf('decidedOn')}
            onChange={(event) => change('decidedOn', event.currentTarget.value)}
          />
        </SimpleGrid>
        <FileField
          label={t('research.editor.ethics.document')}
          description={t('research.editor.ethics.documentHint')}
          accept=".pdf,application/pdf"
          onFile={(file) => void chooseDocument(file)}
          testId="ethics-document"
        />
        <Text size="sm" role="status" data-testid="ethics-computed">
          {hashing
            ? t('research.editor.ethics.hashing')
            : computed
              ? t('research.editor.ethics.computed', { name: computed })
              : ''}
        </Text>
        <TextInput
          label={t('research.editor.ethics.documentSha256')}
          description={t('research.editor.ethics.documentSha256Hint')}
          required
          spellCheck={false}
          autoComplete="off"
          maxLength={64}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          value={values.documentSha256}
          error={errorOf('documentSha256')}
          onChange={(event) => {
            setComputed(null);
            change('documentSha256', event.currentTarget.value);
          }}
          data-testid="ethics-sha256"
        />
        <FormAlert message={formError} />
        {save.isSuccess && <SuccessNotice>{t('research.editor.ethics.saved')}</SuccessNotice>}
        <div>
          <Button type="submit" loading={save.isPending} data-testid="ethics-submit">
            {t('research.editor.ethics.submit')}
          </Button>
        </div>
      </Stack>
    </form>
  );
}

/** The recorded decision, read-only (once the study is approved, or for a data steward). */
export function EthicsFacts({ ethics }: { ethics: EthicsDecision | null }) {
  const { t } = useTranslation();
  const day = useDayFormat();
  if (!ethics) return <Text>{t('research.editor.ethics.none')}</Text>;
  const rows: [string, ReactNode][] = [
    [t('research.editor.ethics.committee'), ethics.committee],
    [t('research.editor.ethics.reference'), ethics.reference],
    [t('research.editor.ethics.decidedOn'), day(ethics.decidedOn)],
    [
      t('research.editor.ethics.documentSha256'),
      <Code key="sha" style={{ wordBreak: 'break-all' }}>
        {ethics.documentSha256}
      </Code>,
    ],
  ];
  return (
    <Stack component="dl" gap="xs" m={0} data-testid="ethics-facts">
      {rows.map(([term, value]) => (
        <div key={term}>
          <Text component="dt" fw={600} size="sm">
            {term}
          </Text>
          <Text component="dd" m={0}>
            {value}
          </Text>
        </div>
      ))}
    </Stack>
  );
}

import { Button, Stack, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { QuestionnaireDetail } from '../../api-types.ts';
import { FileField } from '../../components/file-field.tsx';
import { FormAlert } from '../../components/notices.tsx';
import { errorMessage } from '../../form-errors.ts';
import { ImportProblems, problemsOf } from './import-problems.tsx';

interface FhirJsonFormProps {
  /** Sends the questionnaire: POST (a new draft version) or PUT (the draft's new content). */
  send: (json: Record<string, unknown>) => Promise<QuestionnaireDetail>;
  submitLabel: string;
  onDone: (record: QuestionnaireDetail) => void;
  /** Prefix of the test ids, so that two forms on a page stay apart. */
  testId: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A FHIR R4 Questionnaire as JSON: a file (read into the text box, so what is sent can be seen and
 * changed) or pasted text. JSON that does not parse is caught here; every problem the server finds is
 * listed with its JSON pointer.
 */
export function FhirJsonForm({ send, submitLabel, onDone, testId }: FhirJsonFormProps) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [textError, setTextError] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  // A new key empties the file input after a successful import.
  const [fileKey, setFileKey] = useState(0);

  const submit = useMutation({
    mutationFn: send,
    onSuccess: (record) => {
      setText('');
      setFileKey((key) => key + 1);
      onDone(record);
    },
  });
  const problems = problemsOf(submit.error, () => true);
  const failure = submit.isError && problems.length === 0 ? errorMessage(submit.error, t) : null;

  const readFile = async (file: File | null) => {
    setFileError(null);
    if (!file) return;
    try {
      setText(await file.text());
      setTextError(null);
    } catch {
      setFileError(t('authoring.fhir.fileUnreadable'));
    }
  };

  const importJson = () => {
    submit.reset();
    if (text.trim() === '') {
      setTextError(t('authoring.fhir.empty'));
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      setTextError(t('authoring.fhir.notJson', { detail: error instanceof Error ? error.message : '' }));
      return;
    }
    if (!isObject(json)) {
      setTextError(t('authoring.fhir.notObject'));
      return;
    }
    setTextError(null);
    submit.mutate(json);
  };

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        importJson();
      }}
    >
      <Stack>
        <FileField
          key={fileKey}
          label={t('authoring.fhir.file')}
          description={t('authoring.fhir.fileHint')}
          accept=".json,application/json,application/fhir+json"
          error={fileError ?? undefined}
          onFile={(file) => void readFile(file)}
          testId={`${testId}-file`}
        />
        <Textarea
          label={t('authoring.fhir.text')}
          description={t('authoring.fhir.textHint')}
          value={text}
          onChange={(event) => {
            setText(event.currentTarget.value);
            setTextError(null);
          }}
          error={textError ?? undefined}
          autosize
          minRows={6}
          maxRows={16}
          spellCheck={false}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
          data-testid={`${testId}-text`}
        />
        <ImportProblems problems={problems} />
        <FormAlert message={failure} />
        <div>
          <Button type="submit" loading={submit.isPending} data-testid={`${testId}-submit`}>
            {submitLabel}
          </Button>
        </div>
      </Stack>
    </form>
  );
}

import { Button, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { RedcapImportAnswer } from '../../api-types.ts';
import { LocaleSelect } from '../../components/fields.tsx';
import { FileField } from '../../components/file-field.tsx';
import { FormAlert } from '../../components/notices.tsx';
import { useApiForm } from '../../hooks/use-api-form.ts';
import { currentLocale } from '../../i18n/index.ts';
import { ImportProblems, problemsOf } from './import-problems.tsx';

/** The server's rule for the machine name (src/modules/questionnaires/schemas.ts), which makes the url. */
const MACHINE_NAME = /^[A-Za-z][A-Za-z0-9_-]{1,62}$/;

const isFileProblem = (pointer: string) => pointer === '#/csv';

/**
 * A REDCap data dictionary (CSV) as a new draft: the file, a machine name (the same name again makes a
 * new version of the same questionnaire), an optional title and the language the file is written in.
 * The import is all or nothing; every failing line is listed.
 */
export function RedcapForm({ onDone }: { onDone: (answer: RedcapImportAnswer) => void }) {
  const { t } = useTranslation();
  const form = useApiForm({ name: '', title: '', language: currentLocale() as string });
  const [csv, setCsv] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [fileKey, setFileKey] = useState(0);

  const submit = useMutation({
    mutationFn: (file: string) => {
      const title = form.values.title.trim();
      return api.post<RedcapImportAnswer>('/questionnaires/redcap', {
        csv: file,
        name: form.values.name.trim(),
        ...(title ? { title } : {}),
        language: form.values.language,
      });
    },
    onMutate: form.clearErrors,
    onSuccess: (answer) => {
      form.reset();
      setCsv(null);
      setFileKey((key) => key + 1);
      onDone(answer);
    },
    onError: (error) => {
      if (problemsOf(error, isFileProblem).length === 0) form.showError(error);
    },
  });
  const problems = problemsOf(submit.error, isFileProblem);

  const readFile = async (file: File | null) => {
    setFileError(null);
    setCsv(null);
    if (!file) return;
    try {
      setCsv(await file.text());
    } catch {
      setFileError(t('authoring.redcap.fileUnreadable'));
    }
  };

  const importFile = () => {
    submit.reset();
    const nameOk = MACHINE_NAME.test(form.values.name.trim());
    form.setErrors(nameOk ? {} : { name: t('authoring.redcap.nameError') });
    if (csv === null || csv.trim() === '') setFileError(t('authoring.redcap.fileMissing'));
    if (!nameOk || csv === null || csv.trim() === '') return;
    submit.mutate(csv);
  };

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        importFile();
      }}
    >
      <Stack>
        <FileField
          key={fileKey}
          label={t('authoring.redcap.file')}
          description={t('authoring.redcap.fileHint')}
          accept=".csv,text/csv"
          error={fileError ?? undefined}
          onFile={(file) => void readFile(file)}
          testId="redcap-file"
        />
        <TextInput
          label={t('authoring.redcap.name')}
          description={t('authoring.redcap.nameHint')}
          autoComplete="off"
          spellCheck={false}
          required
          {...form.input('name')}
        />
        <TextInput
          label={t('authoring.redcap.title')}
          description={t('authoring.redcap.titleHint')}
          autoComplete="off"
          {...form.input('title')}
        />
        <LocaleSelect
          label={t('authoring.redcap.language')}
          description={t('authoring.redcap.languageHint')}
          {...form.input('language')}
        />
        <ImportProblems problems={problems} />
        <FormAlert message={problems.length > 0 ? null : form.formError} />
        <div>
          <Button type="submit" loading={submit.isPending} data-testid="redcap-submit">
            {t('authoring.redcap.submit')}
          </Button>
        </div>
      </Stack>
    </form>
  );
}

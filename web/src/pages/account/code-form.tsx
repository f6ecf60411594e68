import { Button, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FormAlert } from '../../components/notices.tsx';
import { useApiForm } from '../../hooks/use-api-form.ts';

interface CodeFormProps<T> {
  /** Calls the API with the code the person typed. */
  send: (code: string) => Promise<T>;
  onDone: (answer: T) => void;
  submitLabel: string;
  submitColor?: string;
  testId?: string;
}

/** A form that asks for one code from the authenticator app, to confirm a two-factor change. */
export function CodeForm<T>({ send, onDone, submitLabel, submitColor, testId }: CodeFormProps<T>) {
  const { t } = useTranslation();
  const form = useApiForm({ code: '' });
  const submit = useMutation({
    mutationFn: () => send(form.values.code.trim()),
    onMutate: form.clearErrors,
    onSuccess: (answer) => {
      form.reset();
      onDone(answer);
    },
    onError: (error) => form.showError(error, { forbidden: t('fieldErrors.code') }),
  });
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit.mutate();
      }}
    >
      <Stack>
        <TextInput
          label={t('fields.appCode')}
          description={t('fields.appCodeHint')}
          autoComplete="one-time-code"
          inputMode="numeric"
          required
          data-testid={testId}
          {...form.input('code')}
        />
        <FormAlert message={form.formError} />
        <div>
          <Button type="submit" loading={submit.isPending} color={submitColor}>
            {submitLabel}
          </Button>
        </div>
      </Stack>
    </form>
  );
}

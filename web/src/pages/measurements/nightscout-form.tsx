import { Button, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../api.ts';
import type { ImportSummary } from '../../api-types.ts';
import { FormAlert } from '../../components/notices.tsx';
import { useApiForm } from '../../hooks/use-api-form.ts';
import { measurementsKey } from './measurement-queries.ts';

const EMPTY = { url: '', apiSecret: '' };

/**
 * Pulls the participant's Nightscout site: only what is newer than their stored Nightscout readings. The
 * secret goes with this one request and is not kept.
 */
export function NightscoutForm({
  onStart,
  onImported,
}: {
  onStart: () => void;
  onImported: (summary: ImportSummary) => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const form = useApiForm(EMPTY);
  const pull = useMutation({
    mutationFn: () =>
      api.post<ImportSummary>('/me/measurements/nightscout', {
        url: form.values.url.trim(),
        ...(form.values.apiSecret ? { apiSecret: form.values.apiSecret } : {}),
      }),
    onMutate: () => {
      form.clearErrors();
      onStart();
    },
    onSuccess: (summary) => {
      onImported(summary);
      form.setValue('apiSecret', '');
    },
    onError: (error) => {
      const issue = isApiError(error) ? error.errors.find((e) => e.issue)?.issue : undefined;
      form.showError(
        error,
        issue
          ? {
              invalid_input: t(`measurements.nightscout.issues.${issue}`, {
                defaultValue: t('measurements.nightscout.failed'),
              }),
            }
          : {},
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: measurementsKey }),
  });

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        pull.mutate();
      }}
    >
      <Stack gap="sm">
        <Text>{t('measurements.nightscout.intro')}</Text>
        <TextInput
          {...form.input('url')}
          type="url"
          label={t('measurements.nightscout.url')}
          description={t('measurements.nightscout.urlHint')}
          placeholder="https://"
          required
          autoComplete="url"
          data-testid="nightscout-url"
        />
        <PasswordInput
          {...form.input('apiSecret')}
          label={t('measurements.nightscout.secret')}
          description={t('measurements.nightscout.secretHint')}
          autoComplete="off"
          data-testid="nightscout-secret"
        />
        <FormAlert message={form.formError} />
        <Group>
          <Button type="submit" loading={pull.isPending} data-testid="nightscout-submit">
            {t('measurements.nightscout.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

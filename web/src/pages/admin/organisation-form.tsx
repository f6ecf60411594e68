import { Button, NativeSelect, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ORGANISATION_TYPES } from '../../api-types.ts';
import { FormAlert } from '../../components/notices.tsx';
import { useApiForm } from '../../hooks/use-api-form.ts';
import { organisationTypeLabel } from '../../labels.ts';

interface OrganisationFormProps {
  initial: { name: string; type: string };
  submitLabel: string;
  save: (values: { name: string; type: string }) => Promise<unknown>;
  onSaved: () => void;
}

/** Name and type of an organisation: used to add one and to change one. */
export function OrganisationForm({ initial, submitLabel, save, onSaved }: OrganisationFormProps) {
  const { t } = useTranslation();
  const form = useApiForm(initial);
  const submit = useMutation({
    mutationFn: () => save(form.values),
    onMutate: form.clearErrors,
    onSuccess: () => {
      form.reset();
      onSaved();
    },
    onError: (error) => form.showError(error),
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
        <TextInput label={t('fields.organisationName')} required {...form.input('name')} />
        <NativeSelect
          label={t('fields.organisationType')}
          required
          data={[
            { value: '', label: t('common.choose'), disabled: true },
            ...ORGANISATION_TYPES.map((type) => ({ value: type, label: organisationTypeLabel(t, type) })),
          ]}
          {...form.input('type')}
        />
        <FormAlert message={form.formError} />
        <div>
          <Button type="submit" loading={submit.isPending}>
            {submitLabel}
          </Button>
        </div>
      </Stack>
    </form>
  );
}

import { Button, NativeSelect, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ROLES } from '../../api-types.ts';
import { LocaleSelect } from '../../components/fields.tsx';
import { FormAlert, SuccessNotice } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { useApiForm } from '../../hooks/use-api-form.ts';
import { currentLocale } from '../../i18n/index.ts';
import { roleLabel } from '../../labels.ts';
import { useOrganisations } from './admin-queries.ts';
import { invitationsKey } from './invitations-section.tsx';

/** Administrators: invite someone by e-mail to a role, optionally within an organisation. */
export function InviteForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const organisations = useOrganisations();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const form = useApiForm({ email: '', role: 'citizen', organisationId: '', locale: currentLocale() });
  const invite = useMutation({
    mutationFn: () =>
      api.post('/admin/invitations', {
        email: form.values.email,
        role: form.values.role,
        locale: form.values.locale,
        ...(form.values.organisationId ? { organisationId: form.values.organisationId } : {}),
      }),
    onMutate: () => {
      form.clearErrors();
      setSentTo(null);
    },
    onSuccess: () => {
      setSentTo(form.values.email);
      form.reset();
      void queryClient.invalidateQueries({ queryKey: invitationsKey });
    },
    onError: (error) => form.showError(error),
  });

  const organisationOptions = [
    { value: '', label: t('admin.invite.noOrganisation') },
    ...(organisations.data?.organisations ?? []).map((organisation) => ({
      value: organisation.id,
      label: organisation.name,
    })),
  ];

  return (
    <Section id="invite" title={t('admin.invite.title')}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          invite.mutate();
        }}
      >
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('fields.email')} type="email" required {...form.input('email')} />
            <NativeSelect
              label={t('fields.role')}
              required
              data={ROLES.map((role) => ({ value: role, label: roleLabel(t, role) }))}
              {...form.input('role')}
            />
            <NativeSelect
              label={t('fields.organisationOptional')}
              data={organisationOptions}
              {...form.input('organisationId')}
            />
            <LocaleSelect label={t('fields.mailLocale')} {...form.input('locale')} />
          </SimpleGrid>
          <FormAlert message={form.formError} />
          {sentTo && <SuccessNotice>{t('admin.invite.sent', { email: sentTo })}</SuccessNotice>}
          <div>
            <Button type="submit" loading={invite.isPending} data-testid="invite-submit">
              {t('admin.invite.submit')}
            </Button>
          </div>
        </Stack>
      </form>
    </Section>
  );
}

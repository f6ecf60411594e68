import { Button, Table, VisuallyHidden } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { Organisation } from '../../api-types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { Loading, QueryError } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { Section } from '../../components/section.tsx';
import { useFormat } from '../../hooks/use-format.ts';
import { organisationTypeLabel } from '../../labels.ts';
import { organisationsKey, useOrganisations } from './admin-queries.ts';
import { OrganisationForm } from './organisation-form.tsx';

/** Administrators: the organisations on the platform; add one or change its name or type. */
export function OrganisationsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const organisations = useOrganisations();
  const [editing, setEditing] = useState<Organisation | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: organisationsKey });

  let table: ReactNode;
  if (organisations.isPending) table = <Loading />;
  else if (organisations.isError) table = <QueryError error={organisations.error} />;
  else {
    table = (
      <DataTable
        caption={t('admin.organisations.caption')}
        head={[
          t('fields.organisationName'),
          t('fields.organisationType'),
          t('admin.organisations.members'),
          t('admin.organisations.created'),
          t('common.actions'),
        ]}
      >
        {organisations.data.organisations.map((organisation) => (
          <Table.Tr key={organisation.id}>
            <Table.Td>{organisation.name}</Table.Td>
            <Table.Td>{organisationTypeLabel(t, organisation.type)}</Table.Td>
            <Table.Td>{organisation.members}</Table.Td>
            <Table.Td>{format.dateTime(organisation.createdAt)}</Table.Td>
            <Table.Td>
              <Button size="xs" variant="default" onClick={() => setEditing(organisation)}>
                {t('common.edit')}
                <VisuallyHidden>: {organisation.name}</VisuallyHidden>
              </Button>
            </Table.Td>
          </Table.Tr>
        ))}
      </DataTable>
    );
  }

  return (
    <Page title={t('admin.organisations.title')} size="lg">
      <Section id="organisation-list" title={t('admin.organisations.listTitle')}>
        {table}
      </Section>
      <Section id="organisation-add" title={t('admin.organisations.addTitle')}>
        <OrganisationForm
          initial={{ name: '', type: '' }}
          submitLabel={t('admin.organisations.add')}
          save={(values) => api.post('/admin/organisations', values)}
          onSaved={refresh}
        />
      </Section>
      <Dialog
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={t('admin.organisations.editTitle')}
      >
        {editing && (
          <OrganisationForm
            initial={{ name: editing.name, type: editing.type }}
            submitLabel={t('common.save')}
            save={(values) => api.patch(`/admin/organisations/${encodeURIComponent(editing.id)}`, values)}
            onSaved={() => {
              setEditing(null);
              refresh();
            }}
          />
        )}
      </Dialog>
    </Page>
  );
}

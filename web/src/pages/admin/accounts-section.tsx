import { Group, List, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, queryString } from '../../api.ts';
import type { AdminAccount } from '../../api-types.ts';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { Loading, QueryError } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { useFormat } from '../../hooks/use-format.ts';
import { roleLabel } from '../../labels.ts';
import { organisationsKey } from './admin-queries.ts';

const accountsKey = ['admin', 'accounts'] as const;

function Roles({ account, onRemoved }: { account: AdminAccount; onRemoved: () => void }) {
  const { t } = useTranslation();
  if (account.roles.length === 0) return <Text size="sm">{t('admin.people.noRoles')}</Text>;
  return (
    <List listStyleType="none" spacing={4}>
      {account.roles.map((membership) => {
        const name = membership.organisation
          ? t('admin.people.roleAt', {
              role: roleLabel(t, membership.role),
              organisation: membership.organisation.name,
            })
          : roleLabel(t, membership.role);
        return (
          <List.Item key={membership.membershipId}>
            <Group gap="xs" wrap="nowrap">
              <Text size="sm">{name}</Text>
              <ConfirmButton
                title={t('admin.people.removeRoleTitle')}
                text={t('admin.people.removeRoleText', { role: name, person: account.displayName })}
                confirmLabel={t('admin.people.removeRole')}
                onConfirm={() =>
                  api.delete(`/admin/memberships/${encodeURIComponent(membership.membershipId)}`)
                }
                onDone={onRemoved}
              >
                {t('admin.people.removeRole')}
                <VisuallyHidden>
                  : {name}, {account.displayName}
                </VisuallyHidden>
              </ConfirmButton>
            </Group>
          </List.Item>
        );
      })}
    </List>
  );
}

/** Administrators: find accounts by e-mail or name, see their roles, remove a membership. */
export function AccountsSection() {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search.trim(), 300);
  const accounts = useQuery({
    queryKey: [...accountsKey, query],
    queryFn: () => api.get<{ accounts: AdminAccount[] }>(`/admin/accounts${queryString({ query })}`),
    placeholderData: (previous) => previous,
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: accountsKey });
    void queryClient.invalidateQueries({ queryKey: organisationsKey });
  };
  const yesNo = (value: boolean) => (value ? t('common.yes') : t('common.no'));

  let table: ReactNode;
  if (accounts.isPending) table = <Loading />;
  else if (accounts.isError) table = <QueryError error={accounts.error} />;
  else if (accounts.data.accounts.length === 0) table = <Text>{t('admin.people.noAccounts')}</Text>;
  else {
    table = (
      <DataTable
        caption={t('admin.people.accountsCaption')}
        head={[
          t('fields.name'),
          t('fields.email'),
          t('admin.people.verified'),
          t('admin.people.mfa'),
          t('admin.people.roles'),
          t('admin.people.created'),
        ]}
        minWidth={900}
      >
        {accounts.data.accounts.map((account) => (
          <Table.Tr key={account.id}>
            <Table.Td>{account.displayName}</Table.Td>
            <Table.Td>{account.email}</Table.Td>
            <Table.Td>{yesNo(account.emailVerified)}</Table.Td>
            <Table.Td>{yesNo(account.mfaEnabled)}</Table.Td>
            <Table.Td>
              <Roles account={account} onRemoved={refresh} />
            </Table.Td>
            <Table.Td>{format.dateTime(account.createdAt)}</Table.Td>
          </Table.Tr>
        ))}
      </DataTable>
    );
  }

  return (
    <Section id="accounts" title={t('admin.people.accountsTitle')}>
      <TextInput
        label={t('admin.people.search')}
        description={t('admin.people.searchHint')}
        type="search"
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        maw={420}
      />
      {table}
    </Section>
  );
}

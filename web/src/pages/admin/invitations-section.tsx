import { Badge, Table, Text, VisuallyHidden } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { AdminInvitation } from '../../api-types.ts';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { Loading, QueryError } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { useFormat } from '../../hooks/use-format.ts';
import { roleLabel } from '../../labels.ts';

export const invitationsKey = ['admin', 'invitations'] as const;

type InvitationStatus = 'open' | 'accepted' | 'revoked' | 'expired';

function statusOf(invitation: AdminInvitation, now: number): InvitationStatus {
  if (invitation.revokedAt) return 'revoked';
  if (invitation.acceptedAt) return 'accepted';
  if (Date.parse(invitation.expiresAt) < now) return 'expired';
  return 'open';
}

const STATUS_COLOR: Record<InvitationStatus, string> = {
  open: 'blue',
  accepted: 'teal',
  revoked: 'gray',
  expired: 'gray',
};

/** Who sent an invitation: the API may give an id, or an account with a name and e-mail. */
function inviterName(invitedBy: unknown): string {
  if (typeof invitedBy === 'string') return invitedBy;
  if (typeof invitedBy === 'object' && invitedBy !== null) {
    const record = invitedBy as Record<string, unknown>;
    for (const key of ['displayName', 'email', 'id']) {
      const value = record[key];
      if (typeof value === 'string') return value;
    }
  }
  return '–';
}

/** Administrators: invitations sent, their status, and revoking an open one. */
export function InvitationsSection() {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const invitations = useQuery({
    queryKey: invitationsKey,
    queryFn: () => api.get<{ invitations: AdminInvitation[] }>('/admin/invitations'),
  });
  const now = Date.now();

  let table: ReactNode;
  if (invitations.isPending) table = <Loading />;
  else if (invitations.isError) table = <QueryError error={invitations.error} />;
  else if (invitations.data.invitations.length === 0) table = <Text>{t('admin.invitations.none')}</Text>;
  else {
    table = (
      <DataTable
        caption={t('admin.invitations.caption')}
        head={[
          t('fields.email'),
          t('fields.role'),
          t('fields.organisation'),
          t('admin.invitations.invitedBy'),
          t('admin.invitations.status'),
          t('admin.invitations.expires'),
          t('common.actions'),
        ]}
        minWidth={960}
      >
        {invitations.data.invitations.map((invitation) => {
          const status = statusOf(invitation, now);
          return (
            <Table.Tr key={invitation.id}>
              <Table.Td>{invitation.email}</Table.Td>
              <Table.Td>{roleLabel(t, invitation.role)}</Table.Td>
              <Table.Td>{invitation.organisation?.name ?? '–'}</Table.Td>
              <Table.Td>{inviterName(invitation.invitedBy)}</Table.Td>
              <Table.Td>
                <Badge color={STATUS_COLOR[status]} variant="light" c="dark.7">
                  {t(`admin.invitations.statuses.${status}`)}
                </Badge>
              </Table.Td>
              <Table.Td>{format.dateTime(invitation.expiresAt)}</Table.Td>
              <Table.Td>
                {status === 'open' && (
                  <ConfirmButton
                    title={t('admin.invitations.revokeTitle')}
                    text={t('admin.invitations.revokeText', { email: invitation.email })}
                    confirmLabel={t('admin.invitations.revoke')}
                    onConfirm={() => api.delete(`/admin/invitations/${encodeURIComponent(invitation.id)}`)}
                    onDone={() => void queryClient.invalidateQueries({ queryKey: invitationsKey })}
                  >
                    {t('admin.invitations.revoke')}
                    <VisuallyHidden>: {invitation.email}</VisuallyHidden>
                  </ConfirmButton>
                )}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </DataTable>
    );
  }

  return (
    <Section id="invitations" title={t('admin.invitations.title')}>
      {table}
    </Section>
  );
}

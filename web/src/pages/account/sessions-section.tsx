import { Button, Table, Text, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { SessionInfo } from '../../api-types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { FormAlert, Loading, QueryError } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { errorMessage } from '../../form-errors.ts';
import { useFormat } from '../../hooks/use-format.ts';

export const sessionsKey = ['sessions'] as const;

/** Where the account is signed in (GET /me/sessions), with a button to end each other session. */
export function SessionsSection() {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const sessions = useQuery({
    queryKey: sessionsKey,
    queryFn: () => api.get<{ sessions: SessionInfo[] }>('/me/sessions'),
  });
  const end = useMutation({
    mutationFn: (id: string) => api.delete(`/me/sessions/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionsKey }),
  });

  let content: ReactNode;
  if (sessions.isPending) content = <Loading />;
  else if (sessions.isError) content = <QueryError error={sessions.error} />;
  else {
    content = (
      <DataTable
        caption={t('account.sessions.caption')}
        head={[
          t('account.sessions.device'),
          t('account.sessions.address'),
          t('account.sessions.started'),
          t('account.sessions.lastSeen'),
          t('account.sessions.expires'),
          t('account.sessions.action'),
        ]}
        minWidth={760}
      >
        {sessions.data.sessions.map((session) => (
          <Table.Tr key={session.id}>
            <Table.Td>
              <Text size="sm" lineClamp={2} title={session.userAgent ?? undefined}>
                {session.userAgent || t('account.sessions.unknownDevice')}
              </Text>
            </Table.Td>
            <Table.Td>{session.clientAddress || '–'}</Table.Td>
            <Table.Td>{format.dateTime(session.createdAt)}</Table.Td>
            <Table.Td>{format.dateTime(session.lastSeenAt)}</Table.Td>
            <Table.Td>{format.dateTime(session.expiresAt)}</Table.Td>
            <Table.Td>
              {session.current ? (
                <Text size="sm" fw={700}>
                  {t('account.sessions.current')}
                </Text>
              ) : (
                <Button
                  size="xs"
                  variant="default"
                  loading={end.isPending && end.variables === session.id}
                  onClick={() => end.mutate(session.id)}
                >
                  {t('account.sessions.end')}
                  <VisuallyHidden>
                    {t('account.sessions.endContext', { started: format.dateTime(session.createdAt) })}
                  </VisuallyHidden>
                </Button>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </DataTable>
    );
  }

  return (
    <Section id="sessions" title={t('account.sessions.title')}>
      <Text>{t('account.sessions.intro')}</Text>
      {content}
      <FormAlert message={end.isError ? errorMessage(end.error, t) : null} />
    </Section>
  );
}

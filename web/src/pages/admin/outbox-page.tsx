import { Anchor, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import type { OutboxSummary } from '../../api-types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { InfoNotice, Loading, QueryError } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { useFormat } from '../../hooks/use-format.ts';

/** Administrators: the e-mails the platform captured (development and tests), newest first. */
export function OutboxPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const outbox = useQuery({
    queryKey: ['admin', 'outbox'],
    queryFn: () => api.get<{ capturing: boolean; messages: OutboxSummary[] }>('/admin/outbox'),
  });

  let content: ReactNode;
  if (outbox.isPending) content = <Loading />;
  else if (outbox.isError) content = <QueryError error={outbox.error} />;
  else {
    const { capturing, messages } = outbox.data;
    content = (
      <>
        <InfoNotice>{capturing ? t('admin.outbox.capturing') : t('admin.outbox.notCapturing')}</InfoNotice>
        {messages.length === 0 ? (
          <Text>{t('admin.outbox.none')}</Text>
        ) : (
          <DataTable
            caption={t('admin.outbox.caption')}
            head={[t('admin.outbox.received'), t('admin.outbox.to'), t('admin.outbox.subject')]}
          >
            {messages.map((message) => (
              <Table.Tr key={message.id}>
                <Table.Td>{format.dateTime(message.receivedAt)}</Table.Td>
                <Table.Td>{message.to.join(', ')}</Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/admin/outbox/${encodeURIComponent(message.id)}`}>
                    {message.subject || t('admin.outbox.noSubject')}
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            ))}
          </DataTable>
        )}
      </>
    );
  }

  return (
    <Page title={t('admin.outbox.title')} size="lg">
      {content}
    </Page>
  );
}

import { Anchor, Code, Paper, Stack, Table, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import type { OutboxMessage } from '../../api-types.ts';
import { Loading, QueryError } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { useFormat } from '../../hooks/use-format.ts';

function MessageView({ message }: { message: OutboxMessage }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Stack gap="lg">
      <Table variant="vertical" withTableBorder aria-label={t('admin.outbox.headers')}>
        <Table.Tbody>
          <Table.Tr>
            <Table.Th scope="row" w={160}>
              {t('admin.outbox.subject')}
            </Table.Th>
            <Table.Td>{message.subject}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th scope="row">{t('admin.outbox.from')}</Table.Th>
            <Table.Td>{message.from}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th scope="row">{t('admin.outbox.to')}</Table.Th>
            <Table.Td>{message.to.join(', ')}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th scope="row">{t('admin.outbox.received')}</Table.Th>
            <Table.Td>{format.dateTime(message.receivedAt)}</Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <Stack gap="xs" component="section" aria-labelledby="mail-text">
        <Title order={2} id="mail-text">
          {t('admin.outbox.text')}
        </Title>
        <Paper withBorder p="md">
          <Code block className="pre-wrap">
            {message.text || t('admin.outbox.noText')}
          </Code>
        </Paper>
      </Stack>
      <Stack gap="xs" component="section" aria-labelledby="mail-html">
        <Title order={2} id="mail-html">
          {t('admin.outbox.html')}
        </Title>
        {message.html ? (
          <iframe
            className="mail-frame"
            sandbox=""
            srcDoc={message.html}
            title={t('admin.outbox.htmlFrame', { subject: message.subject })}
          />
        ) : (
          <p>{t('admin.outbox.noHtml')}</p>
        )}
      </Stack>
    </Stack>
  );
}

/** Administrators: one captured e-mail: subject, recipients, text and the HTML in a sandboxed frame. */
export function OutboxMessagePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const message = useQuery({
    queryKey: ['admin', 'outbox', id],
    queryFn: () => api.get<OutboxMessage>(`/admin/outbox/${encodeURIComponent(id)}`),
  });
  return (
    <Page title={message.data?.subject || t('admin.outbox.messageTitle')} size="lg">
      <Anchor component={Link} to="/admin/outbox">
        {t('admin.outbox.back')}
      </Anchor>
      {message.isPending ? (
        <Loading />
      ) : message.isError ? (
        <QueryError error={message.error} />
      ) : (
        <MessageView message={message.data} />
      )}
    </Page>
  );
}

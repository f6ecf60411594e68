import { Anchor, Table, Text, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsentEvent } from '../../api-types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { Loading, QueryError } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { receiptUrl, useConsentHistory, useDates, useLocalized } from './consent-queries.ts';

/** How a change was made: by the person on the website, or by staff from a paper form (with the reason). */
function Channel({ event }: { event: ConsentEvent }) {
  const { t } = useTranslation();
  if (event.channel === 'web') return <>{t('consent.history.web')}</>;
  return (
    <>
      <Text size="sm">{t('consent.history.paper')}</Text>
      {event.reason && (
        <Text size="sm" c="dimmed">
          {t('consent.history.reason', { reason: event.reason })}
        </Text>
      )}
    </>
  );
}

/** "Your earlier choices": every change (GET /me/consents/history), newest first, each with its receipt. */
export function ConsentHistory() {
  const { t } = useTranslation();
  const localized = useLocalized();
  const dates = useDates();
  const history = useConsentHistory();

  let content: ReactNode;
  if (history.isPending) content = <Loading />;
  else if (history.isError) content = <QueryError error={history.error} />;
  else if (history.data.length === 0) content = <Text>{t('consent.history.none')}</Text>;
  else {
    content = (
      <div data-testid="consent-history">
        <DataTable
          caption={t('consent.history.caption')}
          head={[
            t('consent.history.date'),
            t('consent.history.purpose'),
            t('consent.history.decision'),
            t('consent.history.how'),
            t('consent.history.receipt'),
          ]}
          minWidth={720}
        >
          {history.data.map((event) => {
            // The title of the version decided on, which may differ from the one in force now.
            const title = localized(event.documentTitle);
            const when = dates.dateTime(event.at);
            return (
              <Table.Tr key={event.id} data-testid="consent-history-row">
                <Table.Td>{when}</Table.Td>
                <Table.Td>
                  {title}
                  <Text size="sm" c="dimmed">
                    {t('consent.history.version', { version: event.documentVersion })}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {event.decision === 'granted'
                    ? t('consent.decision.granted')
                    : t('consent.decision.refused')}
                </Table.Td>
                <Table.Td>
                  <Channel event={event} />
                </Table.Td>
                <Table.Td>
                  {/* Relative: keeps the hidden context inside the table's scroll area on small screens. */}
                  <Anchor href={receiptUrl(event.id)} download pos="relative">
                    {t('consent.receipt')}
                    <VisuallyHidden>{t('consent.history.receiptContext', { title, when })}</VisuallyHidden>
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </DataTable>
      </div>
    );
  }

  return (
    <Section id="history" title={t('consent.history.title')}>
      <Text>{t('consent.history.intro')}</Text>
      {content}
    </Section>
  );
}

import { Button, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportSummary } from '../../api-types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { Loading, QueryError } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { ImportSummaryView, useCount, useDateTime, usePeriod } from './import-summary.tsx';
import { useMyImports } from './measurement-queries.ts';

/** One earlier import opened below the table; its heading takes focus, so the keyboard lands there. */
function ImportDetails({ summary }: { summary: ImportSummary }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <Stack gap="sm" data-testid="import-details">
      <Title order={3} ref={heading} tabIndex={-1}>
        {t('measurements.history.detailsTitle', {
          name: summary.fileName,
          when: dateTime(summary.finishedAt),
        })}
      </Title>
      <ImportSummaryView summary={summary} />
    </Stack>
  );
}

/** GET /me/measurements/imports: every earlier import with its counts; one can be opened in full. */
export function ImportsList() {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const count = useCount();
  const period = usePeriod();
  const imports = useMyImports();
  const [openId, setOpenId] = useState<string | null>(null);

  let content: ReactNode;
  if (imports.isPending) content = <Loading />;
  else if (imports.isError) content = <QueryError error={imports.error} />;
  else if (imports.data.length === 0) content = <Text>{t('measurements.history.none')}</Text>;
  else {
    const open = imports.data.find((entry) => entry.id === openId);
    content = (
      <>
        <div data-testid="imports-table">
          <DataTable
            caption={t('measurements.history.caption')}
            head={[
              t('measurements.history.when'),
              t('measurements.history.file'),
              t('measurements.summary.imported'),
              t('measurements.summary.duplicates'),
              t('measurements.summary.rejected'),
              t('measurements.summary.period'),
              t('common.actions'),
            ]}
            minWidth={860}
          >
            {imports.data.map((entry) => (
              <Table.Tr key={entry.id} data-testid="imports-row">
                <Table.Td>{dateTime(entry.finishedAt)}</Table.Td>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>
                  {entry.fileName}
                  <Text size="sm" c="dimmed">
                    {t(`measurements.formats.${entry.format}`)}
                  </Text>
                </Table.Td>
                <Table.Td>{count(entry.imported)}</Table.Td>
                <Table.Td>{count(entry.duplicates)}</Table.Td>
                <Table.Td>{count(entry.rejected)}</Table.Td>
                <Table.Td>
                  {entry.status === 'failed' ? (
                    <Text fw={700} data-testid="imports-row-failed">
                      {t('measurements.history.failed')}
                    </Text>
                  ) : (
                    period(entry)
                  )}
                </Table.Td>
                <Table.Td>
                  <Button
                    variant="default"
                    size="xs"
                    aria-pressed={entry.id === openId}
                    onClick={() => setOpenId(entry.id === openId ? null : entry.id)}
                  >
                    {t('measurements.history.details')}
                    <VisuallyHidden>
                      {t('measurements.history.detailsContext', { name: entry.fileName })}
                    </VisuallyHidden>
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </DataTable>
        </div>
        {open && <ImportDetails key={open.id} summary={open} />}
      </>
    );
  }

  return (
    <Section id="earlier-imports" title={t('measurements.history.title')}>
      {content}
    </Section>
  );
}

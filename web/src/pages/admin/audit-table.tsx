import { Code, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../../api-types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { useFormat } from '../../hooks/use-format.ts';

function Details({ value }: { value: unknown }) {
  const { t } = useTranslation();
  if (value === null || value === undefined) return <>–</>;
  if (typeof value === 'object' && Object.keys(value).length === 0) return <>–</>;
  return (
    <details>
      <summary>{t('admin.audit.showDetails')}</summary>
      <Code block>{JSON.stringify(value, null, 2)}</Code>
    </details>
  );
}

/** The audit entries, newest first, as the API gives them. */
export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <DataTable
      caption={t('admin.audit.caption')}
      head={[
        t('admin.audit.seq'),
        t('admin.audit.at'),
        t('admin.audit.actor'),
        t('admin.audit.action'),
        t('admin.audit.resource'),
        t('admin.audit.participant'),
        t('admin.audit.purpose'),
        t('admin.audit.outcome'),
        t('admin.audit.details'),
      ]}
      minWidth={1100}
    >
      {entries.map((entry) => (
        <Table.Tr key={entry.seq}>
          <Table.Td>{entry.seq}</Table.Td>
          <Table.Td>{format.dateTime(entry.at)}</Table.Td>
          <Table.Td>
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              {entry.actorAccountId ?? '–'}
            </Text>
            {entry.actorRole && <Text size="sm">{entry.actorRole}</Text>}
            {entry.onBehalfOf && (
              <Text size="sm">{t('admin.audit.onBehalfOf', { id: entry.onBehalfOf })}</Text>
            )}
          </Table.Td>
          <Table.Td>{entry.action}</Table.Td>
          <Table.Td>
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              {[entry.resourceType, entry.resourceId].filter(Boolean).join(' ') || '–'}
            </Text>
          </Table.Td>
          <Table.Td>
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              {entry.subjectParticipantId ?? '–'}
            </Text>
          </Table.Td>
          <Table.Td>{entry.purpose ?? '–'}</Table.Td>
          <Table.Td>{entry.outcome ?? '–'}</Table.Td>
          <Table.Td>
            <Details value={entry.details} />
          </Table.Td>
        </Table.Tr>
      ))}
    </DataTable>
  );
}

import { Button, List, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportSummary } from '../../api-types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { InfoNotice } from '../../components/notices.tsx';
import { useMyProfile } from '../profile/profile-queries.ts';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import { kindOfCode } from './measurement-queries.ts';

/** Whole numbers with the separators of the language shown (1.344 in Dutch, 1,344 in English). */
export function useCount(): (value: number) => string {
  const format = new Intl.NumberFormat(useLocale() === 'en' ? 'en-GB' : 'nl-NL');
  return (value) => format.format(value);
}

/**
 * A date with its time in the participant's own time zone (the profile's): the zone the import read the file's
 * times in, so a reading written as 13-02-2026 00:00 is shown as 13 February 00:00 also in a browser set to
 * another zone. Until the profile is there (or with a zone the browser does not know), the browser's zone.
 */
export function useDateTime(): (value: string) => string {
  const locale = useLocale() === 'en' ? 'en-GB' : 'nl-NL';
  const timeZone = useMyProfile().data?.timeZone;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone });
  } catch {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' });
  }
  return (value) => {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : format.format(date);
  };
}

/** The period a file covers, as two dates with times in the participant's time zone. */
export function usePeriod(): (summary: ImportSummary) => string {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  return ({ firstTime, lastTime }) =>
    firstTime && lastTime
      ? t('measurements.summary.periodValue', { from: dateTime(firstTime), to: dateTime(lastTime) })
      : t('measurements.summary.noPeriod');
}

/** Rows shown at first; the rest (up to the 100 the API sends) on request, so the page stays short. */
const FIRST_ROWS = 10;

/** The rows a file was refused for: line and reason, the first 100 of them. */
function Rejections({ summary }: { summary: ImportSummary }) {
  const { t } = useTranslation();
  const count = useCount();
  const [all, setAll] = useState(false);
  if (summary.rejected === 0) return null;
  const rows = all ? summary.rejections : summary.rejections.slice(0, FIRST_ROWS);
  return (
    <Stack gap="xs" data-testid="import-rejections">
      <Text>{t('measurements.summary.rejectionsIntro')}</Text>
      <DataTable
        caption={
          summary.rejected > summary.rejections.length
            ? t('measurements.summary.rejectionsFirst', {
                shown: count(summary.rejections.length),
                count: summary.rejected,
                total: count(summary.rejected),
              })
            : t('measurements.summary.rejectionsAll', { count: summary.rejected })
        }
        head={[t('measurements.summary.line'), t('measurements.summary.reason')]}
        minWidth={420}
      >
        {rows.map((rejection) => (
          <Table.Tr key={`${rejection.line}-${rejection.reason}`}>
            <Table.Td>{count(rejection.line)}</Table.Td>
            <Table.Td>
              <span lang="en">{rejection.reason}</span>
            </Table.Td>
          </Table.Tr>
        ))}
      </DataTable>
      {summary.rejections.length > FIRST_ROWS && (
        <div>
          <Button
            variant="default"
            aria-expanded={all}
            onClick={() => setAll((shown) => !shown)}
            data-testid="import-rejections-all"
          >
            {all
              ? t('measurements.summary.showFirst', { count: FIRST_ROWS })
              : t('measurements.summary.showAll', { count: summary.rejections.length })}
          </Button>
        </div>
      )}
    </Stack>
  );
}

/**
 * What one import did with a file: rows read and what became of them (stored, already there, not a reading,
 * refused with line and reason), the period, and the kinds of measurements found.
 */
export function ImportSummaryView({ summary }: { summary: ImportSummary }) {
  const { t } = useTranslation();
  const count = useCount();
  const period = usePeriod();
  const facts: { key: string; term: string; value: string; hint?: string }[] = [
    { key: 'file', term: t('measurements.summary.file'), value: summary.fileName },
    {
      key: 'format',
      term: t('measurements.summary.format'),
      value: t(`measurements.formats.${summary.format}`),
    },
    { key: 'rowsRead', term: t('measurements.summary.rowsRead'), value: count(summary.rowsRead) },
    { key: 'imported', term: t('measurements.summary.imported'), value: count(summary.imported) },
    {
      key: 'duplicates',
      term: t('measurements.summary.duplicates'),
      value: count(summary.duplicates),
      hint: t('measurements.summary.duplicatesHint'),
    },
    {
      key: 'ignored',
      term: t('measurements.summary.ignored'),
      value: count(summary.ignored),
      hint: t('measurements.summary.ignoredHint'),
    },
    {
      key: 'rejected',
      term: t('measurements.summary.rejected'),
      value: count(summary.rejected),
      ...(summary.rejected > 0 ? { hint: t('measurements.summary.rejectedHint') } : {}),
    },
    { key: 'period', term: t('measurements.summary.period'), value: period(summary) },
  ];
  return (
    <Stack data-testid="import-summary">
      {summary.status === 'failed' && (
        <InfoNotice title={t('measurements.summary.failed')}>
          <Text data-testid="import-summary-error">
            {t('measurements.summary.failedReason')} <span lang="en">{summary.error}</span>
          </Text>
        </InfoNotice>
      )}
      <dl className="facts">
        {facts.map((fact) => (
          <div key={fact.key}>
            <dt>{fact.term}</dt>
            <dd data-testid={`import-summary-${fact.key}`}>
              {fact.value}
              {fact.hint && (
                <Text size="sm" c="dimmed" component="span" display="block">
                  {fact.hint}
                </Text>
              )}
            </dd>
          </div>
        ))}
      </dl>
      {summary.codes.length > 0 && (
        <Stack gap={4}>
          <Text fw={600}>{t('measurements.summary.kinds')}</Text>
          <List data-testid="import-summary-codes">
            {summary.codes.map(({ code, count: observations }) => {
              const kind = kindOfCode(code);
              return (
                <List.Item key={code}>
                  {t('measurements.summary.kindCount', {
                    kind: kind ? t(`measurements.kinds.${kind}`) : code,
                    count: observations,
                    value: count(observations),
                  })}
                </List.Item>
              );
            })}
          </List>
        </Stack>
      )}
      <Rejections summary={summary} />
    </Stack>
  );
}

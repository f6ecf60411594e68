import { Code, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { DataTable } from '../../components/data-table.tsx';
import { InfoNotice, Loading, QueryError } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { useDates } from '../consent/consent-queries.ts';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import type { StudyStatus } from './research-api.ts';
import { type Monitoring, useMonitoring, usePercent, useStudyDays } from './schedule-api.ts';

/** Participants have tasks from the moment the study recruits; closed and completed studies still have results. */
const isRunning = (status: StudyStatus) =>
  status === 'recruiting' || status === 'closed' || status === 'completed';

/** Numbers in the language shown, with at most one decimal. */
function useNumber() {
  const { i18n } = useTranslation();
  const format = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'nl-NL', {
    maximumFractionDigits: 1,
  });
  return (value: number) => format.format(value);
}

/** A timepoint by its title; with its round when it repeats ("Wear the sensor, round 2"). */
function useTimepointName(monitoring: Monitoring) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (timepoint: string, occurrence: number): string => {
    const rows = monitoring.timepoints.filter((row) => row.timepoint === timepoint);
    const title = rows[0]?.title[locale] ?? timepoint;
    return rows.length > 1 || occurrence > 1 ? t('research.monitoring.round', { title, occurrence }) : title;
  };
}

/** Per timepoint and round: how many are upcoming, open, done and missed, the share done, and days of data. */
function CompletionTable({ monitoring }: { monitoring: Monitoring }) {
  const { t } = useTranslation();
  const number = useNumber();
  const percent = usePercent();
  const name = useTimepointName(monitoring);
  return (
    <DataTable
      caption={t('research.monitoring.completion')}
      head={[
        t('research.monitoring.columns.timepoint'),
        t('research.monitoring.columns.upcoming'),
        t('research.monitoring.columns.open'),
        t('research.monitoring.columns.done'),
        t('research.monitoring.columns.missed'),
        t('research.monitoring.columns.completion'),
        t('research.monitoring.columns.dataDays'),
      ]}
      minWidth={820}
    >
      {monitoring.timepoints.map((row) => (
        <Table.Tr key={`${row.timepoint}#${row.occurrence}`} data-testid="monitoring-timepoint">
          <Table.Td>{name(row.timepoint, row.occurrence)}</Table.Td>
          <Table.Td>{number(row.upcoming)}</Table.Td>
          <Table.Td>{number(row.open)}</Table.Td>
          <Table.Td>{number(row.done)}</Table.Td>
          <Table.Td>{number(row.missed)}</Table.Td>
          <Table.Td>
            {row.completionRate === null
              ? t('research.monitoring.notYet')
              : t('research.monitoring.completionValue', {
                  percent: percent(row.completionRate),
                  done: number(row.done),
                  closed: number(row.done + row.missed),
                })}
          </Table.Td>
          <Table.Td>
            {row.meanDataDays === null
              ? t('research.monitoring.notApplicable')
              : t('research.monitoring.dataDaysValue', {
                  mean: number(row.meanDataDays),
                  count: row.daysNeeded,
                })}
          </Table.Td>
        </Table.Tr>
      ))}
    </DataTable>
  );
}

/** Per participant, by pseudonym, lowest adherence first: what was due, done, missed, and what is open now. */
function AdherenceTable({ subjects }: { subjects: Monitoring['subjects'] }) {
  const { t } = useTranslation();
  const { date } = useDates();
  const number = useNumber();
  const percent = usePercent();
  return (
    <DataTable
      caption={t('research.monitoring.adherence')}
      head={[
        t('research.monitoring.columns.pseudonym'),
        t('research.monitoring.columns.due'),
        t('research.monitoring.columns.done'),
        t('research.monitoring.columns.missed'),
        t('research.monitoring.columns.openNow'),
        t('research.monitoring.columns.adherence'),
        t('research.monitoring.columns.lastDone'),
      ]}
      minWidth={820}
    >
      {subjects.map((subject) => (
        <Table.Tr key={subject.pseudonym} data-testid="monitoring-subject">
          <Table.Td>
            <Code>{subject.pseudonym}</Code>
          </Table.Td>
          <Table.Td>{number(subject.due)}</Table.Td>
          <Table.Td>{number(subject.done)}</Table.Td>
          <Table.Td>{number(subject.missed)}</Table.Td>
          <Table.Td>{number(subject.open)}</Table.Td>
          <Table.Td>
            {subject.adherence === null ? t('research.monitoring.nothingDue') : percent(subject.adherence)}
          </Table.Td>
          <Table.Td>
            {subject.lastDoneAt ? date(subject.lastDoneAt) : t('research.monitoring.never')}
          </Table.Td>
        </Table.Tr>
      ))}
    </DataTable>
  );
}

/** Windows that closed without the task done, the latest first. */
function OverdueTable({ monitoring }: { monitoring: Monitoring }) {
  const { t } = useTranslation();
  const { lastDay } = useStudyDays();
  const name = useTimepointName(monitoring);
  return (
    <DataTable
      caption={t('research.monitoring.overdue')}
      head={[
        t('research.monitoring.columns.pseudonym'),
        t('research.monitoring.columns.timepoint'),
        t('research.monitoring.columns.lastDay'),
      ]}
      minWidth={560}
    >
      {monitoring.overdue.map((row) => (
        <Table.Tr
          key={`${row.pseudonym}:${row.timepoint}#${row.occurrence}`}
          data-testid="monitoring-overdue"
        >
          <Table.Td>
            <Code>{row.pseudonym}</Code>
          </Table.Td>
          <Table.Td>{name(row.timepoint, row.occurrence)}</Table.Td>
          <Table.Td>{lastDay(row.closedAt)}</Table.Td>
        </Table.Tr>
      ))}
    </DataTable>
  );
}

/** What the e-mails did: sent, not sent (no e-mail wanted), failed, links opened, tasks done after one. */
function NotificationsTable({ notifications }: { notifications: Monitoring['notifications'] }) {
  const { t } = useTranslation();
  const number = useNumber();
  return (
    <DataTable
      caption={t('research.monitoring.notifications')}
      head={[
        t('research.monitoring.columns.sent'),
        t('research.monitoring.columns.noEmail'),
        t('research.monitoring.columns.failed'),
        t('research.monitoring.columns.opened'),
        t('research.monitoring.columns.doneAfter'),
      ]}
      minWidth={640}
    >
      <Table.Tr data-testid="monitoring-notifications">
        <Table.Td>{number(notifications.sent)}</Table.Td>
        <Table.Td>{number(notifications.noEmail)}</Table.Td>
        <Table.Td>{number(notifications.failed)}</Table.Td>
        <Table.Td>{number(notifications.opened)}</Table.Td>
        <Table.Td>{number(notifications.doneAfter)}</Table.Td>
      </Table.Tr>
    </DataTable>
  );
}

/** One part of the monitoring, with its heading. */
function Part({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        {title}
      </Title>
      {children}
    </Stack>
  );
}

function MonitoringView({ monitoring }: { monitoring: Monitoring }) {
  const { t } = useTranslation();
  if (monitoring.timepoints.length === 0) {
    return <Text data-testid="monitoring-empty">{t('research.monitoring.none')}</Text>;
  }
  return (
    <>
      <Part title={t('research.monitoring.completionTitle')}>
        <CompletionTable monitoring={monitoring} />
        <Text size="sm">{t('research.monitoring.completionHint')}</Text>
      </Part>
      <Part title={t('research.monitoring.adherenceTitle')}>
        {monitoring.subjects.length === 0 ? (
          <Text>{t('research.monitoring.noSubjects')}</Text>
        ) : (
          <>
            <AdherenceTable subjects={monitoring.subjects} />
            <Text size="sm">{t('research.monitoring.adherenceHint')}</Text>
          </>
        )}
      </Part>
      <Part title={t('research.monitoring.overdueTitle')}>
        {monitoring.overdue.length === 0 ? (
          <Text>{t('research.monitoring.noOverdue')}</Text>
        ) : (
          <OverdueTable monitoring={monitoring} />
        )}
      </Part>
      <Part title={t('research.monitoring.notificationsTitle')}>
        <NotificationsTable notifications={monitoring.notifications} />
        <Text size="sm">{t('research.monitoring.notificationsHint')}</Text>
      </Part>
    </>
  );
}

/**
 * How the schedule goes, for the study's team: completion per timepoint and round (with days of data for wear
 * tasks), adherence per participant by pseudonym, the windows closed undone, and what the e-mails did. Only those
 * taking part whose research consent holds count; the server decides and audits the read.
 */
export function MonitoringSection({ studyId, status }: { studyId: string; status: StudyStatus }) {
  const { t } = useTranslation();
  const running = isRunning(status);
  const monitoring = useMonitoring(studyId, running);
  let content: ReactNode;
  if (!running) content = <InfoNotice>{t('research.monitoring.notRunning')}</InfoNotice>;
  else if (monitoring.isPending) content = <Loading />;
  else if (monitoring.isError) content = <QueryError error={monitoring.error} />;
  else content = <MonitoringView monitoring={monitoring.data} />;
  return (
    <Section id="monitoring" title={t('research.monitoring.title')}>
      <Text>{t('research.monitoring.intro')}</Text>
      {content}
    </Section>
  );
}

import { Alert, Badge, Button, Group, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import {
  type CatalogueDataset,
  type DataRequest,
  type ExtractStatus,
  PSEUDONYM,
  type RequestStatus,
  type StudyStatus,
  useDayFormat,
  variableLabel,
} from './research-api.ts';

const REQUEST_COLORS: Record<RequestStatus, string> = {
  submitted: 'blue',
  approved: 'teal',
  rejected: 'red',
};
const EXTRACT_COLORS: Record<ExtractStatus, string> = {
  queued: 'blue',
  running: 'blue',
  ready: 'teal',
  failed: 'red',
  expired: 'gray',
};

/** A status as a light badge whose dark text keeps its contrast on every colour. */
function StatusBadge({ color, label, testId }: { color: string; label: string; testId?: string }) {
  return (
    <Badge color={color} variant="light" c="dark.7" tt="none" data-testid={testId}>
      {label}
    </Badge>
  );
}

export function StudyStatusBadge({ status }: { status: StudyStatus }) {
  const { t } = useTranslation();
  return (
    <StatusBadge
      color={status === 'recruiting' ? 'teal' : 'gray'}
      label={t(`research.studyStatus.${status}`)}
      testId="study-status"
    />
  );
}

export function RequestStatusBadge({ status }: { status: RequestStatus }) {
  const { t } = useTranslation();
  return (
    <StatusBadge
      color={REQUEST_COLORS[status]}
      label={t(`research.requestStatus.${status}`)}
      testId="request-status"
    />
  );
}

export function ExtractStatusBadge({ status }: { status: ExtractStatus }) {
  const { t } = useTranslation();
  return (
    <StatusBadge
      color={EXTRACT_COLORS[status]}
      label={t(`research.extractStatus.${status}`)}
      testId="extract-status"
    />
  );
}

/** "1 January 2026 – 31 March 2026". */
export function PeriodText({ period }: { period: { from: string; to: string } }) {
  const { t } = useTranslation();
  const day = useDayFormat();
  return <>{t('research.periodValue', { from: day(period.from), to: day(period.to) })}</>;
}

/** The data sets of a request, each with the labels (and units) of its variables from the catalogue. */
export function RequestedData({
  datasets,
  catalogue,
}: {
  datasets: DataRequest['datasets'];
  catalogue: CatalogueDataset[];
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <List spacing="xs" data-testid="requested-data">
      {datasets.map((asked) => {
        const dataset = catalogue.find((candidate) => candidate.key === asked.dataset);
        const labels = [PSEUDONYM, ...asked.variables.filter((name) => name !== PSEUDONYM)].map((name) => {
          const variable = dataset?.variables.find((candidate) => candidate.name === name);
          return variable ? variableLabel(variable, locale) : name;
        });
        return (
          <List.Item key={asked.dataset}>
            <Text span fw={600}>
              {dataset?.label[locale] ?? asked.dataset}
            </Text>
            {': '}
            {labels.join(', ')}
            {dataset && <Text size="sm">{t('research.rowIs', { row: dataset.rowIs[locale] })}</Text>}
          </List.Item>
        );
      })}
    </List>
  );
}

/** The conditions of use of an approval: shown prominently, as they bind whoever uses the data. */
export function ConditionsNotice({ conditions }: { conditions: string }) {
  const { t } = useTranslation();
  return (
    <Alert
      color="yellow"
      variant="light"
      title={t('research.conditions')}
      role="note"
      data-testid="conditions"
      // Dark text on the pale yellow: Mantine's yellow title would miss the contrast of WCAG 1.4.3.
      styles={{
        root: { borderLeft: '4px solid var(--mantine-color-yellow-7)' },
        title: { color: 'var(--mantine-color-dark-7)' },
      }}
    >
      <Text style={{ whiteSpace: 'pre-wrap' }} c="dark.7">
        {conditions}
      </Text>
    </Alert>
  );
}

/** The pages of one study, as a row of links: its overview, its settings (texts, ethics, team, lifecycle), its criteria. */
export function StudyNav({ studyId }: { studyId: string }) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const items = [
    { to: `/research/${studyId}`, label: t('research.editor.nav.overview'), testId: 'study-nav-overview' },
    {
      to: `/research/${studyId}/settings`,
      label: t('research.editor.nav.settings'),
      testId: 'study-nav-settings',
    },
    {
      to: `/research/${studyId}/criteria`,
      label: t('research.editor.nav.criteria'),
      testId: 'study-nav-criteria',
    },
  ];
  return (
    <nav aria-label={t('research.editor.nav.label')}>
      <Group component="ul" gap="xs" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {items.map((item) => {
          const active = pathname === item.to;
          return (
            <li key={item.to}>
              <Button
                component={Link}
                to={item.to}
                variant={active ? 'filled' : 'default'}
                aria-current={active ? 'page' : undefined}
                data-testid={item.testId}
              >
                {item.label}
              </Button>
            </li>
          );
        })}
      </Group>
    </nav>
  );
}

import { Alert, Anchor, Button, Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { type ReactNode, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { isApiError } from '../../api.ts';
import { GLUCOSE_REPORT_DAYS, type GlucoseReport, type GlucoseReportDays } from '../../api-types.ts';
import { InfoNotice, Loading, QueryError } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { Section } from '../../components/section.tsx';
import { useMyProfile } from '../profile/profile-queries.ts';
import { isConsentRequired, useLocale } from '../questionnaires/questionnaire-queries.ts';
import { NotJoined } from '../questionnaires/questionnaires-page.tsx';
import { AgpChart } from './agp-chart.tsx';
import { DailyOverlay } from './daily-overlay.tsx';
import {
  GLUCOSE_UNITS,
  type GlucoseFormat,
  type GlucoseUnit,
  useGlucoseFormat,
  useGlucoseUnit,
  useReportDate,
} from './glucose-format.ts';
import { glucosePdfUrl, useGlucoseReport } from './glucose-queries.ts';
import { MetricsPanel } from './metrics-panel.tsx';
import { RangesBar } from './ranges-bar.tsx';
import { Trends } from './trend-charts.tsx';

const DEFAULT_DAYS: GlucoseReportDays = 14;

/** The period from the address (?days=30), so a chosen period survives a reload and can be linked to. */
function useDays(): [GlucoseReportDays, (days: GlucoseReportDays) => void] {
  const [params, setParams] = useSearchParams();
  const asked = Number(params.get('days'));
  const days = GLUCOSE_REPORT_DAYS.find((option) => option === asked) ?? DEFAULT_DAYS;
  return [days, (next) => setParams(next === DEFAULT_DAYS ? {} : { days: String(next) }, { replace: true })];
}

/** A choice between a few options, named by a visible label (SegmentedControl is a group of radio buttons). */
function Choice<T extends string>({
  label,
  value,
  options,
  onChange,
  testId,
}: {
  label: string;
  value: T;
  options: { value: T; label: string }[];
  onChange: (value: T) => void;
  testId: string;
}) {
  const labelId = useId();
  return (
    <Stack gap={4}>
      <Text component="span" id={labelId} size="sm" fw={600}>
        {label}
      </Text>
      <SegmentedControl
        aria-labelledby={labelId}
        data-testid={testId}
        value={value}
        onChange={(next) => {
          const option = options.find((candidate) => candidate.value === next);
          if (option) onChange(option.value);
        }}
        data={options}
      />
    </Stack>
  );
}

/** Always on the page: this shows measurements, it is not a diagnosis. */
function Disclaimer() {
  const { t } = useTranslation();
  return (
    <div data-testid="glucose-disclaimer">
      <InfoNotice title={t('glucose.disclaimer.title')}>{t('glucose.disclaimer.text')}</InfoNotice>
    </div>
  );
}

/** Fewer than 14 days or less than 70 % of the readings (Battelino 2019): said plainly, above the numbers. */
function Sufficiency({ report, format }: { report: GlucoseReport; format: GlucoseFormat }) {
  const { t } = useTranslation();
  const { sufficiency, period } = report;
  if (sufficiency.sufficient) return null;
  return (
    <Alert
      color="yellow"
      title={t('glucose.sufficiency.title')}
      role="note"
      c="dark.8"
      data-testid="glucose-insufficient"
    >
      <Stack gap="xs">
        <Text>
          {t('glucose.sufficiency.text', {
            requiredDays: sufficiency.requiredDays,
            requiredActive: format.percent(sufficiency.requiredActivePercent),
            days: format.number(sufficiency.days, 1),
            active: format.percent(sufficiency.activePercent),
          })}
        </Text>
        <Text>
          {period.days < sufficiency.requiredDays
            ? t('glucose.sufficiency.longerPeriod', { requiredDays: sufficiency.requiredDays })
            : t('glucose.sufficiency.wearLonger')}
        </Text>
      </Stack>
    </Alert>
  );
}

/** The report of one period: what it covers, then the ranges, the metrics, the AGP, the days and the trends. */
function Report({
  report,
  days,
  format,
  trends,
}: {
  report: GlucoseReport;
  days: GlucoseReportDays;
  format: GlucoseFormat;
  /** The participant's own steps and weight (their own page only). */
  trends: boolean;
}) {
  const { t } = useTranslation();
  const date = useReportDate(report.timeZone);
  const { sufficiency, period } = report;
  return (
    <>
      <Text data-testid="glucose-period">
        {t('glucose.period', { from: date(period.start), to: date(period.end) })}{' '}
        {t('glucose.worn', {
          days: format.number(sufficiency.days, 1),
          active: format.percent(sufficiency.activePercent),
          readings: format.number(report.metrics.readings),
        })}
      </Text>
      <Sufficiency report={report} format={format} />
      <Section id="glucose-ranges" title={t('glucose.ranges.title')}>
        <Text>{t('glucose.ranges.intro')}</Text>
        <RangesBar ranges={report.ranges} format={format} />
      </Section>
      <Section id="glucose-metrics" title={t('glucose.metrics.title')}>
        <MetricsPanel report={report} format={format} />
      </Section>
      <Section id="glucose-agp" title={t('glucose.agp.title')}>
        <Text>{t('glucose.agp.intro')}</Text>
        <AgpChart agp={report.agp} format={format} />
      </Section>
      <Section id="glucose-daily" title={t('glucose.daily.title')}>
        <Text>{t('glucose.daily.intro')}</Text>
        <DailyOverlay key={period.end} daily={report.daily} format={format} />
      </Section>
      {trends && (
        <Section id="glucose-trends" title={t('glucose.trends.title')}>
          <Trends days={days} />
        </Section>
      )}
      <Text size="sm" c="dimmed">
        {t('glucose.source')}
      </Text>
    </>
  );
}

/** No report: no readings yet (the way to import), or no consent for one's own results (the way to turn it on). */
function Unavailable({ reason }: { reason: 'no_data' | 'no_consent' }) {
  const { t } = useTranslation();
  if (reason === 'no_consent') {
    return (
      <div data-testid="glucose-no-consent">
        <InfoNotice title={t('glucose.noConsent.title')}>
          <Text>
            {t('glucose.noConsent.text')}{' '}
            <Anchor component={Link} to="/consent">
              {t('glucose.noConsent.link')}
            </Anchor>
          </Text>
        </InfoNotice>
      </div>
    );
  }
  return (
    <div data-testid="glucose-no-data">
      <InfoNotice title={t('glucose.noData.title')}>
        <Stack gap="sm" align="flex-start">
          <Text>{t('glucose.noData.text')}</Text>
          <Button component={Link} to="/measurements/import">
            {t('glucose.noData.link')}
          </Button>
        </Stack>
      </InfoNotice>
    </div>
  );
}

/**
 * The glucose report with its controls: one's own (with trends and the PDF), or, for a coach, that of a member
 * of their caseload (`member`), as far as the member shares it.
 */
export function GlucoseReportView({ member }: { member?: { id: string; name: string } }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [days, setDays] = useDays();
  const [unit, setUnit] = useGlucoseUnit();
  const format = useGlucoseFormat(unit);
  const report = useGlucoseReport(days, member?.id);

  let content: ReactNode;
  if (report.isPending) content = <Loading />;
  else if (report.isError) {
    if (member && isApiError(report.error) && report.error.status === 403) {
      content = (
        <div data-testid="glucose-not-shared">
          <InfoNotice title={t('caseload.notShared.title')}>
            {t('caseload.notShared.text', { name: member.name })}
          </InfoNotice>
        </div>
      );
    } else {
      content = isConsentRequired(report.error) ? (
        <Unavailable reason="no_consent" />
      ) : (
        <QueryError error={report.error} />
      );
    }
  } else if (!report.data.available) {
    content =
      member && report.data.reason === 'no_data' ? (
        <Text data-testid="glucose-no-data">{t('caseload.noData', { name: member.name })}</Text>
      ) : (
        <Unavailable reason={report.data.reason} />
      );
  } else content = <Report report={report.data} days={days} format={format} trends={!member} />;

  const available = report.data?.available === true;
  return (
    <>
      {available && (
        <Group align="flex-end" gap="lg" className="no-print">
          <Choice
            label={t('glucose.controls.period')}
            value={String(days)}
            options={GLUCOSE_REPORT_DAYS.map((option) => ({
              value: String(option),
              label: t('glucose.controls.days', { count: option }),
            }))}
            onChange={(value) =>
              setDays(GLUCOSE_REPORT_DAYS.find((option) => String(option) === value) ?? DEFAULT_DAYS)
            }
            testId="glucose-days"
          />
          <Choice<GlucoseUnit>
            label={t('glucose.controls.unit')}
            value={unit}
            options={GLUCOSE_UNITS.map((option) => ({ value: option, label: option }))}
            onChange={setUnit}
            testId="glucose-unit"
          />
          {!member && (
            <Button
              component="a"
              href={glucosePdfUrl(days, unit, locale)}
              variant="default"
              data-testid="glucose-pdf"
            >
              {t('glucose.controls.pdf')}
            </Button>
          )}
        </Group>
      )}
      {report.isPlaceholderData && (
        <Text role="status" size="sm">
          {t('common.loading')}
        </Text>
      )}
      {content}
    </>
  );
}

/** /glucose — my glucose: time in ranges, the metrics against targets, the AGP, each day, steps and weight. */
export function GlucosePage() {
  const { t } = useTranslation();
  const profile = useMyProfile();
  let content: ReactNode;
  if (profile.isPending) content = <Loading />;
  else if (profile.isError) content = <QueryError error={profile.error} />;
  else if (!profile.data) content = <NotJoined />;
  else content = <GlucoseReportView />;
  return (
    <Page title={t('glucose.title')} size="lg">
      <Disclaimer />
      {content}
    </Page>
  );
}

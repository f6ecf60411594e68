import { Anchor, Stack, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { GlucoseReportDays, Trend } from '../../api-types.ts';
import { QueryError } from '../../components/notices.tsx';
import { isConsentRequired } from '../questionnaires/questionnaire-queries.ts';
import { linearScale, linePath, niceStep, useWidth } from './chart.ts';
import { CHART, CHART_FONT, HiddenTable } from './chart-parts.tsx';
import { useNumber } from './glucose-format.ts';
import { useTrend } from './glucose-queries.ts';

type Point = Trend['points'][number];

const DAY_MS = 86_400_000;
const MARGIN = { top: 24, right: 16, bottom: 28, left: 56 };
const HEIGHT = 200;

/** A local calendar date (YYYY-MM-DD) as a day number, so that days without a value leave a gap. */
const dayNumber = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);

function useShortDate() {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'nl-NL', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
  return (date: string) => format.format(new Date(`${date}T00:00:00Z`));
}

interface TrendChartProps {
  points: Point[];
  kind: 'bars' | 'line';
  title: string;
  description: string;
  unit: string;
  /** Values in the table. */
  formatValue: (value: number) => string;
  /** Values on the axis, all with as many decimals as the step between them needs. */
  formatTick: (value: number, step: number) => string;
  valueHeader: string;
}

/** A value a day: bars (steps) from zero, or a line with dots (weight) over the range of the values. */
function TrendChart({
  points,
  kind,
  title,
  description,
  unit,
  formatValue,
  formatTick,
  valueHeader,
}: TrendChartProps) {
  const { t } = useTranslation();
  const id = useId();
  const shortDate = useShortDate();
  const { ref, width } = useWidth<HTMLDivElement>();
  const first = dayNumber(points[0]?.date ?? '');
  const last = dayNumber(points[points.length - 1]?.date ?? '');
  const slots = Math.max(1, last - first + 1);
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const slot = plotWidth / slots;
  const values = points.map((point) => point.value);
  const low = kind === 'bars' ? 0 : Math.min(...values);
  const high = Math.max(...values);
  const step = niceStep(Math.max(high - low, kind === 'bars' ? 1 : 2), 4);
  const bottom = kind === 'bars' ? 0 : Math.floor(low / step) * step - step;
  const top = Math.ceil(high / step) * step + (kind === 'bars' ? 0 : step);
  const ticks = Array.from(
    { length: Math.round((top - bottom) / step) + 1 },
    (_, index) => bottom + index * step,
  );
  const x = (date: string) => MARGIN.left + (dayNumber(date) - first + 0.5) * slot;
  const y = linearScale([bottom, top], [HEIGHT - MARGIN.bottom, MARGIN.top]);
  const labelled = [points[0], points[Math.floor((points.length - 1) / 2)], points[points.length - 1]].filter(
    (point, index, all): point is Point => point !== undefined && all.indexOf(point) === index,
  );

  return (
    <Stack gap="xs">
      <div ref={ref}>
        <svg
          width={width}
          height={HEIGHT}
          viewBox={`0 0 ${width} ${HEIGHT}`}
          role="img"
          aria-labelledby={`${id}-title ${id}-desc`}
          style={{ display: 'block', maxWidth: '100%' }}
        >
          <title id={`${id}-title`}>{title}</title>
          <desc id={`${id}-desc`}>{description}</desc>
          <g fontSize={CHART_FONT} fill={CHART.text}>
            <text x={4} y={MARGIN.top - 12}>
              {unit}
            </text>
            {ticks.map((tick) => (
              <g key={tick}>
                <line
                  x1={MARGIN.left}
                  x2={width - MARGIN.right}
                  y1={y(tick)}
                  y2={y(tick)}
                  stroke={CHART.grid}
                />
                <text x={MARGIN.left - 6} y={y(tick)} dy="0.35em" textAnchor="end">
                  {formatTick(tick, step)}
                </text>
              </g>
            ))}
            {labelled.map((point) => (
              <text
                key={point.date}
                x={x(point.date)}
                y={HEIGHT - MARGIN.bottom + CHART_FONT + 6}
                textAnchor="middle"
              >
                {shortDate(point.date)}
              </text>
            ))}
          </g>
          <g>
            {kind === 'bars' ? (
              points.map((point) => (
                <rect
                  key={point.date}
                  x={x(point.date) - Math.max(1, slot * 0.35)}
                  y={y(point.value)}
                  width={Math.max(2, slot * 0.7)}
                  height={Math.max(0, y(0) - y(point.value))}
                  fill={CHART.median}
                />
              ))
            ) : (
              <>
                <path
                  d={linePath(
                    points.map((point) => [dayNumber(point.date), point.value]),
                    (day) => MARGIN.left + (day - first + 0.5) * slot,
                    y,
                  )}
                  fill="none"
                  stroke={CHART.median}
                  strokeWidth={2}
                />
                {points.map((point) => (
                  <circle key={point.date} cx={x(point.date)} cy={y(point.value)} r={3} fill={CHART.median} />
                ))}
              </>
            )}
          </g>
        </svg>
      </div>
      <HiddenTable
        caption={title}
        head={[t('glucose.trends.date'), valueHeader]}
        rows={points.map((point) => [shortDate(point.date), formatValue(point.value)])}
      />
    </Stack>
  );
}

/** The days with the most steps and the average of the days with any. */
function StepsChart({ points }: { points: Point[] }) {
  const { t } = useTranslation();
  const number = useNumber();
  const shortDate = useShortDate();
  const best = points.reduce((top, point) => (point.value > top.value ? point : top));
  const average = points.reduce((sum, point) => sum + point.value, 0) / points.length;
  return (
    <TrendChart
      points={points}
      kind="bars"
      title={t('glucose.trends.stepsTitle')}
      description={t('glucose.trends.stepsDesc', {
        average: number(average),
        count: points.length,
        most: number(best.value),
        date: shortDate(best.date),
      })}
      unit={t('glucose.trends.stepsUnit')}
      formatValue={(value) => number(value)}
      formatTick={(value) => number(value)}
      valueHeader={t('glucose.trends.stepsUnit')}
    />
  );
}

function WeightChart({ points }: { points: Point[] }) {
  const { t } = useTranslation();
  const number = useNumber();
  const shortDate = useShortDate();
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return null;
  return (
    <TrendChart
      points={points}
      kind="line"
      title={t('glucose.trends.weightTitle')}
      description={t('glucose.trends.weightDesc', {
        first: number(first.value, 1),
        firstDate: shortDate(first.date),
        last: number(last.value, 1),
        lastDate: shortDate(last.date),
      })}
      unit="kg"
      formatValue={(value) => number(value, 1)}
      formatTick={(value, step) => number(value, step < 1 ? 1 : 0, true)}
      valueHeader={t('glucose.trends.weightUnit')}
    />
  );
}

/**
 * Steps (a bar a day) and weight (a line) over the same number of days as the glucose report, from what the
 * participant imported. Nothing is shown for a measure without values; without consent the section stays away
 * (the glucose part of the page already says so).
 */
export function Trends({ days }: { days: GlucoseReportDays }) {
  const { t } = useTranslation();
  const steps = useTrend('steps', days);
  const weight = useTrend('weight', days);
  const failed = [steps.error, weight.error].find((error) => error && !isConsentRequired(error));
  if (failed) return <QueryError error={failed} />;
  const stepPoints = steps.data?.points ?? [];
  const weightPoints = weight.data?.points ?? [];
  if (steps.isPending || weight.isPending) return null;
  // The trends end today, the glucose report with the latest reading: say which days these are.
  const period = <Text data-testid="trends-period">{t('glucose.trends.period', { count: days })}</Text>;
  if (stepPoints.length === 0 && weightPoints.length === 0) {
    return (
      <Stack gap="sm">
        {period}
        <Text data-testid="trends-none">
          {t('glucose.trends.none')}{' '}
          <Anchor component={Link} to="/measurements/import">
            {t('glucose.trends.toImport')}
          </Anchor>
        </Text>
      </Stack>
    );
  }
  return (
    <Stack gap="lg">
      {period}
      {stepPoints.length > 0 && (
        <Stack gap="xs" data-testid="trend-steps">
          <Title order={3}>{t('glucose.trends.stepsTitle')}</Title>
          <StepsChart points={stepPoints} />
        </Stack>
      )}
      {weightPoints.length > 0 && (
        <Stack gap="xs" data-testid="trend-weight">
          <Title order={3}>{t('glucose.trends.weightTitle')}</Title>
          <WeightChart points={weightPoints} />
        </Stack>
      )}
    </Stack>
  );
}

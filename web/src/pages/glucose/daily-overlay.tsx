import { Button, Group, NativeSelect, Stack, Text } from '@mantine/core';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { GLUCOSE_THRESHOLDS_MGDL } from '../../../../src/science/glucose/metrics.ts';
import type { GlucoseReport } from '../../api-types.ts';
import { clockTime, linearScale, linePath, useWidth } from './chart.ts';
import { CHART, ChartSvg, GlucoseAxis, GlucoseGrid, glucoseCeiling, TimeAxis } from './chart-parts.tsx';
import type { GlucoseFormat } from './glucose-format.ts';

type Day = GlucoseReport['daily'][number];

/** No line is drawn across a stretch without readings longer than this (DOMAIN.md §3: never across gaps > 45 min). */
const MAX_GAP_MINUTES = 45;
const MARGIN = { top: 24, right: 16, bottom: 28, left: 44 };

/** A calendar date (YYYY-MM-DD, the participant's local date) written out, without shifting it by a time zone. */
function useDayName() {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'nl-NL', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return (date: string) => format.format(new Date(`${date}T00:00:00Z`));
}

/** The day's lowest and highest reading, and how much of the day's readings lay in range. */
function daySummary(day: Day) {
  let low = day.points[0];
  let high = day.points[0];
  let inRange = 0;
  for (const point of day.points) {
    if (low && point[1] < low[1]) low = point;
    if (high && point[1] > high[1]) high = point;
    if (point[1] >= GLUCOSE_THRESHOLDS_MGDL.low && point[1] <= GLUCOSE_THRESHOLDS_MGDL.high) inRange++;
  }
  return { low, high, inRangePercent: day.points.length > 0 ? (inRange / day.points.length) * 100 : 0 };
}

/**
 * Every day of the period in one chart, by time of day: each day a thin grey line, the chosen day a thick
 * blue one. The day is chosen from a list or stepped through; its summary in words is the chart's description
 * and is read out when it changes.
 */
export function DailyOverlay({ daily, format }: { daily: Day[]; format: GlucoseFormat }) {
  const { t } = useTranslation();
  const id = useId();
  const dayName = useDayName();
  const days = daily.filter((day) => day.points.length > 0);
  const [chosen, setChosen] = useState<string | null>(null);
  const { ref, width } = useWidth<HTMLDivElement>();
  if (days.length === 0) return <Text>{t('glucose.daily.none')}</Text>;

  const selectedIndex = Math.max(
    0,
    chosen === null ? days.length - 1 : days.findIndex((day) => day.date === chosen),
  );
  const selected = days[selectedIndex] ?? days[days.length - 1];
  if (!selected) return null;

  const height = Math.round(Math.min(320, Math.max(220, width * 0.4)));
  const x = linearScale([0, 1440], [MARGIN.left, width - MARGIN.right]);
  const y = linearScale(
    [0, glucoseCeiling(days.flatMap((day) => day.points.map((point) => point[1])))],
    [height - MARGIN.bottom, MARGIN.top],
  );
  const path = (day: Day) => linePath(day.points, x, y, MAX_GAP_MINUTES);

  const { low, high, inRangePercent } = daySummary(selected);
  const summary =
    low && high
      ? t('glucose.daily.summary', {
          day: dayName(selected.date),
          count: selected.points.length,
          low: format.withUnit(low[1]),
          lowTime: clockTime(low[0]),
          high: format.withUnit(high[1]),
          highTime: clockTime(high[0]),
          inRange: format.percent(inRangePercent),
          range: format.range('inRange'),
        })
      : '';

  return (
    <Stack gap="sm">
      <Group align="flex-end" gap="sm">
        <NativeSelect
          label={t('glucose.daily.choose')}
          value={selected.date}
          onChange={(event) => setChosen(event.currentTarget.value)}
          data={days.map((day) => ({ value: day.date, label: dayName(day.date) }))}
          data-testid="daily-select"
        />
        <Button
          variant="default"
          disabled={selectedIndex === 0}
          onClick={() => setChosen(days[selectedIndex - 1]?.date ?? selected.date)}
        >
          {t('glucose.daily.previous')}
        </Button>
        <Button
          variant="default"
          disabled={selectedIndex === days.length - 1}
          onClick={() => setChosen(days[selectedIndex + 1]?.date ?? selected.date)}
        >
          {t('glucose.daily.next')}
        </Button>
      </Group>
      <Text aria-live="polite" data-testid="daily-summary">
        {summary}
      </Text>
      <div ref={ref} data-testid="daily-chart">
        <ChartSvg
          id={id}
          width={width}
          height={height}
          title={t('glucose.daily.chartTitle', { count: days.length })}
          description={summary}
        >
          <GlucoseGrid y={y} left={MARGIN.left} right={width - MARGIN.right} />
          <TimeAxis x={x} top={MARGIN.top} bottom={height - MARGIN.bottom} narrow={width < 480} />
          <g fill="none">
            {days.map((day) =>
              day === selected ? null : (
                <path
                  key={day.date}
                  d={path(day)}
                  stroke={CHART.otherDay}
                  strokeWidth={days.length > 30 ? 0.6 : 1}
                />
              ),
            )}
            <path d={path(selected)} stroke={CHART.median} strokeWidth={3} strokeLinejoin="round" />
          </g>
          <GlucoseAxis y={y} left={MARGIN.left} top={MARGIN.top} format={format} />
        </ChartSvg>
      </div>
      <Group gap="lg" aria-hidden="true">
        <Group gap={6} wrap="nowrap">
          <svg width="28" height="14" viewBox="0 0 28 14" aria-hidden="true">
            <line x1="0" x2="28" y1="7" y2="7" stroke={CHART.median} strokeWidth="3" />
          </svg>
          <Text size="sm">{t('glucose.daily.legendChosen')}</Text>
        </Group>
        <Group gap={6} wrap="nowrap">
          <svg width="28" height="14" viewBox="0 0 28 14" aria-hidden="true">
            <line x1="0" x2="28" y1="7" y2="7" stroke={CHART.otherDay} strokeWidth="1" />
          </svg>
          <Text size="sm">{t('glucose.daily.legendOther')}</Text>
        </Group>
      </Group>
    </Stack>
  );
}

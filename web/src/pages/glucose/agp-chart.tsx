import { Group, Stack, Text } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { GlucoseReport } from '../../api-types.ts';
import { bandPath, clockTime, linearScale, linePath, spreadLabels, useWidth } from './chart.ts';
import {
  CHART,
  CHART_FONT,
  ChartSvg,
  GlucoseAxis,
  GlucoseGrid,
  glucoseCeiling,
  HiddenTable,
  TimeAxis,
} from './chart-parts.tsx';
import type { GlucoseFormat } from './glucose-format.ts';

type Agp = GlucoseReport['agp'];
const PERCENTILES = ['p95', 'p75', 'p50', 'p25', 'p5'] as const;
type Percentile = (typeof PERCENTILES)[number];
const PERCENTILE_LABEL: Record<Percentile, string> = { p95: '95', p75: '75', p50: '50', p25: '25', p5: '5' };

const MARGIN = { top: 24, right: 40, bottom: 28, left: 44 };

interface Extreme {
  value: number;
  minute: number;
}

/** The lowest and highest median of the day, with the time of day of each. */
function medianExtremes(agp: Agp): { low: Extreme | null; high: Extreme | null } {
  let low: Extreme | null = null;
  let high: Extreme | null = null;
  for (const [index, value] of agp.p50.entries()) {
    if (value === null) continue;
    const minute = agp.minutes[index] ?? 0;
    if (!low || value < low.value) low = { value, minute };
    if (!high || value > high.value) high = { value, minute };
  }
  return { low, high };
}

/** The AGP's numbers per hour: the bin that starts on the hour (bins divide the hour evenly). */
function hourlyRows(agp: Agp, format: GlucoseFormat, none: string) {
  const rows = [];
  for (let hour = 0; hour < 24; hour++) {
    const index = agp.minutes.findIndex((minute) => minute >= hour * 60);
    rows.push([
      clockTime(hour * 60),
      ...PERCENTILES.map((key) => {
        const value = index < 0 ? null : agp[key][index];
        return value === null || value === undefined ? none : format.value(value);
      }),
    ]);
  }
  return rows;
}

/** A small sample of a line or band for the legend. */
function Swatch({ kind }: { kind: 'median' | 'inner' | 'outer' | 'target' }) {
  return (
    <svg width="28" height="14" viewBox="0 0 28 14" aria-hidden="true">
      {kind === 'median' && <line x1="0" x2="28" y1="7" y2="7" stroke={CHART.median} strokeWidth="3" />}
      {kind === 'inner' && (
        <rect x="0" y="1" width="28" height="12" fill={CHART.innerBand} stroke={CHART.bandEdge} />
      )}
      {kind === 'outer' && (
        <rect
          x="0"
          y="1"
          width="28"
          height="12"
          fill={CHART.outerBand}
          stroke={CHART.bandEdge}
          strokeDasharray="3 2"
        />
      )}
      {kind === 'target' && (
        <>
          <rect x="0" y="1" width="28" height="12" fill={CHART.targetFill} />
          <line x1="0" x2="28" y1="1" y2="1" stroke={CHART.target} strokeWidth="1.5" />
          <line x1="0" x2="28" y1="13" y2="13" stroke={CHART.target} strokeWidth="1.5" />
        </>
      )}
    </svg>
  );
}

/**
 * The Ambulatory Glucose Profile (Battelino 2019): every day laid over one another by time of day. The light
 * band holds 90 % of the readings (5th–95th percentile, dashed edges), the dark band half of them (25th–75th),
 * the thick line is the median; the target range 70–180 mg/dL is shaded between two green lines. Screen
 * readers get a summary and the numbers per hour.
 */
export function AgpChart({ agp, format }: { agp: Agp; format: GlucoseFormat }) {
  const { t } = useTranslation();
  const id = useId();
  const { ref, width } = useWidth<HTMLDivElement>();
  const height = Math.round(Math.min(340, Math.max(240, width * 0.45)));
  const binMinutes = (agp.minutes[1] ?? 1440) - (agp.minutes[0] ?? 0);
  const centres = agp.minutes.map((minute) => minute + binMinutes / 2);
  const x = linearScale([0, 1440], [MARGIN.left, width - MARGIN.right]);
  const y = linearScale([0, glucoseCeiling(agp.p95)], [height - MARGIN.bottom, MARGIN.top]);

  const line = (key: Percentile) =>
    linePath(
      centres.map((centre, index) => [centre, agp[key][index] ?? null]),
      x,
      y,
    );
  const lastIndex = agp.p50.findLastIndex((value) => value !== null);
  const labelKeys = lastIndex < 0 ? [] : PERCENTILES.filter((key) => agp[key][lastIndex] !== null);
  const labelY = spreadLabels(
    labelKeys.map((key) => y(agp[key][lastIndex] ?? 0)),
    CHART_FONT,
    MARGIN.top,
    height - MARGIN.bottom,
  );

  const { low, high } = medianExtremes(agp);
  const description =
    low && high
      ? t('glucose.agp.desc', {
          low: format.withUnit(low.value),
          lowTime: clockTime(low.minute),
          high: format.withUnit(high.value),
          highTime: clockTime(high.minute),
          range: format.range('inRange'),
        })
      : t('glucose.agp.empty');

  return (
    <Stack gap="sm">
      <div ref={ref} data-testid="agp-chart">
        <ChartSvg
          id={id}
          width={width}
          height={height}
          title={t('glucose.agp.chartTitle')}
          description={description}
        >
          <GlucoseGrid y={y} left={MARGIN.left} right={width - MARGIN.right} />
          <TimeAxis x={x} top={MARGIN.top} bottom={height - MARGIN.bottom} narrow={width < 480} />
          <g>
            <path d={bandPath(centres, agp.p5, agp.p95, x, y)} fill={CHART.outerBand} fillOpacity={0.85} />
            <path d={bandPath(centres, agp.p25, agp.p75, x, y)} fill={CHART.innerBand} fillOpacity={0.85} />
            {(['p5', 'p95'] as const).map((key) => (
              <path
                key={key}
                d={line(key)}
                fill="none"
                stroke={CHART.bandEdge}
                strokeWidth={1.25}
                strokeDasharray="5 3"
              />
            ))}
            {(['p25', 'p75'] as const).map((key) => (
              <path key={key} d={line(key)} fill="none" stroke={CHART.bandEdge} strokeWidth={1.25} />
            ))}
            <path d={line('p50')} fill="none" stroke={CHART.median} strokeWidth={3} strokeLinejoin="round" />
          </g>
          <GlucoseAxis y={y} left={MARGIN.left} top={MARGIN.top} format={format} />
          <g fontSize={CHART_FONT - 1} fill={CHART.text}>
            {labelKeys.map((key, index) => (
              <text
                key={key}
                x={width - MARGIN.right + 4}
                y={labelY[index]}
                dy="0.35em"
                fontWeight={key === 'p50' ? 700 : 400}
              >
                {PERCENTILE_LABEL[key]}%
              </text>
            ))}
          </g>
        </ChartSvg>
      </div>
      <HiddenTable
        caption={t('glucose.agp.tableCaption', { unit: format.unit })}
        head={[t('glucose.agp.time'), '5%', '25%', t('glucose.agp.median'), '75%', '95%']}
        rows={hourlyRows(agp, format, t('glucose.agp.noReadings'))}
      />
      <Group gap="lg" component="ul" className="plain-list" data-testid="agp-legend">
        {(
          [
            ['median', t('glucose.agp.legendMedian')],
            ['inner', t('glucose.agp.legendInner')],
            ['outer', t('glucose.agp.legendOuter')],
            ['target', t('glucose.agp.legendTarget', { range: format.range('inRange') })],
          ] as const
        ).map(([kind, label]) => (
          <Group key={kind} component="li" gap={6} wrap="nowrap">
            <Swatch kind={kind} />
            <Text size="sm">{label}</Text>
          </Group>
        ))}
      </Group>
    </Stack>
  );
}

import { VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { GLUCOSE_THRESHOLDS_MGDL } from '../../../../src/science/glucose/metrics.ts';
import { clockTime, placeLabels, type Scale } from './chart.ts';
import type { GlucoseFormat } from './glucose-format.ts';

/**
 * Colours of the glucose charts, all on white. Lines and marks that carry meaning reach at least 3:1
 * (WCAG 1.4.11); fills only support them and every band also has an edge or a label.
 */
export const CHART = {
  /** Axis text and ticks: gray 7, 8.2:1. */
  text: '#495057',
  grid: '#dee2e6',
  /** Target range: green 9 lines (4.4:1) over a light green fill. */
  target: '#2b8a3e',
  targetFill: '#ebfbee',
  /** AGP: the median blue 9 (6.1:1), band edges blue 7 (4.2:1). */
  median: '#1864ab',
  bandEdge: '#1c7ed6',
  outerBand: '#d0ebff',
  innerBand: '#74c0fc',
  /** Other days in the overlay: gray 6, 3.3:1. */
  otherDay: '#868e96',
} as const;

export const CHART_FONT = 12;

/*
 * The parts below are drawn inside an <svg role="img">, whose children are presentational: screen readers get
 * the chart's <title>, <desc> and the table beside it, not the axis labels one by one.
 */

/** A chart as one image for assistive technology: named by its title, described by its description. */
export function ChartSvg({
  id,
  width,
  height,
  title,
  description,
  children,
}: {
  id: string;
  width: number;
  height: number;
  title: string;
  description: string;
  children: ReactNode;
}) {
  return (
    <svg
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
      style={{ display: 'block', maxWidth: '100%' }}
    >
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{description}</desc>
      {children}
    </svg>
  );
}

/** The dotted reference lines at 54 and 250 mg/dL, and the target lines at 70 and 180 with the range between. */
export function GlucoseGrid({ y, left, right }: { y: Scale; left: number; right: number }) {
  const { veryLow, low, high, veryHigh } = GLUCOSE_THRESHOLDS_MGDL;
  return (
    <g>
      <rect x={left} y={y(high)} width={right - left} height={y(low) - y(high)} fill={CHART.targetFill} />
      {[veryLow, veryHigh].map((value) => (
        <line
          key={value}
          x1={left}
          x2={right}
          y1={y(value)}
          y2={y(value)}
          stroke={CHART.text}
          strokeWidth={1}
          strokeDasharray="2 4"
        />
      ))}
      {[low, high].map((value) => (
        <line
          key={value}
          x1={left}
          x2={right}
          y1={y(value)}
          y2={y(value)}
          stroke={CHART.target}
          strokeWidth={1.5}
        />
      ))}
    </g>
  );
}

/**
 * The glucose axis: labels at the consensus edges in the chosen unit, the target edges first (when the chart
 * is small, 54 gives way to 70), and the unit on top.
 */
export function GlucoseAxis({
  y,
  left,
  top,
  format,
}: {
  y: Scale;
  left: number;
  top: number;
  format: GlucoseFormat;
}) {
  const { veryLow, low, high, veryHigh } = GLUCOSE_THRESHOLDS_MGDL;
  const ticks = placeLabels([low, high, veryHigh, veryLow], (value) => y(value), CHART_FONT + 2);
  return (
    <g fontSize={CHART_FONT} fill={CHART.text}>
      <text x={4} y={top - 6}>
        {format.unit}
      </text>
      {ticks.map((value) => (
        <text key={value} x={left - 6} y={y(value)} dy="0.35em" textAnchor="end">
          {format.value(value)}
        </text>
      ))}
    </g>
  );
}

/** The time-of-day axis, 00:00 to 24:00, every 3 hours (every 6 on a narrow chart). */
export function TimeAxis({
  x,
  top,
  bottom,
  narrow,
}: {
  x: Scale;
  top: number;
  bottom: number;
  narrow: boolean;
}) {
  const step = narrow ? 360 : 180;
  const ticks = Array.from({ length: 1440 / step + 1 }, (_, index) => index * step);
  return (
    <g fontSize={CHART_FONT} fill={CHART.text}>
      {ticks.map((minute) => (
        <g key={minute}>
          <line x1={x(minute)} x2={x(minute)} y1={top} y2={bottom} stroke={CHART.grid} strokeWidth={1} />
          <text x={x(minute)} y={bottom + CHART_FONT + 6} textAnchor="middle">
            {clockTime(minute)}
          </text>
        </g>
      ))}
    </g>
  );
}

/** A table only screen readers get: the numbers behind a chart. */
export function HiddenTable({
  caption,
  head,
  rows,
}: {
  caption: string;
  head: string[];
  rows: ReactNode[][];
}) {
  return (
    <VisuallyHidden>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {head.map((cell) => (
              <th key={cell} scope="col">
                {cell}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, rowIndex) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed table, never reordered
            <tr key={rowIndex}>
              {row.map((cell, cellIndex) =>
                cellIndex === 0 ? (
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed
                  <th key={cellIndex} scope="row">
                    {cell}
                  </th>
                ) : (
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed
                  <td key={cellIndex}>{cell}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </VisuallyHidden>
  );
}

/** The top of a glucose axis in mg/dL: 350 as on the AGP report, higher when readings go above it. */
export function glucoseCeiling(values: Iterable<number | null>): number {
  let highest = 0;
  for (const value of values) if (value !== null && value > highest) highest = value;
  return Math.max(350, Math.ceil(highest / 50) * 50);
}

import { Group, Stack, Text } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { GlucoseReport } from '../../api-types.ts';
import { type GlucoseFormat, RANGES, type RangeKey } from './glucose-format.ts';

/**
 * The consensus colours of the ranges (AGP report: orange and yellow above, green in range, red below),
 * darkened to at least 3:1 against white, and a pattern each so colour is never the only difference:
 * solid in range, stripes one way above and the other way below, crossed stripes for "very".
 */
const STYLE: Record<RangeKey, { colour: string; stripes: 'none' | 'up' | 'down' | 'cross' }> = {
  veryHigh: { colour: '#d9480f', stripes: 'cross' }, // 4.3:1
  high: { colour: '#cc7000', stripes: 'up' }, // 3.6:1
  inRange: { colour: '#2b8a3e', stripes: 'none' }, // 4.4:1
  low: { colour: '#e03131', stripes: 'down' }, // 4.5:1
  veryLow: { colour: '#8b1a1a', stripes: 'cross' }, // 9.3:1
};

/** A range of a few tenths of a percent still gets a segment tall enough to show its pattern. */
const BAR = { width: 56, height: 240, gap: 2, minSegment: 6 };

function Patterns({ prefix }: { prefix: string }) {
  return (
    <defs>
      {RANGES.map((key) => {
        const { colour, stripes } = STYLE[key];
        return (
          <pattern
            key={key}
            id={`${prefix}-${key}`}
            width="6"
            height="6"
            patternUnits="userSpaceOnUse"
            patternTransform={stripes === 'down' ? 'rotate(-45)' : 'rotate(45)'}
          >
            <rect width="6" height="6" fill={colour} />
            {stripes !== 'none' && <line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" strokeWidth="1.5" />}
            {stripes === 'cross' && <line x1="0" y1="0" x2="6" y2="0" stroke="#ffffff" strokeWidth="1.5" />}
          </pattern>
        );
      })}
    </defs>
  );
}

/**
 * Time in ranges as one stacked bar (very high on top, very low at the bottom, as on the AGP report) and, beside
 * it, the same as a list in words: the range in the chosen unit, the percentage and what that is a day. The
 * list is what screen readers read; the bar is a picture of it.
 */
export function RangesBar({ ranges, format }: { ranges: GlucoseReport['ranges']; format: GlucoseFormat }) {
  const { t } = useTranslation();
  const prefix = `ranges${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const total = RANGES.reduce((sum, key) => sum + Math.max(0, ranges[key]), 0) || 1;
  const shown = RANGES.filter((key) => ranges[key] > 0);
  const room = BAR.height - BAR.gap * Math.max(0, shown.length - 1) - BAR.minSegment * shown.length;
  let top = 0;
  const segments = shown.map((key) => {
    const height = BAR.minSegment + (ranges[key] / total) * room;
    const segment = { key, top, height };
    top += height + BAR.gap;
    return segment;
  });

  return (
    <Group align="flex-start" gap="xl" wrap="nowrap" data-testid="ranges">
      <svg
        width={BAR.width}
        height={BAR.height}
        viewBox={`0 0 ${BAR.width} ${BAR.height}`}
        aria-hidden="true"
        style={{ flex: 'none' }}
      >
        <Patterns prefix={prefix} />
        {segments.map((segment) => (
          <rect
            key={segment.key}
            x="0"
            y={segment.top}
            width={BAR.width}
            height={segment.height}
            fill={`url(#${prefix}-${segment.key})`}
          />
        ))}
      </svg>
      <Stack component="ul" gap="sm" className="plain-list" style={{ minWidth: 0 }} data-testid="ranges-list">
        {RANGES.map((key) => (
          <li key={key} data-testid={`range-${key}`}>
            <Group gap="sm" wrap="nowrap" align="flex-start">
              <svg
                width="18"
                height="18"
                viewBox="0 0 18 18"
                aria-hidden="true"
                style={{ flex: 'none', marginTop: 3 }}
              >
                <rect width="18" height="18" fill={`url(#${prefix}-${key})`} />
              </svg>
              <div>
                <Text fw={key === 'inRange' ? 700 : 600}>
                  {t(`glucose.ranges.${key}`)}{' '}
                  <Text span fw={400}>
                    ({format.range(key)})
                  </Text>
                  {': '}
                  <Text span fw={700} data-testid={`range-${key}-percent`}>
                    {format.percent(ranges[key])}
                  </Text>
                </Text>
                <Text size="sm" c="dimmed">
                  {format.perDay(ranges[key])}
                </Text>
              </div>
            </Group>
          </li>
        ))}
      </Stack>
    </Group>
  );
}

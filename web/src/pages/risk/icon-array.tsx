import { Group, Stack, Text } from '@mantine/core';

/** Red 9 and gray 7 of Mantine: both above 3:1 against white (WCAG 1.4.11). */
const AFFECTED = '#c92a2a';
const UNAFFECTED = '#495057';

/**
 * One person in a 20 × 20 cell. Affected people are drawn solid, the others as an outline: the difference
 * never rests on colour alone.
 */
function Person({ x = 0, y = 0, affected }: { x?: number; y?: number; affected: boolean }) {
  const style = affected
    ? { fill: AFFECTED, stroke: AFFECTED, strokeWidth: 1 }
    : { fill: '#ffffff', stroke: UNAFFECTED, strokeWidth: 1.3 };
  return (
    <g transform={`translate(${x} ${y})`} {...style}>
      <circle cx="10" cy="5" r="3.2" />
      <path d="M4.6 18.4 V13.4 a5.4 5.4 0 0 1 10.8 0 V18.4 Z" />
    </g>
  );
}

const PEOPLE = Array.from({ length: 100 }, (_, index) => index);

interface IconArrayProps {
  /** How many of the 100 people get the outcome. */
  affected: number;
  /** The same fact in words: the picture's accessible name. */
  label: string;
  affectedLabel: string;
  unaffectedLabel: string;
}

/** 100 people, of whom `affected` are drawn solid: a risk as people, which most readers grasp better than %. */
export function IconArray({ affected, label, affectedLabel, unaffectedLabel }: IconArrayProps) {
  return (
    <Stack gap="xs" className="icon-array">
      <svg
        viewBox="0 0 200 200"
        role="img"
        aria-label={label}
        style={{ width: '100%', maxWidth: 320 }}
        data-testid="icon-array"
      >
        {PEOPLE.map((index) => (
          <Person
            key={index}
            x={(index % 10) * 20}
            y={Math.floor(index / 10) * 20}
            affected={index < affected}
          />
        ))}
      </svg>
      <Group gap="lg" aria-hidden="true">
        <Group gap={6} wrap="nowrap">
          <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
            <Person affected />
          </svg>
          <Text size="sm">{affectedLabel}</Text>
        </Group>
        <Group gap={6} wrap="nowrap">
          <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
            <Person affected={false} />
          </svg>
          <Text size="sm">{unaffectedLabel}</Text>
        </Group>
      </Group>
    </Stack>
  );
}

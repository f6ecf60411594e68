import { useEffect, useState } from 'react';

/** A linear map from data values to pixels. */
export type Scale = (value: number) => number;

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/** Space around the plot for axis labels, in pixels. */
export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

const coordinate = (value: number): string => value.toFixed(1);

/**
 * An SVG path through the points, lifted between runs: at a missing value, and where the next point lies more
 * than `maxGap` further on x (no line is drawn across a stretch without readings).
 */
export function linePath(
  points: readonly (readonly [number, number | null])[],
  x: Scale,
  y: Scale,
  maxGap = Number.POSITIVE_INFINITY,
): string {
  let path = '';
  let previous: number | null = null;
  for (const [px, py] of points) {
    if (py === null) {
      previous = null;
      continue;
    }
    const command = previous === null || px - previous > maxGap ? 'M' : 'L';
    path += `${command}${coordinate(x(px))} ${coordinate(y(py))}`;
    previous = px;
  }
  return path;
}

/** A filled band between two series, one closed shape per run of bins where both have a value. */
export function bandPath(
  xs: readonly number[],
  lower: readonly (number | null)[],
  upper: readonly (number | null)[],
  x: Scale,
  y: Scale,
): string {
  const shapes: string[] = [];
  let run: number[] = [];
  const close = () => {
    if (run.length > 0) {
      const top = run.map((i) => `${coordinate(x(xs[i] ?? 0))} ${coordinate(y(upper[i] ?? 0))}`);
      const bottom = [...run]
        .reverse()
        .map((i) => `${coordinate(x(xs[i] ?? 0))} ${coordinate(y(lower[i] ?? 0))}`);
      shapes.push(`M${[...top, ...bottom].join('L')}Z`);
    }
    run = [];
  };
  xs.forEach((_, index) => {
    if (
      lower[index] === null ||
      lower[index] === undefined ||
      upper[index] === null ||
      upper[index] === undefined
    ) {
      close();
    } else {
      run.push(index);
    }
  });
  close();
  return shapes.join('');
}

/**
 * Positions for labels along an axis, in order of importance: a label that would come closer than `gap`
 * pixels to one already placed is left out (54 and 70 mg/dL lie close together on a small chart).
 */
export function placeLabels<T>(items: readonly T[], position: (item: T) => number, gap: number): T[] {
  const placed: { item: T; at: number }[] = [];
  for (const item of items) {
    const at = position(item);
    if (placed.every((other) => Math.abs(other.at - at) >= gap)) placed.push({ item, at });
  }
  return placed.map((entry) => entry.item);
}

/**
 * Labels at the end of lines, moved apart so none overlap: sorted top to bottom, each at least `gap` below
 * the one above, and the whole stack kept inside [min, max].
 */
export function spreadLabels(positions: readonly number[], gap: number, min: number, max: number): number[] {
  const order = positions.map((at, index) => ({ at, index })).sort((a, b) => a.at - b.at);
  const spread = order.map((entry) => entry.at);
  for (let i = 0; i < spread.length; i++) {
    spread[i] = Math.max(spread[i] ?? 0, i === 0 ? min : (spread[i - 1] ?? 0) + gap);
  }
  for (let i = spread.length - 1; i >= 0; i--) {
    spread[i] = Math.min(spread[i] ?? 0, i === spread.length - 1 ? max : (spread[i + 1] ?? max) - gap);
  }
  const result = new Array<number>(positions.length).fill(0);
  order.forEach((entry, sorted) => {
    result[entry.index] = spread[sorted] ?? entry.at;
  });
  return result;
}

/**
 * The width of an element in CSS pixels, kept up to date: charts are drawn at their real size, so that their
 * text stays readable on a phone instead of shrinking with the picture.
 */
export function useWidth<T extends HTMLElement>(initial = 640) {
  const [element, setElement] = useState<T | null>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    if (!element) return;
    const measure = () => setWidth(Math.max(240, Math.floor(element.clientWidth)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  /** A callback ref: the element may appear after the first render (a chart shown once there is data). */
  return { ref: setElement, width };
}

/** "HH:MM" for a number of minutes after midnight (1440 is 24:00, the end of the axis). */
export function clockTime(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = Math.round(minutes % 60);
  return `${String(hours).padStart(2, '0')}:${String(rest).padStart(2, '0')}`;
}

/** A round step for about `count` ticks over `span` (1, 2 or 5 times a power of ten). */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

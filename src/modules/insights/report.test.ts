import { describe, expect, it } from 'vitest';
import { addDays, localDateOf, startOfLocalDay } from './calendar.ts';
import { glucoseReport, periodMetrics, periodStart } from './report.ts';

const MINUTE = 60_000;
const AMSTERDAM = 'Europe/Amsterdam';

/** Readings every `stepMinutes` from `from` up to and including `to`, with glucose by time. */
function trace(
  from: string,
  to: string,
  stepMinutes: number,
  mgdlAt: (time: number, index: number) => number,
) {
  const start = Date.parse(from);
  const end = Date.parse(to);
  const times: number[] = [];
  for (let time = start; time <= end; time += stepMinutes * MINUTE) times.push(time);
  return {
    times: Float64Array.from(times),
    mgdl: Float64Array.from(times.map((time, index) => mgdlAt(time, index))),
    end,
  };
}

describe('local calendar days', () => {
  it('begins a day at local midnight, in winter and in summer time', () => {
    expect(new Date(startOfLocalDay('2026-01-15', AMSTERDAM)).toISOString()).toBe('2026-01-14T23:00:00.000Z');
    expect(new Date(startOfLocalDay('2026-07-15', AMSTERDAM)).toISOString()).toBe('2026-07-14T22:00:00.000Z');
    expect(new Date(startOfLocalDay('2026-07-15', 'Asia/Kolkata')).toISOString()).toBe(
      '2026-07-14T18:30:00.000Z',
    );
    expect(new Date(startOfLocalDay('2026-07-15', 'Pacific/Kiritimati')).toISOString()).toBe(
      '2026-07-14T10:00:00.000Z',
    );
  });

  it('begins a day whose midnight does not exist at the end of the gap (Cuba springs forward at 00:00)', () => {
    const start = startOfLocalDay('2026-03-08', 'America/Havana');
    expect(new Date(start).toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(localDateOf(start - MINUTE, 'America/Havana')).toBe('2026-03-07');
    expect(localDateOf(start, 'America/Havana')).toBe('2026-03-08');
  });

  it('counts dates across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
  });
});

describe('the glucose report', () => {
  it('judges the data of its period as the AGP report does: 14 whole local days, 70 % of the possible readings', () => {
    // Battelino T et al., Diabetes Care 2019;42:1593–1603: at least 14 days, at least 70 % of the possible
    // readings. A fortnight (1–14 Feb, Amsterdam) worn from midnight, whose last 40 minutes are missing: the
    // span from first to last reading is short of 14 days, the period is not.
    const worn = trace('2026-01-31T23:00:00Z', '2026-02-14T22:15:00Z', 5, () => 110);
    const fortnight = glucoseReport(worn.times, worn.mgdl, { days: 14, timeZone: AMSTERDAM, end: worn.end });
    expect(fortnight.sufficiency).toMatchObject({ sufficient: true, days: 14, requiredDays: 14 });
    // 4,032 readings were possible; 8 are missing.
    expect(fortnight.sufficiency.activePercent).toBeCloseTo((100 * 4024) / 4032, 6);

    // The same days with 9 of the 14 worn (readings from 6 February on): 64 % of the possible readings.
    const late = trace('2026-02-05T23:00:00Z', '2026-02-14T22:55:00Z', 5, () => 110);
    const nine = glucoseReport(late.times, late.mgdl, { days: 14, timeZone: AMSTERDAM, end: late.end });
    expect(nine.sufficiency.activePercent).toBeCloseTo((100 * 9) / 14, 6);
    expect(nine.sufficiency.sufficient).toBe(false);

    // A sensor still in, read at 14:00: the last day counts whole, so its missing evening costs 10 hours.
    const today = trace('2026-02-01T23:00:00Z', '2026-02-15T13:00:00Z', 5, () => 110);
    const ongoing = glucoseReport(today.times, today.mgdl, { days: 14, timeZone: AMSTERDAM, end: today.end });
    expect(ongoing.sufficiency.activePercent).toBeCloseTo((100 * (4032 - 10 * 12 + 1)) / 4032, 6);
    expect(ongoing.sufficiency.sufficient).toBe(true);
  });

  it('overlays at most the last 14 days of a longer period, each with only its own readings', () => {
    // 30 days; glucose equals 100 + the day's number, so a reading in the wrong day would show.
    const first = Date.parse('2026-01-31T23:00:00Z');
    const { times, mgdl, end } = trace(
      '2026-01-31T23:00:00Z',
      '2026-03-02T22:55:00Z',
      15,
      (time) => 100 + Math.floor((time - first) / 86_400_000),
    );
    const report = glucoseReport(times, mgdl, { days: 30, timeZone: AMSTERDAM, end });
    expect(report.metrics.readings).toBe(30 * 96);
    expect(report.daily.map((day) => day.date)).toEqual(
      Array.from({ length: 14 }, (_, k) => addDays('2026-02-17', k)),
    );
    report.daily.forEach((day, k) => {
      expect(day.points).toHaveLength(96);
      expect(new Set(day.points.map(([, value]) => value))).toEqual(new Set([116 + k]));
    });
  });

  it('shows a constant 100 mg/dL as 100 % in range with no variability', () => {
    // 14 whole local days (Amsterdam, winter: UTC+1), one reading every 5 minutes.
    const { times, mgdl, end } = trace('2026-01-31T23:00:00Z', '2026-02-14T22:55:00Z', 5, () => 100);
    const report = glucoseReport(times, mgdl, { days: 14, timeZone: AMSTERDAM, end });
    expect(report.ranges).toEqual({
      veryLow: 0,
      low: 0,
      inRange: 100,
      high: 0,
      veryHigh: 0,
      tightInRange: 100,
    });
    expect(report.metrics.meanMgdl).toBe(100);
    expect(report.metrics.cvPercent).toBe(0);
    expect(report.metrics.gmiPercent).toBeCloseTo(5.7, 2); // Bergenstal 2018: 100 mg/dL → 5.7 %
    expect(report.period).toEqual({
      start: '2026-01-31T23:00:00.000Z',
      end: '2026-02-14T22:55:00.000Z',
      days: 14,
    });
    expect(report.sufficiency).toEqual({
      sufficient: true,
      days: 14,
      activePercent: 100,
      requiredDays: 14,
      requiredActivePercent: 70,
    });
    expect(report.daily.map((day) => day.date)).toEqual(
      Array.from({ length: 14 }, (_, k) => addDays('2026-02-01', k)),
    );
    expect(report.daily.every((day) => day.points.length === 288)).toBe(true);
    expect(report.agp.minutes).toHaveLength(96);
    expect(new Set(report.agp.p5)).toEqual(new Set([100]));
    expect(new Set(report.agp.p95)).toEqual(new Set([100]));
    expect(report.metrics.firstTime).toBe('2026-01-31T23:00:00.000Z');
    expect(report.timeZone).toBe(AMSTERDAM);
  });

  it('puts each reading in exactly one range, with the edges as the consensus draws them', () => {
    // 100 readings: the percentages are the counts. 54 is low, 70 and 180 are in range, 181 and 250 high.
    const values = [
      ...Array(2).fill(53),
      ...Array(1).fill(54),
      ...Array(2).fill(69),
      ...Array(10).fill(70),
      ...Array(40).fill(140),
      ...Array(10).fill(141),
      ...Array(10).fill(180),
      ...Array(5).fill(181),
      ...Array(10).fill(250),
      ...Array(10).fill(251),
    ];
    const { times, mgdl, end } = trace(
      '2026-02-01T08:00:00Z',
      '2026-02-01T16:15:00Z',
      5,
      (_, i) => values[i],
    );
    expect(times).toHaveLength(100);
    const report = glucoseReport(times, mgdl, { days: 7, timeZone: AMSTERDAM, end });
    expect(report.ranges).toEqual({
      veryLow: 2,
      low: 3,
      inRange: 70,
      high: 15,
      veryHigh: 10,
      tightInRange: 50,
    });
    expect(report.metrics.percentBelow70).toBe(5);
    expect(report.metrics.percentAbove180).toBe(25);
  });

  it('covers the local days ending with the day of the latest reading, and nothing before them', () => {
    // Readings from 1 to 10 February; a 7-day report ending at 10 February 14:00 local time starts at
    // 4 February 00:00 local time.
    const { times, mgdl, end } = trace('2026-02-01T00:00:00Z', '2026-02-10T13:00:00Z', 15, (time) =>
      time < Date.parse('2026-02-03T23:00:00Z') ? 300 : 100,
    );
    const report = glucoseReport(times, mgdl, { days: 7, timeZone: AMSTERDAM, end });
    expect(report.period.start).toBe('2026-02-03T23:00:00.000Z');
    expect(report.ranges.veryHigh).toBe(0);
    expect(report.daily.map((day) => day.date)).toEqual([
      '2026-02-04',
      '2026-02-05',
      '2026-02-06',
      '2026-02-07',
      '2026-02-08',
      '2026-02-09',
      '2026-02-10',
    ]);
    // The last day runs to 14:00 local time: 15-minute readings 00:00–14:00 are 57 points.
    expect(report.daily.at(-1)?.points).toHaveLength(57);
    expect(report.daily.at(-1)?.points.at(-1)).toEqual([14 * 60, 100]);
    // Too few days for the consensus, however complete.
    expect(report.sufficiency.sufficient).toBe(false);
    // A stored summary of the same period has the same start and metrics.
    expect(periodStart(end, 7, AMSTERDAM)).toBe(Date.parse(report.period.start));
    expect(periodMetrics(times, mgdl, { days: 7, timeZone: AMSTERDAM, end })).toEqual({
      start: Date.parse(report.period.start),
      metrics: report.metrics,
    });
  });

  it('gives the day the clocks go forward 23 hours of readings, with none in the skipped hour', () => {
    // 29 March 2026, Europe/Amsterdam: 02:00 CET becomes 03:00 CEST. The day runs 23:00Z → 22:00Z.
    const { times, mgdl, end } = trace('2026-03-28T23:00:00Z', '2026-03-29T21:55:00Z', 5, () => 110);
    const report = glucoseReport(times, mgdl, { days: 1, timeZone: AMSTERDAM, end });
    expect(report.period.start).toBe('2026-03-28T23:00:00.000Z');
    const [day] = report.daily;
    expect(day?.date).toBe('2026-03-29');
    expect(day?.points).toHaveLength(23 * 12);
    expect(day?.points.some(([minute]) => minute >= 120 && minute < 180)).toBe(false);
    expect(day?.points.at(-1)?.[0]).toBe(23 * 60 + 55);
  });

  it('gives the day the clocks go back 25 hours of readings, the repeated hour sharing its slots', () => {
    // 25 October 2026, Europe/Amsterdam: 03:00 CEST becomes 02:00 CET. The day runs 22:00Z → 23:00Z; the hour
    // 02:00–02:59 passes twice: 00:00–00:59Z (CEST, 100 mg/dL) and 01:00–01:59Z (CET, 140 mg/dL).
    const secondPass = [Date.parse('2026-10-25T01:00:00Z'), Date.parse('2026-10-25T02:00:00Z')] as const;
    const { times, mgdl, end } = trace('2026-10-24T22:00:00Z', '2026-10-25T22:55:00Z', 5, (time) =>
      time >= secondPass[0] && time < secondPass[1] ? 140 : 100,
    );
    expect(times).toHaveLength(25 * 12);
    const report = glucoseReport(times, mgdl, { days: 1, timeZone: AMSTERDAM, end });
    expect(report.metrics.readings).toBe(25 * 12);
    const [day] = report.daily;
    expect(day?.date).toBe('2026-10-25');
    expect(day?.points).toHaveLength(288);
    expect(day?.points.find(([minute]) => minute === 150)).toEqual([150, 120]);
    expect(day?.points.find(([minute]) => minute === 180)).toEqual([180, 100]);
  });

  it('thins a 1-minute sensor to one point per 5 minutes: the mean of the slot', () => {
    const { times, mgdl, end } = trace(
      '2026-02-01T23:00:00Z',
      '2026-02-02T22:59:00Z',
      1,
      (_, i) => 100 + (i % 5),
    );
    const report = glucoseReport(times, mgdl, { days: 1, timeZone: AMSTERDAM, end });
    const [day] = report.daily;
    expect(day?.points).toHaveLength(288);
    expect(day?.points[0]).toEqual([2, 102]);
    expect(day?.points[287]).toEqual([1437, 102]);
  });

  it('leaves AGP bins without readings empty (null), not zero', () => {
    // Mornings only: 06:00–09:59 local time on seven days.
    const times: number[] = [];
    for (let day = 0; day < 7; day++) {
      const morning = Date.parse('2026-02-02T05:00:00Z') + day * 86_400_000;
      for (let minute = 0; minute < 240; minute += 5) times.push(morning + minute * MINUTE);
    }
    const report = glucoseReport(
      Float64Array.from(times),
      Float64Array.from(times, () => 95),
      { days: 7, timeZone: AMSTERDAM, end: times.at(-1) as number },
    );
    const bin = (hour: number) => report.agp.minutes.indexOf(hour * 60);
    expect(report.agp.p50[bin(7)]).toBe(95);
    expect(report.agp.p50[bin(12)]).toBeNull();
    expect(report.agp.p5[bin(0)]).toBeNull();
    expect(report.daily.every((day) => day.points.length === 48)).toBe(true);
  });

  it('refuses readings out of order and a period without readings', () => {
    const times = Float64Array.from([Date.parse('2026-02-01T10:05:00Z'), Date.parse('2026-02-01T10:00:00Z')]);
    const mgdl = Float64Array.from([100, 100]);
    const end = Date.parse('2026-02-01T10:05:00Z');
    expect(() => glucoseReport(times, mgdl, { days: 7, timeZone: AMSTERDAM, end })).toThrow(/sorted/);
    expect(() =>
      glucoseReport(times.slice(0, 1), mgdl.slice(0, 1), {
        days: 7,
        timeZone: AMSTERDAM,
        end: Date.parse('2026-03-01T00:00:00Z'),
      }),
    ).toThrow(/no readings/);
  });
});

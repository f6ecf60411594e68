import { z } from 'zod';
import { REPORT_DAYS, type ReportDays } from './model.ts';
import { TRENDS, type Trend } from './trends.ts';

const reportDays = z
  .enum(REPORT_DAYS.map(String) as [string, ...string[]])
  .default('14')
  .transform((days) => Number(days) as ReportDays)
  .describe(
    'Local days in the report (7, 14, 30 or 90), ending with the day of the latest reading. Default 14.',
  );

export const reportQuery = z.object({ days: reportDays });

export const pdfQuery = z.object({
  days: reportDays,
  unit: z
    .enum(['mgdl', 'mmol'])
    .default('mmol')
    .describe('Glucose in mg/dL or mmol/L (default, the Dutch use).'),
  lang: z.enum(['nl', 'en']).default('nl').describe('The language of the page.'),
});

export const participantParams = z.object({ participantId: z.uuid() });

const TREND_DAYS = ['7', '14', '30', '90', '365'] as const;
export const trendsQuery = z.object({
  code: z
    .enum(Object.keys(TRENDS) as [Trend, ...Trend[]])
    .describe('steps: the total per day; weight: the last weighing of each day.'),
  days: z
    .enum(TREND_DAYS)
    .default('90')
    .transform(Number)
    .describe('Local days up to and including today (7, 14, 30, 90 or 365). Default 90.'),
});

export const trendAnswer = z.object({
  code: z.enum(Object.keys(TRENDS) as [Trend, ...Trend[]]),
  unit: z.string().describe('UCUM unit of the values: {steps} or kg.'),
  points: z
    .array(z.object({ date: z.string().describe('Local date, YYYY-MM-DD.'), value: z.number() }))
    .describe('One point per local date that has a value, oldest first.'),
});

const percentage = (what: string) => z.number().describe(`Percentage of readings ${what}, 0–100.`);

const metrics = z
  .object({
    readings: z.number().int().describe('Readings used, one per time.'),
    firstTime: z.iso.datetime({ offset: true }),
    lastTime: z.iso.datetime({ offset: true }),
    intervalMinutes: z.number().int().describe('The sampling interval (1, 5 or 15 minutes).'),
    days: z.number().describe('Days of wear: first to last reading plus one interval.'),
    activePercent: z.number().describe('Expected readings present over those days, 0–100.'),
    meanMgdl: z.number(),
    meanMmol: z.number(),
    sdMgdl: z.number().describe('Standard deviation (n − 1).'),
    cvPercent: z.number().describe('Coefficient of variation: 100 × SD / mean.'),
    gmiPercent: z.number().describe('Glucose Management Indicator (Bergenstal 2018), NGSP %.'),
    gmiMmolMol: z.number().describe('GMI in IFCC mmol/mol.'),
    percentBelow54: percentage('below 54 mg/dL'),
    percentBelow70: percentage('below 70 mg/dL (including below 54)'),
    percentIn70to180: percentage('in 70–180 mg/dL'),
    percentIn70to140: percentage('in 70–140 mg/dL (tight range)'),
    percentAbove180: percentage('above 180 mg/dL (including above 250)'),
    percentAbove250: percentage('above 250 mg/dL'),
    lbgi: z.number().describe('Low blood glucose index (Kovatchev 1997).'),
    hbgi: z.number().describe('High blood glucose index (Kovatchev 1997).'),
    jIndex: z.number().describe('J-index (Wójcicki 1995).'),
    gri: z.number().describe('Glycemia Risk Index (Klonoff 2023), 0–100.'),
    mageMgdl: z.number().nullable().describe('MAGE (Fernandes 2022); null when it cannot be computed.'),
    congaMgdl: z.number().nullable().describe('CONGA, 1 hour; null with too little data.'),
    moddMgdl: z.number().nullable().describe('MODD; null with less than a day of data.'),
    sufficient: z.boolean().describe('At least 14 days and 70 % active (Battelino 2019).'),
  })
  .describe('The consensus metrics of the period (src/science/glucose).');

const curve = (what: string) =>
  z.array(z.number().nullable()).describe(`${what} in mg/dL per bin; null for a bin without readings.`);

const report = z.object({
  available: z.literal(true),
  period: z.object({
    start: z.iso.datetime({ offset: true }).describe('Local midnight that begins the first day.'),
    end: z.iso.datetime({ offset: true }).describe('The latest reading.'),
    days: z.number().int(),
  }),
  metrics,
  sufficiency: z.object({
    sufficient: z.boolean(),
    days: z.number(),
    activePercent: z.number(),
    requiredDays: z.number().int(),
    requiredActivePercent: z.number(),
  }),
  ranges: z
    .object({
      veryLow: percentage('below 54 mg/dL'),
      low: percentage('in 54–69 mg/dL'),
      inRange: percentage('in 70–180 mg/dL'),
      high: percentage('in 181–250 mg/dL'),
      veryHigh: percentage('above 250 mg/dL'),
      tightInRange: percentage('in 70–140 mg/dL (part of inRange)'),
    })
    .describe('Time in ranges (Battelino 2019): the first five add up to 100.'),
  agp: z
    .object({
      minutes: z
        .array(z.number().int())
        .describe('Start of each 15-minute bin of the local day, in minutes.'),
      p5: curve('5th percentile'),
      p25: curve('25th percentile'),
      p50: curve('Median'),
      p75: curve('75th percentile'),
      p95: curve('95th percentile'),
    })
    .describe('Ambulatory glucose profile by local time of day.'),
  daily: z
    .array(
      z.object({
        date: z.string().describe('Local date, YYYY-MM-DD.'),
        points: z
          .array(z.tuple([z.number().int(), z.number()]))
          .describe('[minute of the local day, mg/dL]: the mean of each 5-minute slot, at most 288.'),
      }),
    )
    .describe('One entry per local day of the period, for the overlay of days.'),
  timeZone: z.string().describe('The IANA zone the days and times of day are counted in.'),
});

export const reportAnswer = z
  .discriminatedUnion('available', [
    report,
    z.object({
      available: z.literal(false),
      reason: z
        .enum(['no_data', 'no_consent'])
        .describe('no_data: no CGM readings yet; no_consent: personal insights are not allowed.'),
    }),
  ])
  .describe('The glucose report, or why there is none.');

export const summaryList = z.object({
  summaries: z.array(
    z.object({
      id: z.uuid(),
      days: z.number().int().describe('The period: 14 or 90 local days.'),
      periodStart: z.date(),
      periodEnd: z.date().describe('The latest reading when it was computed.'),
      timeZone: z.string(),
      metrics,
      model: z.string().describe('The metrics model and its version.'),
      modelVersion: z.string(),
      computedAt: z.date(),
    }),
  ),
});

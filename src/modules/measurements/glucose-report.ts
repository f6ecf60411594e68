/**
 * `topfit glucose-report FILE`: the consensus CGM metrics per subject of a file, read with the importers and
 * computed with the science, without a database (for researchers checking a data set, and for us checking
 * the importers against published values).
 */

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { type GlucoseMetrics, glucoseMetrics } from '../../science/glucose/metrics.ts';
import { toMgdl } from '../../science/glucose/units.ts';
import { CODES } from './codes.ts';
import { fileSource } from './importers/file-source.ts';
import { detectFormat, IMPORTERS } from './importers/index.ts';
import { checkTimeZone } from './importers/local-time.ts';
import { ImportFileError, type ImportFormat, type ImportSource } from './importers/types.ts';

export const GLUCOSE_REPORT_FORMATS = ['auto', 'csv', 'libreview', 'dexcom', 'nightscout'] as const;
export type GlucoseReportFormat = (typeof GLUCOSE_REPORT_FORMATS)[number];

export interface GlucoseReportOptions {
  format: GlucoseReportFormat;
  timeZone: string;
  dateOrder?: 'dmy' | 'mdy';
}

export interface SubjectMetrics {
  id: string;
  metrics: GlucoseMetrics;
}

export interface GlucoseReport {
  format: ImportFormat;
  subjects: SubjectMetrics[];
  /** Subjects whose readings gave no metrics, and why. */
  skipped: { id: string; reason: string }[];
  rejected: { count: number; first: { line: number; reason: string }[] };
}

/** Rejections kept for the message; the rest are counted. */
const REJECTIONS_SHOWN = 5;

/** Times and mg/dL of one subject, in arrays that double as they fill (no object per reading). */
class ReadingBuffer {
  times = new Float64Array(1024);
  mgdl = new Float64Array(1024);
  length = 0;

  push(time: number, mgdl: number): void {
    if (this.length === this.times.length) {
      const times = new Float64Array(this.length * 2);
      const values = new Float64Array(this.length * 2);
      times.set(this.times);
      values.set(this.mgdl);
      this.times = times;
      this.mgdl = values;
    }
    this.times[this.length] = time;
    this.mgdl[this.length] = mgdl;
    this.length++;
  }
}

/**
 * Reads a file and computes the metrics of each subject: for the `id,time,gl` CSV every id, for the other
 * formats the whole file (named after it). Only continuous CGM readings count, not scans or finger pricks.
 * @throws ImportFileError for a file that cannot be read, is in no format we read, or in one this report
 * does not take.
 */
export async function computeGlucoseReport(
  source: ImportSource,
  options: GlucoseReportOptions,
): Promise<GlucoseReport> {
  checkTimeZone(options.timeZone);
  const format = options.format === 'auto' ? await detectFormat(source) : options.format;
  if (!(GLUCOSE_REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new ImportFileError(
      'unsupported_format',
      `This is a ${format} file; the glucose report reads ${GLUCOSE_REPORT_FORMATS.slice(1).join(', ')}.`,
    );
  }
  const subjectOf =
    format === 'csv'
      ? (observationSource: string) => observationSource.slice('csv:'.length)
      : () => path.parse(source.name).name;
  const buffers = new Map<string, ReadingBuffer>();
  const rejected: GlucoseReport['rejected'] = { count: 0, first: [] };
  const items = IMPORTERS[format].parse(source, {
    timeZone: options.timeZone,
    ...(options.dateOrder ? { dateOrder: options.dateOrder } : {}),
  });
  for await (const item of items) {
    if (item.kind === 'rejected') {
      rejected.count++;
      if (rejected.first.length < REJECTIONS_SHOWN)
        rejected.first.push({ line: item.line, reason: item.reason });
      continue;
    }
    if (item.kind !== 'observation') continue;
    const { observation } = item;
    if (observation.code !== CODES.cgmGlucose || observation.method !== 'continuous') continue;
    const id = subjectOf(observation.source);
    let buffer = buffers.get(id);
    if (!buffer) {
      buffer = new ReadingBuffer();
      buffers.set(id, buffer);
    }
    buffer.push(observation.time, toMgdl(observation.value));
  }

  const subjects: SubjectMetrics[] = [];
  const skipped: GlucoseReport['skipped'] = [];
  for (const [id, buffer] of buffers) {
    // The science takes reading objects: make them for one subject at a time only.
    const readings = Array.from({ length: buffer.length }, (_, i) => ({
      time: buffer.times[i] as number,
      mgdl: buffer.mgdl[i] as number,
    }));
    buffers.delete(id);
    try {
      subjects.push({ id, metrics: glucoseMetrics(readings, { timeZone: options.timeZone }) });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      skipped.push({ id, reason: error.message });
    }
  }
  return { format, subjects, skipped, rejected };
}

/** One object per subject, the metric names in snake_case with their unit. */
export function reportRows(report: GlucoseReport): Record<string, string | number | boolean | null>[] {
  return report.subjects.map(({ id, metrics: m }) => ({
    id,
    readings: m.readings,
    first_time: new Date(m.firstTime).toISOString(),
    last_time: new Date(m.lastTime).toISOString(),
    interval_minutes: m.intervalMinutes,
    days: m.days,
    active_percent: m.activePercent,
    mean_mg_dl: m.meanMgdl,
    mean_mmol_l: m.meanMmol,
    sd_mg_dl: m.sdMgdl,
    cv_percent: m.cvPercent,
    gmi_percent: m.gmiPercent,
    gmi_mmol_mol: m.gmiMmolMol,
    percent_below_54: m.percentBelow54,
    percent_below_70: m.percentBelow70,
    percent_in_70_180: m.percentIn70to180,
    percent_in_70_140: m.percentIn70to140,
    percent_above_180: m.percentAbove180,
    percent_above_250: m.percentAbove250,
    lbgi: m.lbgi,
    hbgi: m.hbgi,
    j_index: m.jIndex,
    gri: m.gri,
    mage_mg_dl: m.mageMgdl,
    conga_mg_dl: m.congaMgdl,
    modd_mg_dl: m.moddMgdl,
    sufficient: m.sufficient,
  }));
}

/** Table columns: heading, how to show the value. */
const TABLE: [heading: string, cell: (m: GlucoseMetrics) => string][] = [
  ['readings', (m) => String(m.readings)],
  ['days', (m) => m.days.toFixed(1)],
  ['active%', (m) => m.activePercent.toFixed(1)],
  ['mean', (m) => m.meanMgdl.toFixed(1)],
  ['SD', (m) => m.sdMgdl.toFixed(1)],
  ['CV%', (m) => m.cvPercent.toFixed(1)],
  ['GMI%', (m) => m.gmiPercent.toFixed(2)],
  ['<54', (m) => m.percentBelow54.toFixed(1)],
  ['<70', (m) => m.percentBelow70.toFixed(1)],
  ['70-180', (m) => m.percentIn70to180.toFixed(1)],
  ['70-140', (m) => m.percentIn70to140.toFixed(1)],
  ['>180', (m) => m.percentAbove180.toFixed(1)],
  ['>250', (m) => m.percentAbove250.toFixed(1)],
  ['LBGI', (m) => m.lbgi.toFixed(2)],
  ['HBGI', (m) => m.hbgi.toFixed(2)],
  ['J', (m) => m.jIndex.toFixed(1)],
  ['GRI', (m) => m.gri.toFixed(1)],
  ['MAGE', (m) => m.mageMgdl?.toFixed(1) ?? '-'],
  ['CONGA', (m) => m.congaMgdl?.toFixed(1) ?? '-'],
  ['MODD', (m) => m.moddMgdl?.toFixed(1) ?? '-'],
  ['enough', (m) => (m.sufficient ? 'yes' : 'no')],
];

/** An aligned text table, one row per subject, with a legend. */
export function reportTable(report: GlucoseReport): string {
  const rows = [
    ['id', ...TABLE.map(([heading]) => heading)],
    ...report.subjects.map(({ id, metrics }) => [id, ...TABLE.map(([, cell]) => cell(metrics))]),
  ];
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] as string).length))) ?? [];
  const lines = rows.map((row) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number),
      )
      .join('  ')
      .trimEnd(),
  );
  return [
    ...lines,
    '',
    'Glucose in mg/dL; ranges as % of readings (Battelino 2019); GMI Bergenstal 2018; J-index, LBGI/HBGI, GRI;',
    'MAGE, CONGA (1 h), MODD in mg/dL; enough = at least 14 days with at least 70 % of readings.',
  ].join('\n');
}

export interface CommandOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The command: prints the report and returns the exit code (2: the file cannot be read as one we take). */
export async function runGlucoseReport(
  file: string,
  options: GlucoseReportOptions & { json: boolean },
  output: CommandOutput,
): Promise<number> {
  const fail = (message: string) => {
    output.err(`topfit glucose-report: ${file}: ${message}`);
    return 2;
  };
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return fail('not a file');
    size = info.size;
  } catch (error) {
    return fail(`cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const source = fileSource(file, size);
  let report: GlucoseReport;
  try {
    report = await computeGlucoseReport(source, options);
  } catch (error) {
    if (!(error instanceof ImportFileError)) throw error;
    return fail(error.code === 'date_order_ambiguous' ? `${error.message} Use --date-order.` : error.message);
  }
  const { rejected } = report;
  if (rejected.count > 0) {
    const lines = rejected.first.map((rejection) => rejection.line).join(', ');
    const first = rejected.first[0] as { line: number; reason: string };
    output.err(
      `warning: ${rejected.count} row${rejected.count === 1 ? '' : 's'} rejected (line${rejected.count === 1 ? '' : 's'} ${lines}${rejected.count > rejected.first.length ? ', …' : ''}); line ${first.line}: ${first.reason}`,
    );
  }
  for (const { id, reason } of report.skipped) output.err(`warning: ${id}: no metrics: ${reason}`);
  if (report.subjects.length === 0) {
    output.err(`topfit glucose-report: ${file}: no continuous glucose readings to report on.`);
    return 1;
  }
  output.out(options.json ? JSON.stringify(reportRows(report), null, 2) : reportTable(report));
  return 0;
}

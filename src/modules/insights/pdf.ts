import PDFDocument from 'pdfkit';
import { GLUCOSE_METRICS_MODEL, GLUCOSE_THRESHOLDS_MGDL, toMmol } from '../../science/glucose/index.ts';
import type { GlucoseReport } from './model.ts';

/**
 * The glucose report as one A4 page, after the AGP report of the International Diabetes Center that the
 * consensus recommends (Battelino 2019): the metrics beside their targets, the time in ranges as a stacked
 * bar, and the AGP (5–95 and 25–75 % bands, median, target lines at 70 and 180 mg/dL). It names no one: the
 * header holds the period, the time zone and the date it was made. Drawn with PDF's built-in Helvetica
 * (WinAnsi), so texts avoid characters outside it (≤ and ≥ are written out).
 */

export type GlucoseUnit = 'mgdl' | 'mmol';
export type ReportLanguage = 'nl' | 'en';

export interface PdfOptions {
  unit: GlucoseUnit;
  lang: ReportLanguage;
  generatedAt: Date;
  /** Deflate the page's content (default); tests read the text uncompressed. */
  compress?: boolean;
}

const PAGE = { width: 595.28, height: 841.89, margin: 40 } as const;
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;

const COLOURS = {
  text: '#1a1a1a',
  muted: '#5f6368',
  rule: '#d0d4d9',
  veryHigh: '#e8702a',
  high: '#f5c242',
  inRange: '#3c9d4e',
  low: '#e0443e',
  veryLow: '#8b1a1a',
  outerBand: '#c6dbef',
  innerBand: '#6baed6',
  median: '#08519c',
  target: '#2e7d32',
} as const;

/** The AGP's glucose axis: 0–360 mg/dL, which is 0–20 mmol/L. */
const AXIS_TOP_MGDL = 360;

/** A glucose value in mg/dL as text in the chosen unit, with the unit. */
type Glucose = (mgdl: number) => string;

const T = {
  nl: {
    title: 'Glucoserapport',
    subtitle: 'Ambulant glucoseprofiel (AGP) volgens de internationale consensus over tijd in gebied',
    period: 'Periode',
    days: 'dagen',
    timeZone: 'Tijdzone',
    made: 'Gemaakt op',
    enough: 'Genoeg gegevens voor een betrouwbaar beeld',
    notEnough:
      'Te weinig gegevens voor een betrouwbaar beeld: de consensus vraagt 14 dagen met 70 % van de metingen',
    keyFigures: 'Kerngetallen',
    metric: 'Maat',
    yours: 'Uw waarde',
    withDiabetes: 'Doel bij diabetes',
    withoutDiabetes: 'Zonder diabetes (typisch)',
    mean: 'Gemiddelde glucose',
    gmi: 'Glucose Management Indicator (GMI)',
    cv: 'Variatiecoëfficiënt (CV)',
    tir: 'Tijd in gebied',
    tight: 'Tijd in nauw gebied',
    below: 'Tijd onder',
    above: 'Tijd boven',
    worn: 'Dagen gedragen',
    active: 'Sensor actief',
    atMost: 'hoogstens',
    atLeast: 'minstens',
    median: 'mediaan',
    ranges: 'Tijd in gebieden',
    veryHigh: 'Zeer hoog',
    high: 'Hoog',
    inRange: 'In gebied',
    low: 'Laag',
    veryLow: 'Zeer laag',
    rangesNote: (g: Glucose) =>
      `Bij diabetes is het doel meer dan 70 % van de tijd in gebied, minder dan 4 % onder ${g(70)} en minder dan 1 % onder ${g(54)}. Mensen zonder diabetes zijn mediaan 96 % van de tijd tussen ${g(70)} en ${g(140)} (Shah 2019).`,
    agp: 'Ambulant glucoseprofiel: alle dagen over elkaar, per tijdstip van de dag',
    band90: '5–95 % van de metingen',
    band50: '25–75 %',
    line50: 'mediaan',
    targetLines: 'doelgebied',
    footer: (model: string) =>
      `Berekend met ${model} (Battelino 2019; GMI Bergenstal 2018). Dit is geen diagnose: bespreek uw uitslagen met uw huisarts of behandelaar.`,
  },
  en: {
    title: 'Glucose report',
    subtitle: 'Ambulatory glucose profile (AGP) following the International Consensus on Time in Range',
    period: 'Period',
    days: 'days',
    timeZone: 'Time zone',
    made: 'Made on',
    enough: 'Enough data for a reliable picture',
    notEnough:
      'Too little data for a reliable picture: the consensus asks for 14 days with 70 % of the readings',
    keyFigures: 'Key figures',
    metric: 'Measure',
    yours: 'Your value',
    withDiabetes: 'Target with diabetes',
    withoutDiabetes: 'Without diabetes (typical)',
    mean: 'Mean glucose',
    gmi: 'Glucose Management Indicator (GMI)',
    cv: 'Coefficient of variation (CV)',
    tir: 'Time in range',
    tight: 'Time in tight range',
    below: 'Time below',
    above: 'Time above',
    worn: 'Days worn',
    active: 'Sensor active',
    atMost: 'at most',
    atLeast: 'at least',
    median: 'median',
    ranges: 'Time in ranges',
    veryHigh: 'Very high',
    high: 'High',
    inRange: 'In range',
    low: 'Low',
    veryLow: 'Very low',
    rangesNote: (g: Glucose) =>
      `With diabetes the target is more than 70 % of the time in range, less than 4 % below ${g(70)} and less than 1 % below ${g(54)}. People without diabetes spend a median 96 % of the time between ${g(70)} and ${g(140)} (Shah 2019).`,
    agp: 'Ambulatory glucose profile: all days on top of each other, by time of day',
    band90: '5–95 % of readings',
    band50: '25–75 %',
    line50: 'median',
    targetLines: 'target range',
    footer: (model: string) =>
      `Computed with ${model} (Battelino 2019; GMI Bergenstal 2018). This is not a diagnosis: discuss your results with your GP or care team.`,
  },
} as const;

type Texts = (typeof T)[ReportLanguage];

function formatters(lang: ReportLanguage, unit: GlucoseUnit, timeZone: string) {
  const locale = lang === 'nl' ? 'nl-NL' : 'en-GB';
  const number = (value: number, digits: number) =>
    new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
      value,
    );
  const unitName = unit === 'mgdl' ? 'mg/dL' : 'mmol/L';
  /** A glucose value in the chosen unit: whole mg/dL, or mmol/L to one decimal (the Dutch convention). */
  const glucose = (mgdl: number) => (unit === 'mgdl' ? number(mgdl, 0) : number(toMmol(mgdl), 1));
  const date = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone });
  return {
    number,
    percent: (value: number) => `${number(value, value > 0 && value < 10 ? 1 : 0)} %`,
    glucose,
    glucoseWithUnit: (mgdl: number) => `${glucose(mgdl)} ${unitName}`,
    unitName,
    date: (value: Date) => date.format(value),
  };
}

type Format = ReturnType<typeof formatters>;

/** The five consensus ranges, top to bottom, with their edges as the consensus writes them in each unit. */
function rangeRows(report: GlucoseReport, text: Texts, unit: GlucoseUnit, format: Format) {
  const edges =
    unit === 'mgdl'
      ? { veryHigh: '>250', high: '181–250', inRange: '70–180', low: '54–69', veryLow: '<54' }
      : {
          veryHigh: `>${format.number(13.9, 1)}`,
          high: `${format.number(10.1, 1)}–${format.number(13.9, 1)}`,
          inRange: `${format.number(3.9, 1)}–${format.number(10, 1)}`,
          low: `${format.number(3, 1)}–${format.number(3.8, 1)}`,
          veryLow: `<${format.number(3, 1)}`,
        };
  return (['veryHigh', 'high', 'inRange', 'low', 'veryLow'] as const).map((key) => ({
    key,
    label: `${text[key]} (${edges[key]} ${format.unitName})`,
    value: report.ranges[key],
    colour: COLOURS[key],
  }));
}

/**
 * Renders the report; resolves with the PDF's bytes.
 * Targets (DOMAIN.md §3): with diabetes, Battelino 2019 (TIR > 70 %, < 70 mg/dL below 4 %, < 54 below 1 %,
 * > 180 below 25 %, > 250 below 5 %, CV at most 36 %); without diabetes, Shah 2019 (median 96 % in 70–140,
 * CV about 17 %, mean about 99 mg/dL).
 */
export function renderGlucosePdf(report: GlucoseReport, options: PdfOptions): Promise<Buffer> {
  const text = T[options.lang];
  const format = formatters(options.lang, options.unit, report.timeZone);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: PAGE.margin, left: PAGE.margin, right: PAGE.margin, bottom: 10 },
    compress: options.compress ?? true,
    info: { Title: text.title, Creator: 'TOPFIT Citizen Lab', CreationDate: options.generatedAt },
  });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  let y: number = PAGE.margin;
  doc.fillColor(COLOURS.text).font('Helvetica-Bold').fontSize(18).text(text.title, PAGE.margin, y);
  y += 24;
  doc.font('Helvetica').fontSize(9).fillColor(COLOURS.muted).text(text.subtitle, PAGE.margin, y);
  y += 16;
  const start = new Date(report.period.start);
  const end = new Date(report.period.end);
  doc
    .fontSize(10)
    .fillColor(COLOURS.text)
    .text(
      `${text.period}: ${format.date(start)} – ${format.date(end)} (${report.period.days} ${text.days})`,
      PAGE.margin,
      y,
      { width: CONTENT_WIDTH, lineBreak: false },
    );
  y += 14;
  doc.text(
    `${text.timeZone}: ${report.timeZone}   ·   ${text.made} ${format.date(options.generatedAt)}`,
    PAGE.margin,
    y,
    { width: CONTENT_WIDTH, lineBreak: false },
  );
  y += 16;
  const { sufficiency } = report;
  doc
    .fontSize(9)
    .fillColor(sufficiency.sufficient ? COLOURS.inRange : COLOURS.low)
    .text(
      `${sufficiency.sufficient ? text.enough : text.notEnough} (${format.number(sufficiency.days, 1)} ${text.days}, ${format.percent(sufficiency.activePercent)} ${text.active.toLowerCase()}).`,
      PAGE.margin,
      y,
      { width: CONTENT_WIDTH, lineBreak: false },
    );
  y += 22;

  y = metricsTable(doc, report, text, format, y);
  y = rangesSection(doc, report, text, options.unit, format, y + 14);
  agpChart(doc, report, text, format, y + 14);

  doc
    .font('Helvetica')
    .fontSize(7)
    .fillColor(COLOURS.muted)
    .text(
      text.footer(`${GLUCOSE_METRICS_MODEL.id} ${GLUCOSE_METRICS_MODEL.version}`),
      PAGE.margin,
      PAGE.height - 34,
      { width: CONTENT_WIDTH },
    );
  doc.end();
  return done;
}

function sectionTitle(doc: PDFKit.PDFDocument, title: string, y: number): number {
  doc.font('Helvetica-Bold').fontSize(11).fillColor(COLOURS.text).text(title, PAGE.margin, y);
  doc
    .moveTo(PAGE.margin, y + 15)
    .lineTo(PAGE.margin + CONTENT_WIDTH, y + 15)
    .lineWidth(0.5)
    .strokeColor(COLOURS.rule)
    .stroke();
  return y + 20;
}

function metricsTable(
  doc: PDFKit.PDFDocument,
  report: GlucoseReport,
  text: Texts,
  format: Format,
  top: number,
): number {
  const m = report.metrics;
  const t = GLUCOSE_THRESHOLDS_MGDL;
  const g = format.glucose;
  const rows: [string, string, string, string][] = [
    [text.mean, format.glucoseWithUnit(m.meanMgdl), '', `~${format.glucoseWithUnit(99)}`],
    [text.gmi, `${format.number(m.gmiPercent, 1)} % (${format.number(m.gmiMmolMol, 0)} mmol/mol)`, '', ''],
    [text.cv, format.percent(m.cvPercent), `${text.atMost} 36 %`, '~17 %'],
    [`${text.tir} ${g(t.low)}–${g(t.high)}`, format.percent(m.percentIn70to180), '> 70 %', ''],
    [
      `${text.tight} ${g(t.low)}–${g(t.tightHigh)}`,
      format.percent(m.percentIn70to140),
      '',
      `~96 % (${text.median})`,
    ],
    [`${text.below} ${g(t.low)}`, format.percent(m.percentBelow70), '< 4 %', ''],
    [`${text.below} ${g(t.veryLow)}`, format.percent(m.percentBelow54), '< 1 %', ''],
    [`${text.above} ${g(t.high)}`, format.percent(m.percentAbove180), '< 25 %', ''],
    [`${text.above} ${g(t.veryHigh)}`, format.percent(m.percentAbove250), '< 5 %', ''],
    [text.worn, format.number(m.days, 1), `${text.atLeast} 14`, `${text.atLeast} 14`],
    [text.active, format.percent(m.activePercent), `${text.atLeast} 70 %`, `${text.atLeast} 70 %`],
  ];
  const columns = [PAGE.margin, PAGE.margin + 195, PAGE.margin + 290, PAGE.margin + 390] as const;
  const widths = [190, 90, 95, CONTENT_WIDTH - 390] as const;
  let y = sectionTitle(doc, `${text.keyFigures} (${format.unitName})`, top);
  const row = (cells: readonly string[], bold: boolean) => {
    doc
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(8.5)
      .fillColor(bold ? COLOURS.muted : COLOURS.text);
    cells.forEach((cell, index) => {
      doc.text(cell || '–', columns[index] ?? 0, y, { width: widths[index] ?? 0, lineBreak: false });
    });
    y += 13;
  };
  row([text.metric, text.yours, text.withDiabetes, text.withoutDiabetes], true);
  for (const cells of rows) row(cells, false);
  return y;
}

function rangesSection(
  doc: PDFKit.PDFDocument,
  report: GlucoseReport,
  text: Texts,
  unit: GlucoseUnit,
  format: Format,
  top: number,
): number {
  const y = sectionTitle(doc, text.ranges, top);
  const bar = { x: PAGE.margin, y: y + 4, width: 36, height: 150 };
  // Stacked top to bottom as the AGP report has it: very high first; each segment its share of the height.
  let segmentTop = bar.y;
  const rows = rangeRows(report, text, unit, format);
  for (const range of rows) {
    const height = (bar.height * range.value) / 100;
    if (height > 0) doc.rect(bar.x, segmentTop, bar.width, height).fillColor(range.colour).fill();
    segmentTop += height;
  }
  doc.rect(bar.x, bar.y, bar.width, bar.height).lineWidth(0.5).strokeColor(COLOURS.rule).stroke();
  rows.forEach((range, index) => {
    const rowY = bar.y + 8 + index * 29;
    doc
      .rect(bar.x + 50, rowY + 1, 8, 8)
      .fillColor(range.colour)
      .fill();
    doc
      .font('Helvetica')
      .fontSize(9)
      .fillColor(COLOURS.text)
      .text(range.label, bar.x + 64, rowY, { width: 150, lineBreak: false });
    doc
      .font('Helvetica-Bold')
      .text(format.percent(range.value), bar.x + 214, rowY, { width: 50, align: 'right', lineBreak: false });
  });
  doc
    .font('Helvetica')
    .fontSize(8.5)
    .fillColor(COLOURS.muted)
    .text(text.rangesNote(format.glucoseWithUnit), PAGE.margin + 290, bar.y + 4, {
      width: CONTENT_WIDTH - 290,
    });
  return bar.y + bar.height;
}

function agpChart(
  doc: PDFKit.PDFDocument,
  report: GlucoseReport,
  text: Texts,
  format: Format,
  top: number,
): void {
  const titleBottom = sectionTitle(doc, text.agp, top);
  const plot = { x: PAGE.margin + 34, y: titleBottom + 14, width: CONTENT_WIDTH - 34, height: 0 };
  plot.height = PAGE.height - 60 - plot.y - 22;
  const xOf = (minute: number) => plot.x + (plot.width * minute) / 1440;
  const yOf = (mgdl: number) =>
    plot.y + plot.height - (plot.height * Math.min(Math.max(mgdl, 0), AXIS_TOP_MGDL)) / AXIS_TOP_MGDL;

  doc.rect(plot.x, plot.y, plot.width, plot.height).lineWidth(0.5).strokeColor(COLOURS.rule).stroke();
  doc.font('Helvetica').fontSize(7.5).fillColor(COLOURS.muted);
  for (let hour = 0; hour <= 24; hour += 3) {
    const x = xOf(hour * 60);
    if (hour > 0 && hour < 24) {
      doc
        .moveTo(x, plot.y)
        .lineTo(x, plot.y + plot.height)
        .lineWidth(0.3)
        .strokeColor(COLOURS.rule)
        .stroke();
    }
    doc.text(`${String(hour).padStart(2, '0')}:00`, x - 15, plot.y + plot.height + 4, {
      width: 30,
      align: 'center',
      lineBreak: false,
    });
  }
  const t = GLUCOSE_THRESHOLDS_MGDL;
  for (const mgdl of [t.veryLow, t.low, t.high, t.veryHigh, AXIS_TOP_MGDL]) {
    doc.text(format.glucose(mgdl), PAGE.margin, yOf(mgdl) - 3, {
      width: 30,
      align: 'right',
      lineBreak: false,
    });
  }
  doc.text(format.unitName, PAGE.margin, plot.y - 13, { width: 60, lineBreak: false });

  const { agp } = report;
  const binMinutes = agp.minutes.length > 0 ? 1440 / agp.minutes.length : 15;
  const centres = agp.minutes.map((minute) => minute + binMinutes / 2);
  band(doc, centres, agp.p5, agp.p95, xOf, yOf, COLOURS.outerBand);
  band(doc, centres, agp.p25, agp.p75, xOf, yOf, COLOURS.innerBand);
  for (const run of runs(agp.p50)) {
    run.forEach((index, k) => {
      const point = [xOf(centres[index] ?? 0), yOf(agp.p50[index] ?? 0)] as const;
      if (k === 0) doc.moveTo(...point);
      else doc.lineTo(...point);
    });
    doc.lineWidth(1.6).strokeColor(COLOURS.median).stroke();
  }
  for (const mgdl of [t.low, t.high]) {
    doc
      .moveTo(plot.x, yOf(mgdl))
      .lineTo(plot.x + plot.width, yOf(mgdl))
      .lineWidth(1)
      .strokeColor(COLOURS.target)
      .stroke();
  }

  const legendY = plot.y + plot.height + 16;
  const legend: [string, string][] = [
    [COLOURS.outerBand, text.band90],
    [COLOURS.innerBand, text.band50],
    [COLOURS.median, text.line50],
    [
      COLOURS.target,
      `${text.targetLines} ${format.glucose(t.low)}–${format.glucose(t.high)} ${format.unitName}`,
    ],
  ];
  let x = plot.x;
  for (const [colour, label] of legend) {
    doc
      .rect(x, legendY + 1, 10, 6)
      .fillColor(colour)
      .fill();
    doc
      .fontSize(7.5)
      .fillColor(COLOURS.text)
      .text(label, x + 14, legendY, { lineBreak: false });
    x += 24 + doc.widthOfString(label);
  }
}

/** Runs of consecutive bins with a value: a band or line is not drawn across bins without readings. */
function runs(...series: (number | null)[][]): number[][] {
  const found: number[][] = [];
  let current: number[] = [];
  const length = series[0]?.length ?? 0;
  for (let index = 0; index < length; index++) {
    if (series.every((values) => values[index] !== null && values[index] !== undefined)) current.push(index);
    else if (current.length > 0) {
      found.push(current);
      current = [];
    }
  }
  if (current.length > 0) found.push(current);
  return found;
}

function band(
  doc: PDFKit.PDFDocument,
  centres: number[],
  lower: (number | null)[],
  upper: (number | null)[],
  xOf: (minute: number) => number,
  yOf: (mgdl: number) => number,
  colour: string,
): void {
  for (const run of runs(lower, upper)) {
    run.forEach((index, k) => {
      const point = [xOf(centres[index] ?? 0), yOf(upper[index] ?? 0)] as const;
      if (k === 0) doc.moveTo(...point);
      else doc.lineTo(...point);
    });
    for (const index of [...run].reverse()) doc.lineTo(xOf(centres[index] ?? 0), yOf(lower[index] ?? 0));
    doc.closePath().fillColor(colour).fill();
  }
}

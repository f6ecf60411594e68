import { describe, expect, it } from 'vitest';
import { renderGlucosePdf } from './pdf.ts';
import { glucoseReport } from './report.ts';

const START = Date.parse('2026-01-31T23:00:00Z');

/** 14 local days (1–14 February 2026, Amsterdam) of 5-minute readings: 60, 120 and 200 mg/dL in turn. */
function fortnight(days = 14) {
  const times = Float64Array.from({ length: days * 288 }, (_, i) => START + i * 300_000);
  const mgdl = Float64Array.from(times, (_, i) => [60, 120, 200][i % 3] as number);
  return glucoseReport(times, mgdl, { days, timeZone: 'Europe/Amsterdam', end: times.at(-1) ?? 0 });
}

const GENERATED = new Date('2026-02-15T09:30:00Z');

/** WinAnsi differs from Latin-1 in 0x80–0x9F; these texts use only the en dash there. */
const WIN_ANSI: Record<number, string> = { 150: '–' };
const winAnsi = (bytes: Buffer) =>
  [...bytes].map((byte) => WIN_ANSI[byte] ?? String.fromCharCode(byte)).join('');

/** The text lines of an uncompressed PDF: pdfkit writes each as a TJ array of hex strings in WinAnsi. */
function textOf(pdf: Buffer): string[] {
  const source = pdf.toString('latin1');
  return [...source.matchAll(/\[([^\]]*)\] TJ/g)].map((match) =>
    [...(match[1] ?? '').matchAll(/<([0-9a-f]*)>/g)]
      .map((hex) => winAnsi(Buffer.from(hex[1] ?? '', 'hex')))
      .join(''),
  );
}

const pagesOf = (pdf: Buffer) => pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g)?.length ?? 0;

describe('the glucose report as a PDF', () => {
  it('is one A4 page in Dutch and mmol/L, naming the period, the zone and the date, but no person', async () => {
    const pdf = await renderGlucosePdf(fortnight(), {
      unit: 'mmol',
      lang: 'nl',
      generatedAt: GENERATED,
      compress: false,
    });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pagesOf(pdf)).toBe(1);
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/);
    const lines = textOf(pdf);
    expect(lines).toContain('Glucoserapport');
    expect(lines).toContain('Periode: 1 februari 2026 – 14 februari 2026 (14 dagen)');
    expect(lines).toContain('Tijdzone: Europe/Amsterdam   ·   Gemaakt op 15 februari 2026');
    // The metrics beside their targets: mean 126.7 mg/dL = 7.0 mmol/L, a third of the time in range.
    expect(lines).toEqual(
      expect.arrayContaining([
        'Gemiddelde glucose',
        '7,0 mmol/L',
        'Tijd in gebied 3,9–10,0',
        '33 %',
        '> 70 %',
        'Tijd onder 3,0',
        '< 1 %',
        'hoogstens 36 %',
        '~96 % (mediaan)',
        'In gebied (3,9–10,0 mmol/L)',
        'Zeer hoog (>13,9 mmol/L)',
      ]),
    );
    expect(lines.join('\n')).not.toMatch(/Test Citizen|patient/i);
  });

  it('draws the AGP as vector paths with the target lines, in English and mg/dL', async () => {
    const pdf = await renderGlucosePdf(fortnight(), {
      unit: 'mgdl',
      lang: 'en',
      generatedAt: GENERATED,
      compress: false,
    });
    expect(pagesOf(pdf)).toBe(1);
    const lines = textOf(pdf);
    expect(lines).toEqual(
      expect.arrayContaining([
        'Glucose report',
        'Period: 1 February 2026 – 14 February 2026 (14 days)',
        'Mean glucose',
        '127 mg/dL',
        'Time in range 70–180',
        'Time in tight range 70–140',
        'In range (70–180 mg/dL)',
        '5–95 % of readings',
        'target range 70–180 mg/dL',
        '00:00',
        '24:00',
      ]),
    );
    const source = pdf.toString('latin1');
    // Two bands of 96 bins (there and back) and the median: hundreds of line segments, filled and stroked.
    expect(source.match(/ l\n/g)?.length ?? 0).toBeGreaterThan(3 * 96);
    expect(source).toMatch(/\bh\n/); // closed band polygons
  });

  it('says when the data are too few, and still fits one page (compressed, as served)', async () => {
    const dutch = await renderGlucosePdf(fortnight(7), {
      unit: 'mmol',
      lang: 'nl',
      generatedAt: GENERATED,
      compress: false,
    });
    expect(
      textOf(dutch).some((line) => line.startsWith('Te weinig gegevens voor een betrouwbaar beeld')),
    ).toBe(true);
    const served = await renderGlucosePdf(fortnight(7), { unit: 'mmol', lang: 'nl', generatedAt: GENERATED });
    expect(served.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pagesOf(served)).toBe(1);
    expect(served.toString('latin1')).toMatch(/\/Filter \/FlateDecode/);
  });
});

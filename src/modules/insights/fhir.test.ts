import { describe, expect, it } from 'vitest';
import { GLUCOSE_METRICS_MODEL } from '../../science/glucose/index.ts';
import { cgmSummaryBundle, toCgmObservations } from './fhir.ts';
import type { SummaryRecord } from './model.ts';
import { glucoseReport } from './report.ts';

/** A fortnight of 5-minute readings alternating 60 / 120 / 200 mg/dL: a third low, in range and high. */
function summary(): SummaryRecord {
  const start = Date.parse('2026-01-31T23:00:00Z');
  const times = Float64Array.from({ length: 14 * 288 }, (_, i) => start + i * 300_000);
  const mgdl = Float64Array.from(times, (_, i) => [60, 120, 200][i % 3] as number);
  const report = glucoseReport(times, mgdl, {
    days: 14,
    timeZone: 'Europe/Amsterdam',
    end: times.at(-1) ?? 0,
  });
  return {
    participantId: '6f1b8f9e-2f0e-4a55-9d7c-0d6f3b1a2c4d',
    id: '0c4d8a4e-6f0e-4f7b-9a55-3c2b1d0e9f8a',
    days: 14,
    periodStart: new Date(report.period.start),
    periodEnd: new Date(report.period.end),
    timeZone: 'Europe/Amsterdam',
    metrics: report.metrics,
    model: GLUCOSE_METRICS_MODEL.id,
    modelVersion: GLUCOSE_METRICS_MODEL.version,
    computedAt: new Date('2026-02-15T08:00:00Z'),
  };
}

const codeOf = (resource: { code?: { coding?: { code?: string }[] } }) => resource.code?.coding?.[0]?.code;

describe('glucose summaries in FHIR (HL7 CGM IG)', () => {
  it('makes a CGM Summary whose members carry the IG codes, UCUM units and the period', () => {
    const record = summary();
    const [head, ...members] = toCgmObservations(record);
    expect(head).toMatchObject({
      resourceType: 'Observation',
      id: record.id,
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '107931-8' }] },
      subject: { reference: `Patient/${record.participantId}` },
      effectivePeriod: { start: '2026-01-31T23:00:00.000Z', end: '2026-02-14T22:55:00.000Z' },
      meta: { profile: ['http://hl7.org/fhir/uv/cgm/StructureDefinition/cgm-summary'] },
    });
    expect(head?.hasMember?.map((reference) => reference.reference)).toEqual(
      members.map((member) => `Observation/${member.id}`),
    );
    const byCode = new Map(members.map((member) => [codeOf(member), member]));
    expect([...byCode.keys()].sort()).toEqual(
      ['97507-8', '105273-7', '106793-3', '97506-0', '104638-2', '104636-6', '104637-4'].sort(),
    );
    expect(byCode.get('97507-8')?.valueQuantity).toEqual({
      value: 126.67,
      unit: 'mg/dL',
      system: 'http://unitsofmeasure.org',
      code: 'mg/dL',
    });
    expect(byCode.get('105273-7')?.valueQuantity).toMatchObject({ value: 7.03, code: 'mmol/L' });
    expect(byCode.get('104636-6')?.valueQuantity).toMatchObject({ value: 14, code: 'd' });
    expect(byCode.get('104637-4')?.valueQuantity).toMatchObject({ value: 100, code: '%' });
    const ranges = byCode.get('106793-3')?.component?.map((c) => [codeOf(c), c.valueQuantity?.value]);
    expect(ranges).toEqual([
      ['104642-4', 0],
      ['104641-6', 33.33],
      ['97510-2', 33.33],
      ['104640-8', 33.33],
      ['104639-0', 0],
    ]);
    for (const member of members) {
      expect(member.effectivePeriod).toEqual(head?.effectivePeriod);
      expect(member.subject).toEqual(head?.subject);
      expect(member.category?.[0]?.coding?.[0]?.code).toBe('laboratory');
    }
  });

  it('collects every summary in one Bundle of type collection', () => {
    const first = summary();
    const second = { ...first, id: 'a4b3c2d1-0000-4000-8000-000000000090', days: 90 };
    const bundle = cgmSummaryBundle([first, second], new Date('2026-02-15T09:00:00Z'));
    expect(bundle).toMatchObject({
      resourceType: 'Bundle',
      type: 'collection',
      timestamp: '2026-02-15T09:00:00.000Z',
    });
    expect(bundle.entry).toHaveLength(16);
    expect(bundle.entry?.filter((entry) => codeOf(entry.resource ?? {}) === '107931-8')).toHaveLength(2);
    expect(new Set(bundle.entry?.map((entry) => entry.fullUrl)).size).toBe(16);
  });
});

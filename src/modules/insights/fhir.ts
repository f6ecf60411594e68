import type { Bundle, Observation, ObservationComponent, Quantity } from '@medplum/fhirtypes';
import type { SummaryRecord } from './model.ts';
import { rangesOf } from './model.ts';

/**
 * Stored glucose summaries as FHIR R4 Observations, following the HL7 Continuous Glucose Monitoring IG
 * (STU 1, 1.0.0, http://hl7.org/fhir/uv/cgm): a CGM Summary Observation (LOINC 107931-8) whose `hasMember`
 * points at one Observation per metric — mean glucose (mass 97507-8, molar 105273-7), the Times in Ranges
 * panel (106793-3, one component per range), GMI (97506-0), CV (104638-2), days of wear (104636-6) and sensor
 * active percentage (104637-4) — each with the reporting period as `effectivePeriod`, category laboratory and
 * UCUM units, as the IG's profiles and examples have them.
 */

const IG = 'http://hl7.org/fhir/uv/cgm/StructureDefinition/';
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';

const CATEGORY = [
  {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }],
  },
];

const loinc = (code: string, display: string) => ({
  coding: [{ system: LOINC, code, display }],
  text: display,
});

/** Two decimals: the IG asks percentages "with at least two decimal places of precision". */
const round2 = (value: number) => Math.round(value * 100) / 100;

const quantity = (value: number, unit: string, code = unit): Quantity => ({
  value: round2(value),
  unit,
  system: UCUM,
  code,
});
const percent = (value: number) => quantity(value, '%');

/** The ids of a summary's Observations: the summary's id, and a suffix per member. */
const MEMBERS = {
  meanMass: 'mean-mgdl',
  meanMolar: 'mean-mmol',
  ranges: 'ranges',
  gmi: 'gmi',
  cv: 'cv',
  wear: 'wear',
  active: 'active',
} as const;

/** A summary's Observations: the CGM Summary first, then its members. */
export function toCgmObservations(summary: SummaryRecord): Observation[] {
  const { metrics } = summary;
  const base = {
    resourceType: 'Observation' as const,
    status: 'final' as const,
    category: CATEGORY,
    subject: { reference: `Patient/${summary.participantId}` },
    effectivePeriod: { start: summary.periodStart.toISOString(), end: summary.periodEnd.toISOString() },
    issued: summary.computedAt.toISOString(),
  };
  const idOf = (member: string) => `${summary.id}-${member}`;
  const member = (
    key: keyof typeof MEMBERS,
    profile: string,
    code: Observation['code'],
    value: Pick<Observation, 'valueQuantity' | 'component'>,
  ): Observation => ({
    ...base,
    id: idOf(MEMBERS[key]),
    meta: { profile: [`${IG}${profile}`] },
    code,
    ...value,
  });
  const ranges = rangesOf(metrics);
  const component = (code: string, display: string, value: number): ObservationComponent => ({
    code: loinc(code, display),
    valueQuantity: percent(value),
  });
  const members = [
    member('meanMass', 'cgm-summary-mean-glucose-mass-per-volume', loinc('97507-8', 'Mean glucose'), {
      valueQuantity: quantity(metrics.meanMgdl, 'mg/dL'),
    }),
    member('meanMolar', 'cgm-summary-mean-glucose-moles-per-volume', loinc('105273-7', 'Mean glucose'), {
      valueQuantity: quantity(metrics.meanMmol, 'mmol/L'),
    }),
    member('ranges', 'cgm-summary-times-in-ranges', loinc('106793-3', 'Times in glucose ranges'), {
      component: [
        component('104642-4', 'Time in very low range (<54 mg/dL)', ranges.veryLow),
        component('104641-6', 'Time in low range (54–69 mg/dL)', ranges.low),
        component('97510-2', 'Time in target range (70–180 mg/dL)', ranges.inRange),
        component('104640-8', 'Time in high range (181–250 mg/dL)', ranges.high),
        component('104639-0', 'Time in very high range (>250 mg/dL)', ranges.veryHigh),
      ],
    }),
    member('gmi', 'cgm-summary-gmi', loinc('97506-0', 'Glucose management indicator'), {
      valueQuantity: percent(metrics.gmiPercent),
    }),
    member('cv', 'cgm-summary-coefficient-of-variation', loinc('104638-2', 'Coefficient of variation'), {
      valueQuantity: percent(metrics.cvPercent),
    }),
    member('wear', 'cgm-summary-days-of-wear', loinc('104636-6', 'Days of wear'), {
      valueQuantity: quantity(metrics.days, 'days', 'd'),
    }),
    member('active', 'cgm-summary-sensor-active-percentage', loinc('104637-4', 'Sensor active percentage'), {
      valueQuantity: percent(metrics.activePercent),
    }),
  ];
  const summaryObservation: Observation = {
    ...base,
    id: summary.id,
    meta: { profile: [`${IG}cgm-summary`] },
    code: loinc('107931-8', 'CGM summary'),
    hasMember: members.map((observation) => ({ reference: `Observation/${observation.id}` })),
    note: [
      {
        text: `${summary.days} days, computed with ${summary.model} ${summary.modelVersion} (International Consensus on Time in Range, Battelino 2019).`,
      },
    ],
  };
  return [summaryObservation, ...members];
}

/** The summaries' Observations as a Bundle of type collection. */
export function cgmSummaryBundle(summaries: SummaryRecord[], generatedAt: Date): Bundle<Observation> {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: generatedAt.toISOString(),
    entry: summaries.flatMap(toCgmObservations).map((resource) => ({
      fullUrl: `urn:topfit:Observation:${resource.id}`,
      resource,
    })),
  };
}

import { type RawBuilder, sql } from 'kysely';
import { glucoseSummaryWithin } from '../insights/index.ts';
import { CODES, dailyStepsWithin, observationsWithin } from '../measurements/index.ts';
import { EDUCATION_LEVELS, memberFacts, SEXES_AT_BIRTH } from '../participants/index.ts';
import { scoresWithin } from '../questionnaires/index.ts';

/**
 * What a study may ask for in a data request: data sets of one row per participant or per measurement, each a
 * list of variables with their labels, types, units, codes and sources (the data dictionary). Each variable is
 * a SQL expression over the extract's subject row `s` (pseudonym, participant_id, period_from, period_to,
 * status, enrolled_on) and the data set's row `x`, which the owning module gives as a subquery of its own
 * tables. Quasi-identifiers are generalised here and nowhere else: the birth year without the month, the
 * municipality (CBS code) instead of the postcode, dates of the study but no names, e-mail or ids.
 */

export interface Bilingual {
  nl: string;
  en: string;
}

export type VariableType = 'string' | 'integer' | 'decimal' | 'date' | 'datetime';

export interface Variable {
  /** The column's name in every format: lower case, digits, underscore; at most 32 characters (SPSS, R). */
  name: string;
  label: Bilingual;
  type: VariableType;
  /** UCUM, where the value has a unit. */
  unit?: string;
  /** For coded values: each code and its label (SPSS value labels, R factor levels). */
  codes?: { value: string; label: Bilingual }[];
  /** Where the value comes from, for the data dictionary. */
  source: string;
  /** Decimal places written (decimal variables). */
  decimals?: number;
}

export const DATASET_KEYS = [
  'participants',
  'findrisc',
  'glucose_summary',
  'cgm',
  'steps_daily',
  'weight',
] as const;
export type DatasetKey = (typeof DATASET_KEYS)[number];

export interface Dataset {
  key: DatasetKey;
  label: Bilingual;
  /** What one row is. */
  rowIs: Bilingual;
  /** Whether the request's period limits its rows (measurements and scores); the profile is as it is now. */
  timeBound: boolean;
  variables: (Variable & { expr: RawBuilder<unknown> })[];
  /** The data set's rows: what follows `FROM extract_subjects s`. */
  from: RawBuilder<unknown>;
  /** Their order: by pseudonym, then time (the subject table's unique pseudonym index gives the first). */
  orderBy: RawBuilder<unknown>;
  /**
   * The data set as FHIR R4 resources (Bulk Data NDJSON), where it maps to one: a JSON expression per row over
   * `s` and `x` that holds only what the chosen variables carry (the pseudonym as the Patient's id and every
   * resource's subject). Without it the data set has no FHIR form.
   */
  fhir?: { resourceType: FhirResourceType; resource: (chosen: ReadonlySet<string>) => RawBuilder<unknown> };
}

export type FhirResourceType = 'Patient' | 'Observation' | 'RiskAssessment';

const UCUM = 'http://unitsofmeasure.org';
/** A JSON value only when its variable was chosen (null otherwise, which json_strip_nulls removes). */
const when = (chosen: ReadonlySet<string>, name: string, value: RawBuilder<unknown>) =>
  chosen.has(name) ? value : sql`NULL::json`;
const subject = sql`json_build_object('reference', 'Patient/' || s.pseudonym)`;
const instant = (column: string) =>
  sql`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/** A measurement as an Observation: its LOINC code, the subject's pseudonym, time and value; its id from those. */
function observation(
  chosen: ReadonlySet<string>,
  fields: {
    code: string;
    display: string;
    category: 'vital-signs' | 'laboratory' | 'activity';
    idPart: RawBuilder<unknown>;
    effective: RawBuilder<unknown>;
    effectiveVariable: string;
    value: RawBuilder<unknown>;
    valueVariable: string;
    unit: string;
  },
) {
  return sql`json_strip_nulls(json_build_object(
    'resourceType', 'Observation',
    'id', s.pseudonym || '.' || ${sql.lit(fields.code)} || '.' || ${fields.idPart},
    'status', 'final',
    'category', json_build_array(json_build_object('coding', json_build_array(json_build_object(
      'system', 'http://terminology.hl7.org/CodeSystem/observation-category', 'code', ${sql.lit(fields.category)})))),
    'code', json_build_object('coding', json_build_array(json_build_object(
      'system', 'http://loinc.org', 'code', ${sql.lit(fields.code)}, 'display', ${sql.lit(fields.display)}))),
    'subject', ${subject},
    'effectiveDateTime', ${when(chosen, fields.effectiveVariable, sql`to_json(${fields.effective})`)},
    'valueQuantity', ${when(
      chosen,
      fields.valueVariable,
      sql`json_build_object('value', ${fields.value}, 'unit', ${sql.lit(fields.unit)}, 'system', ${sql.lit(UCUM)}, 'code', ${sql.lit(fields.unit)})`,
    )}
  ))`;
}

/**
 * A time as ISO 8601 in UTC with a space between date and time (as RFC 3339 allows, and as R and SPSS read it):
 * the timestamp's own text output under DateStyle ISO, which the extract sets; a third quicker than to_char.
 */
const iso = (column: string) => sql`(${sql.ref(column)} AT TIME ZONE 'UTC')::timestamp(0)::text`;
const rounded = (expr: RawBuilder<unknown>, decimals: number) =>
  sql`round((${expr})::numeric, ${sql.lit(decimals)})`;
const metric = (key: string) => sql`(x.metrics->>${sql.lit(key)})::float8`;

const codesOf = (values: readonly string[], labels: Record<string, Bilingual>) =>
  values.map((value) => ({ value, label: labels[value] ?? { nl: value, en: value } }));

const pseudonym = {
  name: 'pseudonym',
  label: { nl: 'Pseudoniem van de deelnemer in deze studie', en: 'Participant’s pseudonym in this study' },
  type: 'string',
  source: 'research: HMAC-SHA-256 under the study’s key (key version before the dash)',
  expr: sql`s.pseudonym`,
} as const satisfies Variable & { expr: RawBuilder<unknown> };

const timeUtc = (label: Bilingual) =>
  ({
    name: 'time_utc',
    label,
    type: 'datetime',
    source: 'measurements: effective time, UTC (YYYY-MM-DD hh:mm:ss)',
    expr: iso('x.effective_at'),
  }) as const;

const utcOffset = {
  name: 'utc_offset_min',
  label: { nl: 'Afwijking van UTC ter plaatse', en: 'Local offset from UTC' },
  type: 'integer',
  unit: 'min',
  source: 'measurements: the offset the time had where it was measured',
  expr: sql`x.utc_offset_minutes`,
} as const;

const SEX_LABELS: Record<string, Bilingual> = {
  female: { nl: 'vrouw', en: 'female' },
  male: { nl: 'man', en: 'male' },
  intersex: { nl: 'intersekse', en: 'intersex' },
};
const EDUCATION_LABELS: Record<string, Bilingual> = {
  primary: { nl: 'basisonderwijs', en: 'primary' },
  lower_secondary: { nl: 'vmbo, mavo, onderbouw havo/vwo', en: 'lower secondary' },
  upper_secondary: { nl: 'havo, vwo', en: 'upper secondary' },
  intermediate_vocational: { nl: 'mbo', en: 'intermediate vocational' },
  higher_professional: { nl: 'hbo', en: 'higher professional' },
  university: { nl: 'wo', en: 'university' },
};
const FINDRISC_LABELS: Record<string, Bilingual> = {
  low: { nl: 'laag (< 7)', en: 'low (< 7)' },
  slightly_elevated: { nl: 'licht verhoogd (7–11)', en: 'slightly elevated (7–11)' },
  moderate: { nl: 'matig (12–14)', en: 'moderate (12–14)' },
  high: { nl: 'hoog (15–20)', en: 'high (15–20)' },
  very_high: { nl: 'zeer hoog (> 20)', en: 'very high (> 20)' },
};

export const DATASETS: Record<DatasetKey, Dataset> = {
  participants: {
    key: 'participants',
    label: { nl: 'Deelnemers', en: 'Participants' },
    rowIs: { nl: 'één deelnemer', en: 'one participant' },
    timeBound: false,
    variables: [
      pseudonym,
      {
        name: 'birth_year',
        label: { nl: 'Geboortejaar', en: 'Year of birth' },
        type: 'integer',
        source: 'participants: profile (the month is left out)',
        expr: sql`x.birth_year`,
      },
      {
        name: 'sex',
        label: { nl: 'Geslacht bij geboorte', en: 'Sex at birth' },
        type: 'string',
        codes: codesOf(SEXES_AT_BIRTH, SEX_LABELS),
        source: 'participants: profile',
        expr: sql`x.sex_at_birth`,
      },
      {
        name: 'municipality',
        label: { nl: 'Gemeente (CBS-code)', en: 'Municipality (CBS code)' },
        type: 'string',
        source: 'participants: profile; CBS municipality code (GMxxxx) instead of the postcode',
        expr: sql`x.municipality_code`,
      },
      {
        name: 'education',
        label: { nl: 'Hoogst afgeronde opleiding', en: 'Highest completed education' },
        type: 'string',
        codes: codesOf(EDUCATION_LEVELS, EDUCATION_LABELS),
        source: 'participants: profile (CBS education groups); empty when not given',
        expr: sql`x.education_level`,
      },
      {
        name: 'study_status',
        label: { nl: 'Status in de studie', en: 'Status in the study' },
        type: 'string',
        codes: [
          { value: 'enrolled', label: { nl: 'neemt deel', en: 'enrolled' } },
          { value: 'completed', label: { nl: 'afgerond', en: 'completed' } },
        ],
        source: 'research: study participation (FHIR ResearchSubject status)',
        expr: sql`s.status`,
      },
      {
        name: 'enrolled_on',
        label: { nl: 'Datum van de getekende toestemming', en: 'Date the consent was signed' },
        type: 'date',
        source: 'research: e-consent signature (date, Europe/Amsterdam)',
        expr: sql`to_char(s.enrolled_on, 'YYYY-MM-DD')`,
      },
    ],
    from: sql`JOIN (${memberFacts()}) x ON x.participant_id = s.participant_id`,
    orderBy: sql`s.pseudonym`,
    fhir: {
      resourceType: 'Patient',
      // FHIR's administrative gender: intersex at birth is `other`; the birth date is the year alone.
      resource: (chosen) => sql`json_strip_nulls(json_build_object(
        'resourceType', 'Patient',
        'id', s.pseudonym,
        'gender', ${when(chosen, 'sex', sql`to_json(CASE x.sex_at_birth WHEN 'intersex' THEN 'other' ELSE x.sex_at_birth END)`)},
        'birthDate', ${when(chosen, 'birth_year', sql`to_json(x.birth_year::text)`)},
        'address', ${when(
          chosen,
          'municipality',
          sql`json_build_array(json_build_object('district', x.municipality_code, 'country', 'NL'))`,
        )}
      ))`,
    },
  },
  findrisc: {
    key: 'findrisc',
    label: { nl: 'FINDRISC-scores', en: 'FINDRISC scores' },
    rowIs: { nl: 'één ingevulde FINDRISC-vragenlijst', en: 'one completed FINDRISC questionnaire' },
    timeBound: true,
    variables: [
      pseudonym,
      {
        name: 'completed_utc',
        label: { nl: 'Moment van invullen (UTC)', en: 'Time completed (UTC)' },
        type: 'datetime',
        source: 'questionnaires: time the score was computed, UTC (YYYY-MM-DD hh:mm:ss)',
        expr: iso('x.computed_at'),
      },
      {
        name: 'findrisc_score',
        label: { nl: 'FINDRISC-score (0–26)', en: 'FINDRISC score (0–26)' },
        type: 'integer',
        source: 'questionnaires: FINDRISC (Lindström & Tuomilehto 2003)',
        expr: sql`x.score::int`,
      },
      {
        name: 'findrisc_category',
        label: { nl: 'FINDRISC-risicogroep', en: 'FINDRISC risk group' },
        type: 'string',
        codes: codesOf(Object.keys(FINDRISC_LABELS), FINDRISC_LABELS),
        source: 'questionnaires: FINDRISC bands of the original publication',
        expr: sql`x.category`,
      },
      {
        name: 'findrisc_risk_10y',
        label: {
          nl: 'Geschatte kans op diabetes type 2 binnen 10 jaar',
          en: 'Estimated 10-year risk of type 2 diabetes',
        },
        type: 'decimal',
        decimals: 3,
        unit: '1',
        source: 'questionnaires: FINDRISC band’s published 10-year risk',
        expr: rounded(sql`x.probability`, 3),
      },
    ],
    from: sql`CROSS JOIN LATERAL (${scoresWithin('findrisc', 's')}) x`,
    orderBy: sql`s.pseudonym, x.computed_at`,
    fhir: {
      resourceType: 'RiskAssessment',
      resource: (chosen) => sql`json_strip_nulls(json_build_object(
        'resourceType', 'RiskAssessment',
        'id', s.pseudonym || '.findrisc.' || extract(epoch FROM x.computed_at)::bigint,
        'status', 'final',
        'subject', ${subject},
        'occurrenceDateTime', ${when(chosen, 'completed_utc', sql`to_json(${instant('x.computed_at')})`)},
        'method', json_build_object('coding', json_build_array(json_build_object(
          'system', 'https://topfit.nl/fhir/CodeSystem/risk-model', 'code', 'findrisc'))),
        'prediction', json_build_array(json_build_object(
          'outcome', json_build_object('coding', json_build_array(json_build_object(
            'system', 'http://snomed.info/sct', 'code', '44054006', 'display', 'Diabetes mellitus type 2'))),
          'qualitativeRisk', ${when(
            chosen,
            'findrisc_category',
            sql`json_build_object('coding', json_build_array(json_build_object(
              'system', 'https://topfit.nl/fhir/CodeSystem/risk-category', 'code', x.category)))`,
          )},
          'probabilityDecimal', ${when(chosen, 'findrisc_risk_10y', sql`to_json(round(x.probability::numeric, 3))`)}
        )),
        'note', ${when(
          chosen,
          'findrisc_score',
          sql`json_build_array(json_build_object('text', 'FINDRISC score ' || x.score::int))`,
        )}
      ))`,
    },
  },
  glucose_summary: {
    key: 'glucose_summary',
    label: { nl: 'Glucose: samenvatting van 14 dagen', en: 'Glucose: 14-day summary' },
    rowIs: {
      nl: 'de laatste 14-daagse samenvatting van een deelnemer',
      en: 'a participant’s latest 14-day summary',
    },
    timeBound: true,
    variables: [
      pseudonym,
      {
        name: 'period_start_utc',
        label: { nl: 'Begin van de periode (UTC)', en: 'Start of the period (UTC)' },
        type: 'datetime',
        source: 'insights: glucose summary',
        expr: iso('x.period_start'),
      },
      {
        name: 'period_end_utc',
        label: { nl: 'Einde van de periode (UTC)', en: 'End of the period (UTC)' },
        type: 'datetime',
        source: 'insights: glucose summary',
        expr: iso('x.period_end'),
      },
      ...(
        [
          ['days_worn', 'Dagen gedragen', 'Days worn', 'days', 'd', 1],
          ['active_percent', 'Sensor actief', 'Sensor active', 'activePercent', '%', 1],
          ['mean_mmol_l', 'Gemiddelde glucose', 'Mean glucose', 'meanMmol', 'mmol/L', 2],
          ['sd_mg_dl', 'Standaardafwijking', 'Standard deviation', 'sdMgdl', 'mg/dL', 1],
          ['cv_percent', 'Variatiecoëfficiënt', 'Coefficient of variation', 'cvPercent', '%', 1],
          ['gmi_percent', 'GMI', 'Glucose Management Indicator', 'gmiPercent', '%', 2],
          ['tir_70_180', 'Tijd 3,9–10 mmol/L', 'Time 70–180 mg/dL', 'percentIn70to180', '%', 1],
          ['titr_70_140', 'Tijd 3,9–7,8 mmol/L', 'Time 70–140 mg/dL', 'percentIn70to140', '%', 1],
          ['tbr_54', 'Tijd onder 3,0 mmol/L', 'Time below 54 mg/dL', 'percentBelow54', '%', 1],
          ['tbr_70', 'Tijd onder 3,9 mmol/L', 'Time below 70 mg/dL', 'percentBelow70', '%', 1],
          ['tar_180', 'Tijd boven 10 mmol/L', 'Time above 180 mg/dL', 'percentAbove180', '%', 1],
          ['tar_250', 'Tijd boven 13,9 mmol/L', 'Time above 250 mg/dL', 'percentAbove250', '%', 1],
          ['gri', 'Glycemia Risk Index', 'Glycemia Risk Index', 'gri', '1', 1],
        ] as const
      ).map(([name, nl, en, key, unit, decimals]) => ({
        name,
        label: { nl, en },
        type: 'decimal' as const,
        unit,
        decimals,
        source: `insights: consensus CGM metric (science/glucose) ${key}`,
        expr: rounded(metric(key), decimals),
      })),
    ],
    from: sql`CROSS JOIN LATERAL (${glucoseSummaryWithin('s')}) x`,
    orderBy: sql`s.pseudonym`,
  },
  cgm: {
    key: 'cgm',
    label: { nl: 'Glucose: sensorwaarden', en: 'Glucose: sensor readings' },
    rowIs: { nl: 'één sensorwaarde', en: 'one sensor reading' },
    timeBound: true,
    variables: [
      pseudonym,
      timeUtc({ nl: 'Tijd van de meting (UTC)', en: 'Time of the reading (UTC)' }),
      utcOffset,
      {
        name: 'glucose_mmol_l',
        label: { nl: 'Glucose in weefselvocht', en: 'Interstitial glucose' },
        type: 'decimal',
        decimals: 2,
        unit: 'mmol/L',
        source: `measurements: LOINC ${CODES.cgmGlucose}`,
        expr: rounded(sql`x.value`, 2),
      },
      {
        name: 'out_of_range',
        label: { nl: 'Buiten het meetbereik van de sensor', en: 'Outside the sensor’s range' },
        type: 'string',
        codes: [
          { value: 'below_range', label: { nl: 'onder het bereik (Low)', en: 'below range (Low)' } },
          { value: 'above_range', label: { nl: 'boven het bereik (High)', en: 'above range (High)' } },
        ],
        source: 'measurements: the device’s Low/High flag; empty for a measured value',
        expr: sql`x.flag`,
      },
    ],
    from: sql`CROSS JOIN LATERAL (${observationsWithin(CODES.cgmGlucose, 's')}) x`,
    orderBy: sql`s.pseudonym, x.effective_at`,
    fhir: {
      resourceType: 'Observation',
      resource: (chosen) =>
        observation(chosen, {
          code: CODES.cgmGlucose,
          display: 'Glucose [Moles/volume] in Interstitial fluid',
          category: 'laboratory',
          idPart: sql`extract(epoch FROM x.effective_at)::bigint`,
          effective: instant('x.effective_at'),
          effectiveVariable: 'time_utc',
          value: rounded(sql`x.value`, 2),
          valueVariable: 'glucose_mmol_l',
          unit: 'mmol/L',
        }),
    },
  },
  steps_daily: {
    key: 'steps_daily',
    label: { nl: 'Stappen per dag', en: 'Steps per day' },
    rowIs: { nl: 'één dag van een deelnemer', en: 'one day of a participant' },
    timeBound: true,
    variables: [
      pseudonym,
      {
        name: 'date',
        label: { nl: 'Datum (plaatselijk)', en: 'Date (local)' },
        type: 'date',
        source: 'measurements: the local day the steps were counted',
        expr: sql`to_char(x.day, 'YYYY-MM-DD')`,
      },
      {
        name: 'steps',
        label: { nl: 'Stappen', en: 'Steps' },
        type: 'integer',
        unit: '{steps}',
        source: `measurements: LOINC ${CODES.steps}, summed per day`,
        expr: sql`round(x.steps)::bigint`,
      },
    ],
    from: sql`CROSS JOIN LATERAL (${dailyStepsWithin('s')}) x`,
    orderBy: sql`s.pseudonym, x.day`,
    fhir: {
      resourceType: 'Observation',
      resource: (chosen) =>
        observation(chosen, {
          code: '41950-7',
          display: 'Number of steps in 24 hour Measured',
          category: 'activity',
          idPart: sql`to_char(x.day, 'YYYYMMDD')`,
          effective: sql`to_char(x.day, 'YYYY-MM-DD')`,
          effectiveVariable: 'date',
          value: sql`round(x.steps)::bigint`,
          valueVariable: 'steps',
          unit: '/d',
        }),
    },
  },
  weight: {
    key: 'weight',
    label: { nl: 'Gewicht', en: 'Body weight' },
    rowIs: { nl: 'één weging', en: 'one weighing' },
    timeBound: true,
    variables: [
      pseudonym,
      timeUtc({ nl: 'Tijd van de weging (UTC)', en: 'Time of the weighing (UTC)' }),
      utcOffset,
      {
        name: 'weight_kg',
        label: { nl: 'Lichaamsgewicht', en: 'Body weight' },
        type: 'decimal',
        decimals: 1,
        unit: 'kg',
        source: `measurements: LOINC ${CODES.weight}`,
        expr: rounded(sql`x.value`, 1),
      },
    ],
    from: sql`CROSS JOIN LATERAL (${observationsWithin(CODES.weight, 's')}) x`,
    orderBy: sql`s.pseudonym, x.effective_at`,
    fhir: {
      resourceType: 'Observation',
      resource: (chosen) =>
        observation(chosen, {
          code: CODES.weight,
          display: 'Body weight Measured',
          category: 'vital-signs',
          idPart: sql`extract(epoch FROM x.effective_at)::bigint`,
          effective: instant('x.effective_at'),
          effectiveVariable: 'time_utc',
          value: rounded(sql`x.value`, 1),
          valueVariable: 'weight_kg',
          unit: 'kg',
        }),
    },
  },
};

/** The variables of a data set a request asked for, in the catalogue's order; the pseudonym always first. */
export function chosenVariables(dataset: Dataset, names: readonly string[]) {
  return dataset.variables.filter(
    (variable) => variable.name === 'pseudonym' || names.includes(variable.name),
  );
}

/** The query of a data set's chosen variables for every subject in `extract_subjects`, without parameters. */
export function datasetQuery(
  dataset: Dataset,
  variables: readonly { name: string; expr: RawBuilder<unknown> }[],
) {
  return sql`SELECT ${sql.join(variables.map((variable) => sql`${variable.expr} AS ${sql.ref(variable.name)}`))}
    FROM extract_subjects s ${dataset.from}
    ORDER BY ${dataset.orderBy}`;
}

/** The query of a data set's FHIR resources (one JSON document a row) for every subject, without parameters. */
export function fhirQuery(dataset: Dataset, chosen: readonly string[]) {
  if (!dataset.fhir) throw new Error(`${dataset.key} has no FHIR form`);
  return sql`SELECT ${dataset.fhir.resource(new Set(chosen))}::text AS resource
    FROM extract_subjects s ${dataset.from}
    ORDER BY ${dataset.orderBy}`;
}

/** The catalogue as a data request sees it: data sets and their variables, without their SQL. */
export const datasetCatalogue = () =>
  Object.values(DATASETS).map(({ from: _from, orderBy: _orderBy, fhir: _fhir, variables, ...dataset }) => ({
    ...dataset,
    variables: variables.map(({ expr: _expr, ...variable }) => variable),
  }));

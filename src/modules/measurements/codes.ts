/**
 * The observation codes the platform stores (LOINC, DOMAIN.md §4) and each one's canonical unit (UCUM).
 * Values are converted to the canonical unit on import, so that one reading has one code and one natural key
 * whichever unit a device exported it in.
 */
export const CODES = {
  /** Glucose in interstitial fluid by a continuous monitor, in mmol/L (the mg/dL code is 99504-3). */
  cgmGlucose: '105272-9',
  /** Glucose in capillary blood (a finger prick), in mmol/L. */
  capillaryGlucose: '14743-9',
  /** Steps counted over an interval. */
  steps: '55423-8',
  heartRate: '8867-4',
  weight: '29463-7',
  height: '8302-2',
  waist: '8280-0',
} as const;

export type ObservationCode = (typeof CODES)[keyof typeof CODES];

export const CANONICAL_UNIT: Record<ObservationCode, string> = {
  '105272-9': 'mmol/L',
  '14743-9': 'mmol/L',
  '55423-8': '{steps}',
  '8867-4': '/min',
  '29463-7': 'kg',
  '8302-2': 'cm',
  '8280-0': 'cm',
};

export const OBSERVATION_CODES = Object.values(CODES) as ObservationCode[];

export const isObservationCode = (code: string): code is ObservationCode => code in CANONICAL_UNIT;

/**
 * Glucose units. mg/dL = mmol/L × 18.0156, the factor from the molar mass of glucose (180.156 g/mol);
 * DOMAIN.md §3 accepts ±0.1 mg/dL between sources that round it differently (18 or 18.016).
 */

export const MGDL_PER_MMOL = 18.0156;

/** mg/dL → mmol/L, not rounded. */
export const toMmol = (mgdl: number): number => mgdl / MGDL_PER_MMOL;

/** mmol/L → mg/dL, not rounded. */
export const toMgdl = (mmol: number): number => mmol * MGDL_PER_MMOL;

/**
 * The synthetic population of the demo: Citizen Lab members in the 76 municipalities of Overijssel and
 * Gelderland, with their body, risk factors, glycaemic status, FINDRISC answers and consents.
 * See README.md for the model, its sources and its assumptions.
 */

export { synthesizeCitizen } from './citizen.ts';
export {
  CONSENT_PURPOSES,
  type ConsentPurpose,
  EDUCATION_LEVELS,
  type EducationLevel,
  type GlycaemicStatus,
  type PopulationOptions,
  type Region,
  type RegionMunicipality,
  type SyntheticCitizen,
} from './model.ts';
export { loadRegion } from './region.ts';

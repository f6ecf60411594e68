export * from './agp.ts';
export {
  GLUCOSE_METRICS_MODEL,
  GLUCOSE_THRESHOLDS_MGDL,
  type GlucoseMetrics,
  glucoseMetrics,
  glycemiaRiskIndex,
  gmiMmolMol,
  gmiPercent,
  jIndex,
  type RangePercentages,
  SUFFICIENT_DATA,
} from './metrics.ts';
export {
  type GlucoseGrid,
  type GlucoseOptions,
  type GlucoseReading,
  MAX_GRID_POINTS,
  MAX_INTERPOLATION_GAP_MINUTES,
  type ReadingArrays,
  toRegularGrid,
} from './readings.ts';
export * from './units.ts';
export { conga, type MageDirection, type MageOptions, mage, modd } from './variability.ts';

export { type DailySteps, STEPS_SIMULATION_MODEL, simulateDailySteps } from './activity.ts';
export {
  CGM_DEVICES,
  CGM_FLAG,
  CGM_SIMULATION_MODEL,
  type CgmDevice,
  type CgmDeviceSpec,
  type CgmEvents,
  type CgmSimulation,
  type CgmTrace,
  type GlycaemicStatus,
  type PhysiologyProfile,
  simulateCgm,
} from './cgm.ts';
export {
  simulateWeight,
  WEIGHT_SIMULATION_MODEL,
  type WeightSeries,
  type WeightSimulation,
} from './weight.ts';

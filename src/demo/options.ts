/** The demo's options and defaults, apart from its loader: `topfit` lists them without loading every module. */

export interface DemoOptions {
  seed: string;
  citizens: number;
  /** The share of citizens who wore a CGM sensor, 0–1. */
  cgmShare: number;
  cgmDays: number;
  /** Citizens stored per transaction (default: 2,000, fewer for small loads). */
  chunkSize?: number;
}

/** The default demo of `npm start`: small enough to load in seconds on PGlite. */
export const DEFAULT_DEMO: DemoOptions = {
  seed: 'topfit-demo',
  citizens: 2_000,
  cgmShare: 0.15,
  cgmDays: 14,
};

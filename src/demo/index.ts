import type { FeaturedCitizen } from './load.ts';
import { DEMO_PASSWORD, DEMO_STAFF } from './staff.ts';

export {
  DemoInterruptedError,
  type DemoProgress,
  DemoRefusedError,
  type DemoResult,
  demoStatus,
  type FeaturedCitizen,
  loadDemo,
} from './load.ts';
export { DEFAULT_DEMO, type DemoOptions } from './options.ts';
export { progressWriter } from './progress.ts';
export { resetDemoDatabase } from './reset.ts';
export { DEMO_DOMAIN, DEMO_PASSWORD, DEMO_STAFF } from './staff.ts';

/** The demo sign-ins, as `topfit start` and `topfit demo` print them. */
export function demoSignInsText(publicUrl: string, featured: readonly FeaturedCitizen[]): string {
  const rows = [
    ...featured.map((c) => [c.email, `citizen: ${c.displayName}, ${c.description.en}`]),
    ...DEMO_STAFF.map((s) => [s.email, `${s.role.replace('_', ' ')}: ${s.displayName}`]),
  ];
  const width = Math.max(...rows.map(([email]) => (email as string).length));
  return [
    `Demo sign-ins (demo installations only) — password "${DEMO_PASSWORD}", or one click at ${publicUrl}/sign-in:`,
    ...rows.map(([email, what]) => `  ${(email as string).padEnd(width)}  ${what}`),
  ].join('\n');
}

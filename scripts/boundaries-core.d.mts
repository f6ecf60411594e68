// Types of boundaries-core.mjs, for the TypeScript tests that import it.

export interface Violation {
  /** no-cycles · module-public-face · store-private · science-pure · platform-below-modules · unresolved */
  rule: string;
  /** The importing file (`path:line`, relative to the root). */
  file: string;
  specifier: string;
  /** The resolved file, relative to the root. */
  target?: string;
  message: string;
}

export interface ImportRef {
  specifier: string;
  line: number;
}

export interface BoundaryReport {
  files: number;
  imports: number;
  cycles: string[][];
  violations: Violation[];
}

export function scanImports(source: string): ImportRef[];
export function listSourceFiles(dir: string): string[];
export function resolveRelative(fromFile: string, specifier: string): string | undefined;
export function findCycles(graph: Map<string, Set<string>>): string[][];
export function checkBoundaries(options: {
  root: string;
  ruleDirs?: string[];
  cycleDirs?: string[];
}): BoundaryReport;
export function formatViolation(violation: Violation): string;

// The architecture's import rules (docs: /shared/design/ARCHITECTURE.md §2, STYLE.md "House rules"),
// checked over the source tree without dependencies: a small import scanner, a resolver for relative
// specifiers and a cycle search over the resulting graph. `scripts/check-boundaries.mjs` is the CLI.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const BUILTINS = new Set(builtinModules);

/**
 * @typedef {{ rule: string, file: string, specifier: string, target?: string, message: string }} Violation
 * @typedef {{ specifier: string, line: number }} ImportRef
 */

/**
 * The module specifiers a source file imports or re-exports: static `import … from`, `export … from`,
 * side-effect `import '…'`, dynamic `import('…')` and `require('…')`. Type-only imports count too: a cycle
 * of types is still a cycle in the design. Anchoring statements at the start of a line keeps comments and
 * strings that merely mention an import out.
 * @param {string} source
 * @returns {ImportRef[]}
 */
export function scanImports(source) {
  /** @type {ImportRef[]} */
  const found = [];
  const lineOf = (index) => source.slice(0, index).split('\n').length;
  const patterns = [
    // import x from '…' · import type { A } from '…' · export * from '…' · export { a } from '…'
    /^[ \t]*(?:import|export)\b[^;'"`()=]*?\bfrom\s*(['"])([^'"\n]+)\1/gm,
    // import '…' (side effects only)
    /^[ \t]*import\s*(['"])([^'"\n]+)\1/gm,
    // import('…') · require('…')
    /(?<![\w$.])(?:import|require)\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) {
      const specifier = match[2];
      if (specifier) found.push({ specifier, line: lineOf(match.index ?? 0) });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

/** Every source file below `dir` (absolute paths), skipping node_modules, dist and dot folders. */
export function listSourceFiles(dir) {
  if (!existsSync(dir)) return [];
  /** @type {string[]} */
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listSourceFiles(full));
    else if (SOURCE_EXTENSIONS.includes(path.extname(entry.name)) && !entry.name.endsWith('.d.ts')) {
      files.push(full);
    }
  }
  return files.sort();
}

const isFile = (file) => existsSync(file) && statSync(file).isFile();

/**
 * Resolves a relative specifier the way TypeScript's bundler resolution does for this project:
 * the exact file (imports carry `.ts`), a `.js` written for a `.ts`, an added extension, or a folder's index.
 * @returns {string | undefined} the absolute file, or undefined when nothing matches
 */
export function resolveRelative(fromFile, specifier) {
  const base = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [base];
  const ext = path.extname(base);
  if (['.js', '.jsx', '.mjs', '.cjs'].includes(ext)) {
    const stem = base.slice(0, -ext.length);
    candidates.push(`${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.cts`);
  }
  for (const extension of SOURCE_EXTENSIONS) candidates.push(`${base}${extension}`);
  for (const extension of SOURCE_EXTENSIONS) candidates.push(path.join(base, `index${extension}`));
  return candidates.find(isFile);
}

/**
 * The import cycles of a graph: one cycle per strongly connected component (Tarjan), each written as
 * the path of files that leads back to its start. Iterative, so deep trees cannot overflow the stack.
 * @param {Map<string, Set<string>>} graph file → files it imports
 * @returns {string[][]}
 */
export function findCycles(graph) {
  let counter = 0;
  /** @type {Map<string, number>} */ const index = new Map();
  /** @type {Map<string, number>} */ const low = new Map();
  /** @type {string[]} */ const stack = [];
  const onStack = new Set();
  /** @type {string[][]} */ const components = [];
  const nodes = [...graph.keys()].sort();
  for (const start of nodes) {
    if (index.has(start)) continue;
    /** @type {{ node: string, next: Iterator<string> }[]} */
    const work = [{ node: start, next: [...(graph.get(start) ?? [])].sort()[Symbol.iterator]() }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = /** @type {{ node: string, next: Iterator<string> }} */ (work[work.length - 1]);
      const step = frame.next.next();
      if (!step.done) {
        const target = step.value;
        if (!graph.has(target)) continue;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: [...(graph.get(target) ?? [])].sort()[Symbol.iterator]() });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node) ?? 0, index.get(target) ?? 0));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) ?? 0, low.get(frame.node) ?? 0));
      if (low.get(frame.node) === index.get(frame.node)) {
        /** @type {string[]} */ const component = [];
        let member;
        do {
          member = /** @type {string} */ (stack.pop());
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = component.length === 1 && graph.get(frame.node)?.has(frame.node);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }
  return components.map((component) => cycleThrough(graph, new Set(component)));
}

/** A shortest path from the component's first file (by name) back to itself, staying in the component. */
function cycleThrough(graph, members) {
  const start = [...members].sort()[0];
  /** @type {Map<string, string>} */ const previous = new Map();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length > 0) {
    const node = /** @type {string} */ (queue.shift());
    for (const target of [...(graph.get(node) ?? [])].sort()) {
      if (!members.has(target)) continue;
      if (target === start) {
        const cycle = [node];
        while (cycle[0] !== start) cycle.unshift(/** @type {string} */ (previous.get(cycle[0] ?? '')));
        return [...cycle, start];
      }
      if (!seen.has(target)) {
        seen.add(target);
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
}

/** `src/modules/<name>/…` → { area: 'modules', name } (also platform, science), else undefined. */
function areaOf(file) {
  const parts = file.split('/');
  if (parts[0] !== 'src' || parts.length < 3) return undefined;
  const area = parts[1];
  if (area === 'science') return { area, name: '' };
  if ((area === 'modules' || area === 'platform') && parts.length >= 4) return { area, name: parts[2] };
  return undefined;
}

const isTestFile = (file) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(file);

/**
 * The rules for one resolved import (paths relative to the root, with `/`).
 * @returns {Violation[]}
 */
function ruleViolations(file, specifier, target) {
  /** @type {Violation[]} */
  const violations = [];
  const from = areaOf(file);
  const builtin = specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0] ?? '');
  // Tests of the science run in Node only and may read reference data from disk.
  if (from?.area === 'science' && builtin && !isTestFile(file)) {
    violations.push({
      rule: 'science-pure',
      file,
      specifier,
      message: 'src/science runs in the browser too: no Node built-ins',
    });
  }
  if (!target) return violations;
  const to = areaOf(target);
  if (!to) return violations;
  const report = (rule, message) => violations.push({ rule, file, specifier, target, message });

  if (from?.area === 'modules' && to.area === 'modules' && from.name !== to.name) {
    if (target !== `src/modules/${to.name}/index.ts`) {
      report('module-public-face', `another module is used only through src/modules/${to.name}/index.ts`);
    }
  }
  const storeOwner = target.match(/^src\/(modules|platform)\/([^/]+)\/store\.[cm]?[jt]sx?$/);
  if (storeOwner && !file.startsWith(`src/${storeOwner[1]}/${storeOwner[2]}/`)) {
    report('store-private', `only files in src/${storeOwner[1]}/${storeOwner[2]}/ may import its store`);
  }
  if (from?.area === 'science' && (to.area === 'modules' || to.area === 'platform')) {
    report('science-pure', `src/science imports nothing from src/${to.area}`);
  }
  // A test is a composition root like src/app.ts: a platform test may wire in a module's real rules.
  if (from?.area === 'platform' && to.area === 'modules' && !isTestFile(file)) {
    report('platform-below-modules', 'src/platform never imports from src/modules');
  }
  return violations;
}

/**
 * Checks the tree at `root`: the rules over `ruleDirs`, cycles over `cycleDirs`.
 * @param {{ root: string, ruleDirs?: string[], cycleDirs?: string[] }} options
 * @returns {{ files: number, imports: number, cycles: string[][], violations: Violation[] }}
 */
export function checkBoundaries({ root, ruleDirs = ['src'], cycleDirs = ['src', 'web/src'] }) {
  const absRoot = path.resolve(root);
  const rel = (file) => path.relative(absRoot, file).split(path.sep).join('/');
  const dirs = [...new Set([...ruleDirs, ...cycleDirs])];
  const files = [...new Set(dirs.flatMap((dir) => listSourceFiles(path.join(absRoot, dir))))].map(rel).sort();
  const inside = (file, list) =>
    list.some((dir) => file === dir || file.startsWith(`${dir.replace(/\/+$/, '')}/`));
  const known = new Set(files);

  /** @type {Map<string, Set<string>>} */
  const graph = new Map();
  /** @type {Violation[]} */
  const violations = [];
  let imports = 0;
  for (const file of files) {
    const edges = new Set();
    if (inside(file, cycleDirs)) graph.set(file, edges);
    for (const { specifier, line } of scanImports(readFileSync(path.join(absRoot, file), 'utf8'))) {
      imports++;
      const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.';
      const resolved = relative ? resolveRelative(path.join(absRoot, file), specifier) : undefined;
      if (relative && !resolved) {
        violations.push({
          rule: 'unresolved',
          file: `${file}:${line}`,
          specifier,
          message: 'import does not resolve to a file',
        });
        continue;
      }
      const target = resolved ? rel(resolved) : undefined;
      if (target && known.has(target) && inside(target, cycleDirs)) edges.add(target);
      if (inside(file, ruleDirs)) {
        for (const violation of ruleViolations(file, specifier, target)) {
          violations.push({ ...violation, file: `${file}:${line}` });
        }
      }
    }
  }
  const cycles = findCycles(graph);
  for (const cycle of cycles) {
    violations.push({
      rule: 'no-cycles',
      file: cycle[0] ?? '',
      specifier: cycle[1] ?? '',
      message: `import cycle: ${cycle.join(' → ')}`,
    });
  }
  return { files: files.length, imports, cycles, violations };
}

/** One line per violation: `file:line  rule  import 'specifier' — message`. */
export function formatViolation(violation) {
  const target = violation.target && violation.target !== violation.specifier ? ` (${violation.target})` : '';
  return `${violation.file}  [${violation.rule}]  import '${violation.specifier}'${target} — ${violation.message}`;
}

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkBoundaries, findCycles, scanImports } from '../scripts/boundaries-core.mjs';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Writes a small source tree (path → content) into a fresh temporary folder and returns it. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'topfit-boundaries-'));
  roots.push(root);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

/** A tree that keeps every rule: two modules, a platform part and pure science. */
const clean = {
  'src/app.ts':
    "import { createA } from './modules/a/index.ts';\nimport { b } from './modules/b/index.ts';\n",
  'src/modules/a/index.ts': "export { createA } from './service.ts';\n",
  'src/modules/a/service.ts': [
    "import type { Db } from '../../platform/db/index.ts';",
    "import { b } from '../b/index.ts';",
    "import { createAStore } from './store.ts';",
    'export const createA = (db: Db) => ({ store: createAStore(db), b });',
  ].join('\n'),
  'src/modules/a/store.ts':
    "import type { Db } from '../../platform/db/index.ts';\nexport const createAStore = (db: Db) => db;\n",
  'src/modules/b/index.ts': "import { risk } from '../../science/risk.ts';\nexport const b = risk;\n",
  'src/platform/db/index.ts': 'export type Db = object;\n',
  'src/science/risk.ts': "import { clamp } from './math.ts';\nexport const risk = (x: number) => clamp(x);\n",
  'src/science/math.ts': 'export const clamp = (x: number) => Math.min(1, Math.max(0, x));\n',
  'web/src/main.tsx': "import { risk } from '../../src/science/risk.ts';\nimport './styles.css';\nrisk(1);\n",
  'web/src/styles.css': 'body {}\n',
};

describe('the boundary check', () => {
  it('passes a tree that keeps every rule', () => {
    const result = checkBoundaries({ root: tree(clean) });
    expect(result.violations).toEqual([]);
    expect(result.files).toBe(9);
  });

  it('finds an import cycle and names the files on it', () => {
    const root = tree({
      ...clean,
      'src/modules/a/model.ts': "import { rule } from './rules.ts';\nexport const model = rule;\n",
      'src/modules/a/rules.ts': [
        'import {',
        '  model,',
        "} from './model.ts';",
        'export const rule = () => model;',
      ].join('\n'),
    });
    const result = checkBoundaries({ root });
    expect(result.cycles).toEqual([
      ['src/modules/a/model.ts', 'src/modules/a/rules.ts', 'src/modules/a/model.ts'],
    ]);
    expect(result.violations.map((v) => v.rule)).toEqual(['no-cycles']);
  });

  it('finds a cycle in the web app too, through a type-only import', () => {
    const root = tree({
      ...clean,
      'web/src/api.ts': "import type { Page } from './pages/page.tsx';\nexport type Api = { page?: Page };\n",
      'web/src/pages/page.tsx': "import type { Api } from '../api.ts';\nexport type Page = { api: Api };\n",
    });
    expect(checkBoundaries({ root }).cycles).toEqual([
      ['web/src/api.ts', 'web/src/pages/page.tsx', 'web/src/api.ts'],
    ]);
  });

  it("finds a module that imports another module's store", () => {
    const root = tree({
      ...clean,
      'src/modules/b/service.ts':
        "import { createAStore } from '../a/store.ts';\nexport const s = createAStore;\n",
    });
    const rules = checkBoundaries({ root }).violations.map((v) => [v.rule, v.file, v.specifier]);
    expect(rules).toContainEqual(['store-private', 'src/modules/b/service.ts:1', '../a/store.ts']);
    expect(rules).toContainEqual(['module-public-face', 'src/modules/b/service.ts:1', '../a/store.ts']);
  });

  it("finds code outside a module that imports the module's store", () => {
    const root = tree({ ...clean, 'src/main.ts': "export * from './modules/a/store.ts';\n" });
    expect(checkBoundaries({ root }).violations.map((v) => [v.rule, v.file])).toEqual([
      ['store-private', 'src/main.ts:1'],
    ]);
  });

  it("finds a platform store used outside its folder and a module reaching past another's index", () => {
    const root = tree({
      ...clean,
      'src/platform/audit/store.ts': 'export const auditStore = 1;\n',
      'src/platform/access/policy.ts':
        "import { auditStore } from '../audit/store.ts';\nexport const p = auditStore;\n",
      'src/modules/b/routes.ts': "const lazy = () => import('../a/service.ts');\nexport { lazy };\n",
    });
    expect(checkBoundaries({ root }).violations.map((v) => [v.rule, v.file])).toEqual([
      ['module-public-face', 'src/modules/b/routes.ts:1'],
      ['store-private', 'src/platform/access/policy.ts:1'],
    ]);
  });

  it('keeps science pure: no modules, no platform, no Node built-ins (its tests may read files)', () => {
    const root = tree({
      ...clean,
      'src/science/io.test.ts': "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
      'src/science/io.ts': [
        "import { readFileSync } from 'node:fs';",
        "import path from 'path';",
        "import type { Db } from '../platform/db/index.ts';",
        "import { b } from '../modules/b/index.ts';",
        'export const x = [readFileSync, path, b] as unknown as Db;',
      ].join('\n'),
    });
    expect(checkBoundaries({ root }).violations.map((v) => [v.rule, v.specifier])).toEqual([
      ['science-pure', 'node:fs'],
      ['science-pure', 'path'],
      ['science-pure', '../platform/db/index.ts'],
      ['science-pure', '../modules/b/index.ts'],
    ]);
  });

  it('keeps the platform below the modules, except in its tests', () => {
    const root = tree({
      ...clean,
      'src/platform/db/wiring.ts': "import { b } from '../../modules/b/index.ts';\nexport const w = b;\n",
      'src/platform/db/wiring.test.ts':
        "import { b } from '../../modules/b/index.ts';\nexport const t = b;\n",
    });
    expect(checkBoundaries({ root }).violations.map((v) => [v.rule, v.file])).toEqual([
      ['platform-below-modules', 'src/platform/db/wiring.ts:1'],
    ]);
  });

  it('reports an import that resolves to no file', () => {
    const root = tree({
      ...clean,
      'src/modules/a/broken.ts': "import { gone } from './gone.ts';\nexport { gone };\n",
    });
    expect(checkBoundaries({ root }).violations.map((v) => [v.rule, v.specifier])).toEqual([
      ['unresolved', './gone.ts'],
    ]);
  });
});

describe('the import scanner', () => {
  it('reads every form of import and export, and ignores mentions in comments and strings', () => {
    const source = [
      "import a from './a.ts';",
      "import type { B } from './b.ts';",
      "import './c.ts';",
      "export * from './d.ts';",
      "export { e, type E } from './e.ts';",
      'import {',
      '  f,',
      "} from './f.ts';",
      "const g = await import('./g.ts');",
      "// import x from './commented.ts';",
      " * import y from './in-jsdoc.ts';",
      'const text = \'import z from "./in-string.ts"\';',
      'const items = Array.from(list);',
    ].join('\n');
    expect(scanImports(source).map((i) => i.specifier)).toEqual([
      './a.ts',
      './b.ts',
      './c.ts',
      './d.ts',
      './e.ts',
      './f.ts',
      './g.ts',
    ]);
  });

  it('returns one cycle per tangle and none for a tree without back edges', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a', 'd'])],
      ['d', new Set<string>()],
      ['e', new Set(['e'])],
    ]);
    expect(findCycles(graph)).toEqual([
      ['a', 'b', 'c', 'a'],
      ['e', 'e'],
    ]);
    expect(
      findCycles(
        new Map([
          ['x', new Set(['y'])],
          ['y', new Set<string>()],
        ]),
      ),
    ).toEqual([]);
  });
});

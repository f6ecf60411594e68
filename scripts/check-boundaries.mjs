// `npm run boundaries`: fails when an import breaks the architecture's rules —
//   no import cycles (src/ and web/src/) · modules use each other only through index.ts ·
//   a store.ts is imported only inside its own folder · src/science is pure (no modules, platform or
//   Node built-ins) · src/platform never imports src/modules (its *.test.ts files may, like src/app.ts,
//   wire real modules together).
// The rules live in boundaries-core.mjs (tested in test/boundaries.test.ts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBoundaries, formatViolation } from './boundaries-core.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const result = checkBoundaries({ root, ruleDirs: ['src'], cycleDirs: ['src', 'web/src'] });

if (result.violations.length > 0) {
  console.error(`Boundary check: ${result.violations.length} violation(s) in ${result.files} files:\n`);
  for (const violation of result.violations) console.error(`  ${formatViolation(violation)}`);
  process.exit(1);
}
console.log(`Boundary check: ${result.files} files, ${result.imports} imports, no cycles, no violations.`);

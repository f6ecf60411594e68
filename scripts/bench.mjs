// `npm run bench -- <name> [options]`: runs bench/<name>.ts through tsx, passing the options on.
// Without a name, or with an unknown one, lists the benchmarks there are.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const available = existsSync(benchDir)
  ? readdirSync(benchDir)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
      .map((file) => file.slice(0, -'.ts'.length))
      .sort()
  : [];

const [name, ...options] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  if (name) console.error(`No benchmark named "${name}".`);
  console.error(
    `Usage: npm run bench -- <name> [options]\nBenchmarks in bench/: ${available.join(', ') || '(none)'}`,
  );
  process.exit(name ? 1 : 0);
}

const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, `${name}.ts`), ...options], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

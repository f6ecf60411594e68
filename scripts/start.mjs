// `npm start`: installs what is missing, builds the web app when stale, then runs `topfit start`.
// Uses nothing but Node itself, because it runs before the dependencies are there.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (...parts) => path.join(root, ...parts);
const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

function run(command, args) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) {
    console.error(`\n${command} ${args.join(' ')} failed (exit ${result.status}).`);
    process.exit(result.status ?? 1);
  }
}

// npm writes node_modules/.package-lock.json on every install: older than package-lock.json means stale.
if (mtime(at('node_modules', '.package-lock.json')) < mtime(at('package-lock.json'))) {
  console.log('Installing dependencies (npm ci) …');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

const webSources = Math.max(
  newest(at('web', 'src')),
  newest(at('src', 'science')),
  mtime(at('web', 'index.html')),
  mtime(at('web', 'vite.config.ts')),
  mtime(at('package-lock.json')),
);
if (mtime(at('web', 'dist', 'index.html')) < webSources) {
  console.log('Building the web app …');
  run(process.execPath, [
    at('node_modules', 'vite', 'bin', 'vite.js'),
    'build',
    '--config',
    at('web', 'vite.config.ts'),
  ]);
}

process.argv = [process.argv[0], at('bin', 'topfit.mjs'), 'start', ...process.argv.slice(2)];
await import('../bin/topfit.mjs');

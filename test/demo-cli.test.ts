import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO, DEMO_STAFF } from '../src/demo/index.ts';
import { createTestDatabase } from './db.ts';
import { testEngine } from './engine.ts';

// `topfit demo` and the demo at first start, as an operator runs them: processes of their own on the suite's
// engine (a data folder for PGlite, a database of the server for PostgreSQL).

const run = promisify(execFile);
const BIN = path.resolve('bin/topfit.mjs');
let env: Record<string, string>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'topfit-demo-'));
  if (testEngine() === 'postgres') {
    const testDb = await createTestDatabase();
    await testDb.database.close();
    env = { DATABASE_URL: testDb.url ?? '', TOPFIT_DATA_DIR: dir };
    cleanup = async () => {
      await testDb.drop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    };
  } else {
    env = { TOPFIT_DATA_DIR: dir };
    cleanup = () => rm(dir, { recursive: true, force: true });
  }
});
afterAll(() => cleanup?.());

async function topfit(extra: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env, LOG_LEVEL: 'silent', NODE_ENV: 'development', ...extra },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** `topfit start` until it has said how to sign in; then stopped with SIGTERM. Its output. */
async function startAndStop(extra: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: { ...process.env, ...env, ...extra, PORT: '0', LOG_LEVEL: 'silent', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    output += String(chunk);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready within 150 s:\n${output}`)), 150_000);
      child.stdout.on('data', () => {
        if (/setup\?token=\S+\n|Sign in at |innovator@\S+\s+innovator/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  return output;
}

describe('topfit demo', () => {
  it('loads a region, says so when asked again, refuses another one, and --reset replaces it', async () => {
    const first = await topfit({}, 'demo', '--citizens', '150', '--cgm-share', '0.05', '--chunk-size', '50');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Demo region loaded: 150 citizens/);
    for (const member of DEMO_STAFF) expect(first.stdout).toContain(member.email);
    expect(first.stdout).toContain('citizen.type2@demo.topfit.example');
    // The progress bar went to standard error, ending at 100 %.
    expect(first.stderr).toMatch(/100 % · 150 of 150 citizens/);

    const again = await topfit({}, 'demo', '--citizens', '150', '--cgm-share', '0.05', '--chunk-size', '50');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/loaded already \(150 citizens\)/);

    const other = await topfit({}, 'demo', '--citizens', '200', '--cgm-share', '0.05');
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/another demo .* use --reset/);

    const reset = await topfit({}, 'demo', '--reset', '--citizens', '90', '--cgm-share', '0');
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/The database was emptied\.[\s\S]*Demo region loaded: 90 citizens/);

    const wrong = await topfit({}, 'demo', '--cgm-share', '1.5');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/--cgm-share must be between 0 and 1/);
  }, 300_000);

  it('stops between chunks on Ctrl-C, and the same command continues without writing anyone twice', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'topfit-demo-interrupt-'));
    const own = testEngine() === 'postgres' ? await createTestDatabase() : undefined;
    await own?.database.close();
    const target = own ? { DATABASE_URL: own.url ?? '', TOPFIT_DATA_DIR: dir } : { TOPFIT_DATA_DIR: dir };
    const args = ['demo', '--citizens', '10000', '--cgm-share', '0', '--chunk-size', '50'];
    try {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: { ...process.env, ...target, LOG_LEVEL: 'silent', NODE_ENV: 'development' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      let interrupted = false;
      child.stderr.on('data', (chunk) => {
        stderr += String(chunk);
        // The first chunks are in: interrupt, once (a second Ctrl-C quits at once).
        if (!interrupted && /of 10,000 citizens/.test(stderr)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      });
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(code).toBe(130);
      expect(stderr).toMatch(
        /Stopped after [\d,]+ of 10,000 citizens; run the same command again to continue\./,
      );

      const { code: again, stdout } = await (async () => {
        try {
          const answer = await run(process.execPath, [BIN, ...args], {
            env: { ...process.env, ...target, LOG_LEVEL: 'silent', NODE_ENV: 'development' },
            timeout: 120_000,
          });
          return { code: 0, stdout: answer.stdout };
        } catch (error) {
          return { code: (error as { code: number }).code, stdout: (error as { stdout: string }).stdout };
        }
      })();
      expect(again).toBe(0);
      expect(stdout).toMatch(/Demo region resumed: 10,000 citizens/);
    } finally {
      await own?.drop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it('is never loaded in production', async () => {
    const answer = await topfit(
      {
        NODE_ENV: 'production',
        TOPFIT_SECRET: 'production-secret-of-at-least-thirty-two-chars',
        PUBLIC_URL: 'https://topfit.example.org',
        SMTP_URL: 'smtp://127.0.0.1:1',
      },
      'demo',
    );
    expect(answer.code).toBe(2);
    expect(answer.stderr).toMatch(/never loaded in production/);
  });
});

// The automatic load is about the embedded database; a server suite checks that it stays away from a server.
describe('the demo at start', () => {
  if (testEngine() === 'pglite')
    it('the first start on an empty embedded database loads the default demo with a progress bar and prints the sign-ins', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'topfit-first-start-'));
      try {
        const output = await startAndStop({ TOPFIT_DATA_DIR: dir });
        expect(output).toContain('Loading the demo region');
        expect(output).toMatch(new RegExp(`100 % · ${DEFAULT_DEMO.citizens.toLocaleString('en-GB')} of`));
        expect(output).toMatch(/Demo sign-ins .* password "topfit-demo-2026"/);
        expect(output).not.toMatch(/setup\?token=/);
        // Started again, it finds the demo and loads nothing.
        const second = await startAndStop({ TOPFIT_DATA_DIR: dir });
        expect(second).not.toContain('Loading the demo region');
        expect(second).toContain('admin@demo.topfit.example');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }, 300_000);

  if (testEngine() === 'postgres')
    it('a PostgreSQL server gets no demo at start: it asks for the first administrator instead', async () => {
      const testDb = await createTestDatabase();
      await testDb.database.close();
      try {
        const output = await startAndStop({ DATABASE_URL: testDb.url ?? '' });
        expect(output).not.toContain('Loading the demo region');
        expect(output).toMatch(/setup\?token=/);
      } finally {
        await testDb.drop();
      }
    }, 120_000);
});

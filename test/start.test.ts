import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../src/platform/db/index.ts';

// `topfit start` as an operator runs it: a process of its own on a data folder of its own.
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'topfit-start-'));
});
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

function start(): { child: ChildProcess; output: () => string; address: Promise<string> } {
  const child = spawn(process.execPath, [path.resolve('bin/topfit.mjs'), 'start'], {
    env: {
      ...process.env,
      TOPFIT_DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'development',
      // These tests start an empty platform; the demo region at first start has its own test (demo-cli).
      TOPFIT_DEMO: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const address = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address within 60 s:\n${output}`)), 60_000);
    child.stdout?.on('data', () => {
      const match = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      // Ready once it has said how to sign in: the set-up link, or where to sign in.
      if (match?.[1] && /setup\?token=\S+\n|Sign in at /.test(output)) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return { child, output: () => output, address };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

it('starts on an empty data folder, prints a set-up link, finishes a request in flight on SIGTERM and closes the database cleanly', async () => {
  const run = start();
  const base = await run.address;
  expect(run.output()).toMatch(/Open this one-time link to create the first one/);
  expect(run.output()).toMatch(/\/setup\?token=[A-Za-z0-9_-]{40,}/);
  expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready' });

  // A request that takes a while (argon2 hashing, then the answer) is under way when the signal comes.
  const csrf = await fetch(`${base}/api/v1/csrf`);
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { token } = (await csrf.json()) as { token: string };
  const inFlight = fetch(`${base}/api/v1/auth/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': token, cookie },
    body: JSON.stringify({ email: 'late@example.org', password: 'a request in flight', displayName: 'Late' }),
  });
  await new Promise((resolve) => setTimeout(resolve, 5));
  const code = exited(run.child);
  run.child.kill('SIGTERM');
  expect((await inFlight).status).toBe(202);
  expect(await code).toBe(0);
  expect(run.output()).toContain('Stopped cleanly.');
  expect(existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);

  // The database was closed cleanly: it opens again with the account the last request made.
  const database = await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
  try {
    const accounts = await database.db
      .withTables<{ accounts: { email: string } }>()
      .selectFrom('accounts')
      .select('email')
      .execute();
    expect(accounts).toEqual([{ email: 'late@example.org' }]);
  } finally {
    await database.close();
  }
});

it('refuses to start a second process on the same data folder, naming the one that holds it', async () => {
  const first = start();
  await first.address;
  const second = start();
  const code = await exited(second.child);
  expect(code).toBe(1);
  expect(second.output()).toMatch(/in use by process \d+/);
  first.child.kill('SIGINT');
  expect(await exited(first.child)).toBe(0);
});

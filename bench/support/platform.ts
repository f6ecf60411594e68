/** What the benchmarks share: a database per run, a cookie-keeping HTTP client, a signed-in citizen. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { buildApp } from '../../src/app.ts';

export type Engine = 'pglite' | 'postgres';
type BenchApp = Awaited<ReturnType<typeof buildApp>>;

export const PASSWORD = 'benchmark password of some length';
export const SECRET = 'bench-secret-of-at-least-thirty-two-characters';

/** A cookie jar for fetch: keeps what the server sets, sends it back. */
export class Browser {
  private cookies = new Map<string, string>();
  private csrf: string | undefined;

  constructor(private readonly base: string) {}

  cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  cookie(name: string) {
    return this.cookies.get(name);
  }

  async request(method: 'GET' | 'POST', url: string, body?: unknown) {
    if (method !== 'GET' && !this.csrf) {
      const answer = await this.request('GET', '/api/v1/csrf');
      this.csrf = ((await answer.json()) as { token: string }).token;
    }
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    if (method !== 'GET' && this.csrf) headers['x-csrf-token'] = this.csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.base}${url}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || /max-age=0\b/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
}

export async function expectStatus(response: Response, status: number, what: string) {
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status} ${await response.text()}`);
  }
}

/** A citizen who signed up, verified the address from the mail and signed in, through HTTP. */
export async function signedInCitizen(app: BenchApp, base: string): Promise<Browser> {
  const outbox = app.mailer.outbox;
  if (!outbox) throw new Error('the benchmark needs the local mail capture (no SMTP_URL)');
  const browser = new Browser(base);
  const email = `bench-${randomBytes(4).toString('hex')}@example.org`;
  const since = new Date();
  await expectStatus(
    await browser.request('POST', '/api/v1/auth/sign-up', {
      email,
      password: PASSWORD,
      displayName: 'Bench Citizen',
      locale: 'en',
    }),
    202,
    'sign-up',
  );
  const mail = await outbox.waitFor(email, { since });
  const token = mail.text.match(/\/verify-email\?token=([A-Za-z0-9_%-]+)/)?.[1];
  if (!token) throw new Error('no /verify-email link in the verification mail');
  await expectStatus(
    await browser.request('POST', '/api/v1/auth/verify-email', { token: decodeURIComponent(token) }),
    200,
    'verify-email',
  );
  await expectStatus(
    await browser.request('POST', '/api/v1/auth/sign-in', { email, password: PASSWORD }),
    200,
    'sign-in',
  );
  if (!browser.cookie('topfit_session')) throw new Error('sign-in set no topfit_session cookie');
  await expectStatus(await browser.request('GET', '/api/v1/me'), 200, 'GET /api/v1/me');
  return browser;
}

/** A signed-in citizen who joins the Citizen Lab (Enschede) and allows personal insights, through HTTP. */
export async function joinedCitizenWithInsights(app: BenchApp, base: string): Promise<Browser> {
  const browser = await signedInCitizen(app, base);
  await expectStatus(
    await browser.request('POST', '/api/v1/me/participation', {
      birthYear: 1970,
      birthMonth: 3,
      sexAtBirth: 'male',
      postcode4: '7511',
      contactPreference: 'none',
    }),
    201,
    'joining',
  );
  await expectStatus(
    await browser.request('POST', '/api/v1/me/consents', {
      purposeKey: 'personal_insights',
      decision: 'granted',
      documentVersion: 1,
    }),
    201,
    'consent to personal insights',
  );
  return browser;
}

/** The database of one engine's run, and how to remove it afterwards. */
export async function prepareDatabase(
  engine: Engine,
): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'topfit-bench-'));
  const removeDataDir = () => rm(dataDir, { recursive: true, force: true });
  if (engine === 'pglite') return { env: { TOPFIT_DATA_DIR: dataDir }, cleanup: removeDataDir };

  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `topfit_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString(), TOPFIT_DATA_DIR: dataDir },
    async cleanup() {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await removeDataDir();
    },
  };
}

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { type App, buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Role } from '../src/platform/access/index.ts';
import type { Outbox, OutboxMessage } from '../src/platform/mail/index.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export interface TestApp extends App {
  outbox: Outbox;
  /** A fresh HTTP client with its own cookie jar. */
  client(): TestClient;
  /** The app's clock, in milliseconds (the real one unless the test gave its own). */
  now(): number;
  /** Closes the app and drops its database. */
  stop(): Promise<void>;
}

/** The whole platform on a database of its own, with mail captured by the local SMTP server. */
export async function createTestApp(
  options: { clock?: () => Date; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const testDb: TestDatabase = await createTestDatabase();
  // The app's files (research extracts) go to a folder of its own, removed with it.
  const dataDir = await mkdtemp(path.join(tmpdir(), 'topfit-test-'));
  const config = loadConfig({
    TOPFIT_DATA_DIR: dataDir,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    TOPFIT_SECRET: 'test-secret-of-at-least-thirty-two-characters',
    PUBLIC_URL: 'http://topfit.test',
    ...options.env,
  });
  const app = await buildApp(config, {
    database: testDb.database,
    webRoot: null,
    jobPollingSeconds: 0.5,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const outbox = app.mailer.outbox;
  if (!outbox) throw new Error('tests need the mail capture');
  return {
    ...app,
    outbox,
    client: () => new TestClient(app, options.clock),
    now: () => (options.clock ? options.clock().getTime() : Date.now()),
    async stop() {
      await app.close();
      await testDb.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

/**
 * Talks to the app through `inject` like a browser: keeps cookies and sends the CSRF token. Its clock is the
 * app's, so that a test moving the app's time keeps cookies as a browser living in that time would.
 */
export class TestClient {
  private cookies = new Map<string, string>();
  private csrf: string | undefined;
  clientAddress = '127.0.0.1';

  constructor(
    private readonly app: App,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  get<T = Record<string, unknown>>(url: string) {
    return this.request<T>('GET', url);
  }
  post<T = Record<string, unknown>>(url: string, body?: unknown) {
    return this.request<T>('POST', url, body ?? {});
  }
  put<T = Record<string, unknown>>(url: string, body: unknown) {
    return this.request<T>('PUT', url, body);
  }
  patch<T = Record<string, unknown>>(url: string, body: unknown) {
    return this.request<T>('PATCH', url, body);
  }
  delete<T = Record<string, unknown>>(url: string, body?: unknown) {
    return this.request<T>('DELETE', url, body);
  }

  /** Sends a request; for unsafe methods fetches a CSRF token first, as the web app does. */
  async request<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    options: { csrf?: boolean } = {},
  ): Promise<Answer<T>> {
    if (method !== 'GET' && options.csrf !== false && !this.csrf) {
      this.csrf = (await this.get('/api/v1/csrf')).body.token as string;
    }
    const response = await this.app.http.inject({
      method,
      url,
      remoteAddress: this.clientAddress,
      headers: {
        ...(this.cookies.size > 0
          ? { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') }
          : {}),
        ...(method !== 'GET' && options.csrf !== false && this.csrf ? { 'x-csrf-token': this.csrf } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    for (const cookie of response.cookies) {
      if (cookie.value === '' || (cookie.expires && cookie.expires.getTime() < this.clock().getTime())) {
        this.cookies.delete(cookie.name);
      } else {
        this.cookies.set(cookie.name, cookie.value);
      }
    }
    const text = response.body;
    const json = /^application\/([a-z+.-]*\+)?json\b/.test(String(response.headers['content-type'] ?? ''));
    return {
      status: response.statusCode,
      // JSON answers parsed; a download (CSV, text) as its text.
      body: (text ? (json ? JSON.parse(text) : text) : null) as T,
      headers: response.headers,
    };
  }

  /**
   * A multipart/form-data upload, as a browser's form sends it: the fields first, then the file in `file`.
   */
  async upload<T = Record<string, unknown>>(
    url: string,
    file: { name: string; content: string | Uint8Array },
    fields: Record<string, string> = {},
  ): Promise<Answer<T>> {
    if (!this.csrf) this.csrf = (await this.get('/api/v1/csrf')).body.token as string;
    const boundary = `----topfit${randomUUID()}`;
    const parts: (string | Uint8Array)[] = [];
    for (const [name, value] of Object.entries(fields)) {
      parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
    }
    parts.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      file.content,
      `\r\n--${boundary}--\r\n`,
    );
    const response = await this.app.http.inject({
      method: 'POST',
      url,
      remoteAddress: this.clientAddress,
      headers: {
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        'x-csrf-token': this.csrf,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      payload: Buffer.concat(
        parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))),
      ),
    });
    return {
      status: response.statusCode,
      body: (response.body ? JSON.parse(response.body) : null) as T,
      headers: response.headers,
    };
  }

  /** A request whose answer is not JSON (a download): the raw inject response, with this client's cookies. */
  async raw(method: 'GET', url: string) {
    return this.app.http.inject({
      method,
      url,
      remoteAddress: this.clientAddress,
      headers:
        this.cookies.size > 0 ? { cookie: [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ') } : {},
    });
  }

  hasCookie(name: string) {
    return this.cookies.has(name);
  }
}

export const uniqueEmail = (label = 'person') => `${label}-${randomUUID().slice(0, 8)}@example.org`;
export const PASSWORD = 'correct horse battery staple';

/** The token in the first link of a captured mail that points at `page`. */
export function linkToken(mail: OutboxMessage, page: string): string {
  const match = mail.text.match(new RegExp(`/${page}\\?token=([A-Za-z0-9_%-]+)`));
  if (!match?.[1]) throw new Error(`no /${page} link in mail "${mail.subject}"`);
  return decodeURIComponent(match[1]);
}

/** The current code of an authenticator app holding `secret`. */
export const totpCode = (secret: string, timestamp = Date.now()) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 }).generate({
    timestamp,
  });

/** A citizen who signed up and verified their address, signed in with `client`. */
export async function signUpCitizen(app: TestApp, client = app.client(), email = uniqueEmail('citizen')) {
  const since = new Date();
  const signUp = await client.post('/api/v1/auth/sign-up', {
    email,
    password: PASSWORD,
    displayName: 'Test Citizen',
    locale: 'nl',
  });
  if (signUp.status !== 202) throw new Error(`sign-up failed: ${JSON.stringify(signUp.body)}`);
  const mail = await app.outbox.waitFor(email, { since });
  await client.post('/api/v1/auth/verify-email', { token: linkToken(mail, 'verify-email') });
  const signIn = await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
  if (signIn.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(signIn.body)}`);
  const me = await client.get('/api/v1/me');
  return { client, email, accountId: (me.body.account as { id: string }).id };
}

/**
 * A staff member with the given roles, two factors set up and verified in this session:
 * made through the command-line path (create-user), the set-password link and TOTP set-up.
 */
export async function createStaff(app: TestApp, roles: Role[], client = app.client()) {
  const email = uniqueEmail(roles.join('-'));
  const { setPasswordUrl, accountId } = await app.identity.admin.createUser({
    email,
    displayName: `Test ${roles.join(' ')}`,
    roles,
    organisationId: null,
    locale: 'en',
  });
  const token = decodeURIComponent(new URL(setPasswordUrl).searchParams.get('token') ?? '');
  const reset = await client.post('/api/v1/auth/password-reset/confirm', { token, password: PASSWORD });
  if (reset.status !== 204) throw new Error(`set password failed: ${JSON.stringify(reset.body)}`);
  await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
  const setup = await client.post('/api/v1/me/mfa/totp/setup');
  const secret = setup.body.secret as string;
  const confirm = await client.post('/api/v1/me/mfa/totp/confirm', { code: totpCode(secret, app.now()) });
  if (confirm.status !== 200) throw new Error(`mfa set-up failed: ${JSON.stringify(confirm.body)}`);
  return { client, email, accountId, secret, recoveryCodes: confirm.body.recoveryCodes as string[] };
}

/** A citizen who signed up and joined the Citizen Lab (Enschede, born 1980), deciding no consents yet. */
export async function joinedCitizen(
  app: TestApp,
  profile: Record<string, unknown> = {},
  client = app.client(),
) {
  const citizen = await signUpCitizen(app, client);
  const joined = await citizen.client.post('/api/v1/me/participation', {
    birthYear: 1980,
    birthMonth: 5,
    sexAtBirth: 'female',
    postcode4: '7511',
    contactPreference: 'email',
    ...profile,
  });
  if (joined.status !== 201) throw new Error(`joining failed: ${JSON.stringify(joined.body)}`);
  return citizen;
}

/**
 * Clients that each come from an address of their own (10.<subnet>.x.x), so that one test's requests never
 * meet another's rate limits. `getApp` is read on each call: test files assign their app in beforeAll.
 */
export function clientFactory(getApp: () => TestApp, subnet: number): () => TestClient {
  let count = 0;
  return () => {
    const client = getApp().client();
    count++;
    client.clientAddress = `10.${subnet}.${Math.floor(count / 250)}.${(count % 250) + 1}`;
    return client;
  };
}

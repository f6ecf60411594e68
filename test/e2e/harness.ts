import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildApp, WEB_ROOT } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Outbox } from '../../src/platform/mail/index.ts';
import { createTestDatabase } from '../db.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve('docs/screenshots');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface Platform {
  url: string;
  outbox: Outbox;
  app: Awaited<ReturnType<typeof buildApp>>;
  browser: Browser;
  /** A fresh browser profile (cookies, storage) for one person. */
  person(): Promise<{ context: BrowserContext; page: Page }>;
  stop(): Promise<void>;
}

/** The real platform on a free port with its own database, and a headless Chromium to drive it. */
export async function startPlatform(): Promise<Platform> {
  if (!existsSync(path.join(WEB_ROOT, 'index.html'))) {
    throw new Error('The web app is not built: run `npm run build` before the browser tests.');
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium).`);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const testDb = await createTestDatabase();
  // The platform's files (research extracts) go to a folder of its own, removed when it stops.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'topfit-e2e-'));
  const app = await buildApp(
    loadConfig({
      TOPFIT_DATA_DIR: dataDir,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      PORT: String(port),
      PUBLIC_URL: url,
      TOPFIT_SECRET: 'browser-test-secret-of-at-least-thirty-two-chars',
    }),
    { database: testDb.database },
  );
  await app.http.listen({ port, host: '127.0.0.1' });
  const outbox = app.mailer.outbox;
  if (!outbox) throw new Error('browser tests need the mail capture');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    url,
    outbox,
    app,
    browser,
    async person() {
      const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 860 } });
      return { context, page: await context.newPage() };
    },
    async stop() {
      await browser.close();
      await app.close();
      await testDb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const AXE_SOURCE = readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** Runs axe-core (WCAG 2.0–2.2 A and AA rules) on the page; fails on serious or critical violations. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  // Evaluated through the DevTools protocol: the page's content security policy (rightly) forbids inline scripts.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // Runs in the page: `axe` and `document` are the browser's globals.
    const page = globalThis as unknown as {
      axe: { run: (context: unknown, options: object) => Promise<{ violations: AxeViolation[] }> };
      document: unknown;
    };
    const result = await page.axe.run(page.document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target),
    }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `${label}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

/** Saves a screenshot for the docs: docs/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  // A full-page capture draws the fixed header where the page was scrolled to: start from the top.
  await page.evaluate(() =>
    (globalThis as unknown as { scrollTo: (x: number, y: number) => void }).scrollTo(0, 0),
  );
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The first link in a mail that points at a page of the platform. */
export function linkIn(text: string, page: string): string {
  const match = text.match(new RegExp(`https?://[^\\s"<>]+/${page}\\?token=[A-Za-z0-9_%-]+`));
  if (!match) throw new Error(`no /${page} link in the mail`);
  return match[0];
}

/** The `lang` attribute of the page's <html>. */
export const documentLanguage = (page: Page): Promise<string> =>
  page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement
        .lang,
  );

// biome-ignore lint/suspicious/noExplicitAny: a JSON body whose shape each test asserts itself.
type Json = any;

/** An API request made by the page itself, with its cookies: what the server really thinks of the session. */
export const fetchIn = (page: Page, path: string): Promise<{ status: number; body: Json }> =>
  page.evaluate(async (url) => {
    const answer = await fetch(url);
    return { status: answer.status, body: await answer.json() };
  }, path);

/** Switches the language of the app and waits until the page speaks it. */
export async function switchTo(page: Page, locale: 'nl' | 'en'): Promise<void> {
  await page.getByTestId('language-switch').getByText(locale.toUpperCase()).click();
  await expect.poll(() => documentLanguage(page)).toBe(locale);
}

/** The computed opacity of an element: a dialog is checked once it has faded in. */
export const opacity = (locator: Locator): Promise<string> =>
  locator.evaluate((element) => {
    const view = element.ownerDocument.defaultView as unknown as {
      getComputedStyle(element: unknown): { opacity: string };
    };
    return view.getComputedStyle(element).opacity;
  });

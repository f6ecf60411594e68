import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  describeSettings,
  extractConfigSection,
  OPERATIONS_GUIDE,
  renderConfigTable,
  replaceConfigSection,
} from '../scripts/render-config-docs.ts';
import { ConfigError, loadConfig, settings } from '../src/config.ts';

/** The ConfigError that `loadConfig(env)` throws; fails the test when it does not throw one. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('the operator guide', () => {
  it('shows the settings table that src/config.ts renders today (run npm run docs:config when this fails)', () => {
    const guide = readFileSync(OPERATIONS_GUIDE, 'utf8');
    expect(extractConfigSection(guide)).toBe(renderConfigTable());
  });

  it('lists every setting once, each with a description', () => {
    const rows = describeSettings();
    expect(rows.map((row) => row.name)).toEqual(Object.keys(settings));
    for (const row of rows) expect(row.description.length).toBeGreaterThan(10);
  });

  it('renders allowed values and defaults as an operator sets them', () => {
    const table = renderConfigTable({
      MODE: z.enum(['a', 'b']).default('a').describe('The mode.'),
      SIZE: z.coerce.number().int().min(1).max(9).default(3).describe('The size.'),
      FLAG: z
        .enum(['true', 'false'])
        .default('false')
        .transform((v) => v === 'true')
        .describe('A flag | with a pipe.'),
      URL: z.url().optional().describe('An address.'),
    });
    expect(table.split('\n')).toEqual([
      '| Variable | Allowed values         | Default   | Description            |',
      '| -------- | ---------------------- | --------- | ---------------------- |',
      '| `MODE`   | one of `a`, `b`        | `a`       | The mode.              |',
      '| `SIZE`   | integer 1–9            | `3`       | The size.              |',
      '| `FLAG`   | one of `true`, `false` | `false`   | A flag \\| with a pipe. |',
      '| `URL`    | URL                    | (not set) | An address.            |',
    ]);
  });

  it('refuses a setting without a description', () => {
    expect(() => describeSettings({ SILENT: z.string().optional() })).toThrow(/SILENT has no \.describe\(\)/);
  });

  it('replaces only the text between the markers', () => {
    const document = 'intro\n<!-- config:start -->\nold\n<!-- config:end -->\noutro\n';
    expect(replaceConfigSection(document, 'new')).toBe(
      'intro\n<!-- config:start -->\nnew\n<!-- config:end -->\noutro\n',
    );
    expect(() => extractConfigSection('no markers')).toThrow(/config:start/);
  });
});

describe('loadConfig', () => {
  it('runs with no settings at all: embedded database, local mail capture, development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:3000',
      database: { kind: 'pglite', dataDir: path.resolve('data', 'pglite') },
      dataDir: path.resolve('data'),
      secret: undefined,
      mail: {
        smtpUrl: undefined,
        from: 'TOPFIT Citizen Lab <no-reply@topfit.localhost>',
        capturePort: 0,
      },
      session: { idleMinutes: 30, absoluteHours: 12, secureCookies: false },
      trustProxy: false,
      logLevel: 'info',
    });
  });

  it('treats empty variables as not set and reads the rest as typed values', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '',
      DATABASE_URL: 'postgres://topfit@db.internal:5432/topfit',
      DATABASE_POOL_SIZE: '25',
      PUBLIC_URL: 'https://topfit.example.org/',
      TRUST_PROXY: 'true',
      SESSION_IDLE_MINUTES: '15',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'https://topfit.example.org',
      database: { kind: 'postgres', url: 'postgres://topfit@db.internal:5432/topfit', poolSize: 25 },
      session: { idleMinutes: 15, secureCookies: true },
      trustProxy: true,
    });
  });

  it('reports every invalid variable at once, in one ConfigError', () => {
    const error = configError({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://db/topfit',
      TOPFIT_SECRET: 'too-short',
      SMTP_URL: 'mail.example.org',
      LOG_LEVEL: 'loud',
      TRUST_PROXY: 'yes',
    });
    const variables = error.problems.map((problem) => problem.split(':')[0]);
    expect(variables.sort()).toEqual([
      'DATABASE_URL',
      'LOG_LEVEL',
      'PORT',
      'SMTP_URL',
      'TOPFIT_SECRET',
      'TRUST_PROXY',
    ]);
    expect(error.message).toContain('TOPFIT_SECRET: must be at least 32 characters');
    expect(error.message).toContain('DATABASE_URL: must be a postgres:// URL');
  });

  it('requires a secret, a public address and a mail server in production', () => {
    const error = configError({ NODE_ENV: 'production' });
    expect(error.problems.sort()).toEqual([
      'PUBLIC_URL: is required in production',
      'SMTP_URL: is required in production',
      'TOPFIT_SECRET: is required in production',
    ]);
    const config = loadConfig({
      NODE_ENV: 'production',
      TOPFIT_SECRET: 'a-production-secret-of-at-least-32-chars',
      PUBLIC_URL: 'https://topfit.example.org',
      SMTP_URL: 'smtps://mailer:pw@mail.example.org:465',
    });
    expect(config).toMatchObject({
      env: 'production',
      mail: { smtpUrl: 'smtps://mailer:pw@mail.example.org:465' },
    });
  });
});

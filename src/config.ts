import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting of the platform, read from the environment once at start.
 * Each entry's description is the operator guide: `docs/operations.md` renders this table
 * (`npm run docs:config`), and a test fails when the two drift apart.
 */
export const settings = {
  NODE_ENV: z
    .enum(['development', 'production', 'test'])
    .default('development')
    .describe(
      '`production` turns off the demo sign-ins and requires `TOPFIT_SECRET`, `PUBLIC_URL` and `SMTP_URL`.',
    ),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('TCP port of the HTTP server.'),
  HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe('Address the HTTP server listens on; `0.0.0.0` to accept connections from other machines.'),
  PUBLIC_URL: z
    .url()
    .optional()
    .describe(
      'The address people use to reach the platform, used in links in e-mails. Default: `http://localhost:PORT`. An `https://` address makes session cookies `Secure`.',
    ),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .describe(
      'A PostgreSQL server (`postgres://user@host:5432/db`). Without it the platform uses the embedded PostgreSQL (PGlite) in `TOPFIT_DATA_DIR`.',
    ),
  DATABASE_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(10)
    .describe('Connections kept open to the PostgreSQL server (not used with PGlite).'),
  TOPFIT_DATA_DIR: z
    .string()
    .min(1)
    .default('./data')
    .describe(
      'Folder of the embedded database, the generated secret key and research extracts (`extracts/`; several app processes must share it).',
    ),
  TOPFIT_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .describe(
      'Key for encrypting two-factor secrets and signing cookies (32+ random characters). Without it a key is generated once and kept in `TOPFIT_DATA_DIR/secret.key`; required in production.',
    ),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional()
    .describe(
      'Outgoing mail server (`smtp://user:pass@host:587`). Without it the platform runs a local capture SMTP server and administrators read the mail at Outbox.',
    ),
  MAIL_FROM: z
    .string()
    .min(3)
    .default('TOPFIT Citizen Lab <no-reply@topfit.localhost>')
    .describe('Sender of every e-mail.'),
  MAIL_CAPTURE_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(0)
    .describe('Port of the local capture SMTP server when `SMTP_URL` is not set; 0 picks a free port.'),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30)
    .describe('A session ends after this many minutes without a request.'),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12)
    .describe('A session ends this many hours after sign-in, active or not.'),
  SESSION_CACHE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(60)
    .default(5)
    .describe(
      'How long a process may answer from its memory that a session is valid, instead of asking the database. Changes made in the same process apply at once; with several processes, an ended session or a changed role reaches the others within this time. 0 turns the cache off.',
    ),
  INVITATION_MAILS_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(60)
    .describe(
      'Study invitations are e-mailed at most this many a minute (a batch of thousands goes out over some minutes, sparing the mail server and its reputation).',
    ),
  EXTRACT_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(365)
    .default(30)
    .describe(
      'Days a research extract stays downloadable; then its files are deleted (they can be made again from the approved request).',
    ),
  SMALL_CELL_MINIMUM: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .describe(
      'Counts below this number are withheld in every overview shown to anyone but the person themself (small-cell suppression).',
    ),
  IMPORT_MAX_MB: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(2048)
    .describe(
      'The largest file a participant may upload for import, in MB. Uploads are streamed to the temporary folder and read from there, so memory does not grow with the size; an Apple Health export can be gigabytes.',
    ),
  NIGHTSCOUT_PRIVATE_ADDRESSES: z
    .enum(['refuse', 'allow'])
    .default('refuse')
    .describe(
      'Whether participants may have the server pull a Nightscout site at a private-network or loopback address. Refused by default, so that nobody can make the server reach inside its own network; allow it only where the Nightscout sites live on that network.',
    ),
  TOPFIT_DEMO: z
    .enum(['auto', 'off'])
    .default('auto')
    .describe(
      '`auto`: the first `topfit start` on an empty embedded database loads the demo region (2,000 synthetic citizens, staff of every role with demo sign-ins). `off`: start empty. A PostgreSQL server (`DATABASE_URL`) gets demo data only from `topfit demo`. Never in production.',
    ),
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe(
      'Set to `true` behind a reverse proxy so that client addresses and HTTPS come from `X-Forwarded-*` headers.',
    ),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Detail of the structured (JSON) logs on standard output.'),
};

const schema = z.object(settings).superRefine((env, ctx) => {
  if (env.NODE_ENV !== 'production') return;
  for (const key of ['TOPFIT_SECRET', 'PUBLIC_URL', 'SMTP_URL'] as const) {
    if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required in production' });
  }
});

export type Env = z.infer<typeof schema>;

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  /** Base of links in e-mails, without a trailing slash. */
  publicUrl: string;
  database: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string; poolSize: number };
  dataDir: string;
  secret: string | undefined;
  mail: { smtpUrl: string | undefined; from: string; capturePort: number };
  session: { idleMinutes: number; absoluteHours: number; secureCookies: boolean; cacheSeconds: number };
  trustProxy: boolean;
  /** Counts below this are withheld in overviews (small-cell suppression). */
  smallCellMinimum: number;
  /** Days a research extract stays downloadable. */
  extractDays: number;
  /** Study invitations e-mailed per minute, at most. */
  invitationMailsPerMinute: number;
  /** The largest upload for import, in bytes. */
  maxUploadBytes: number;
  /** Nightscout pulls may reach private-network addresses. */
  nightscoutPrivateAddresses: boolean;
  /** Load the demo region into an empty embedded database at start, and offer demo sign-ins. */
  demo: { autoLoad: boolean; signIns: boolean };
  logLevel: Env['LOG_LEVEL'];
}

/** Thrown when the environment holds invalid settings; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the settings; throws a ConfigError naming every invalid variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const input = Object.fromEntries(
    Object.keys(settings).map((key) => [key, source[key] === '' ? undefined : source[key]]),
  );
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.TOPFIT_DATA_DIR);
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    publicUrl,
    database: env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }
      : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
    dataDir,
    secret: env.TOPFIT_SECRET,
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, capturePort: env.MAIL_CAPTURE_PORT },
    session: {
      idleMinutes: env.SESSION_IDLE_MINUTES,
      absoluteHours: env.SESSION_ABSOLUTE_HOURS,
      cacheSeconds: env.SESSION_CACHE_SECONDS,
      secureCookies: publicUrl.startsWith('https://'),
    },
    trustProxy: env.TRUST_PROXY,
    smallCellMinimum: env.SMALL_CELL_MINIMUM,
    extractDays: env.EXTRACT_DAYS,
    invitationMailsPerMinute: env.INVITATION_MAILS_PER_MINUTE,
    maxUploadBytes: env.IMPORT_MAX_MB * 1024 * 1024,
    nightscoutPrivateAddresses: env.NIGHTSCOUT_PRIVATE_ADDRESSES === 'allow',
    demo: {
      autoLoad: env.NODE_ENV !== 'production' && env.TOPFIT_DEMO === 'auto' && !env.DATABASE_URL,
      signIns: env.NODE_ENV !== 'production',
    },
    logLevel: env.LOG_LEVEL,
  };
}

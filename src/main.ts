import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { App } from './app.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { DEFAULT_DEMO } from './demo/options.ts';
import { buildImportApp } from './import-app.ts';
import { migrationSources } from './migrations.ts';
import { ORGANISATION_TYPES } from './modules/identity/model.ts';
import {
  GLUCOSE_REPORT_FORMATS,
  type GlucoseReportFormat,
  runGlucoseReport,
} from './modules/measurements/glucose-report.ts';
import { fileSource, IMPORT_FORMATS, type ImportFormat } from './modules/measurements/index.ts';
import { OPERATOR, ROLES, type Role } from './platform/access/index.ts';
import { type ChainVerdict, createAudit } from './platform/audit/index.ts';
import { migrate, openDatabase } from './platform/db/index.ts';
import { DomainError } from './platform/errors/index.ts';
import { DEFAULT_TIME_ZONE } from './science/glucose/local-time.ts';

// The whole platform (src/app.ts) and the demo are loaded by the commands that use them, not by every command:
// `topfit import` builds only what an import needs (src/import-app.ts), in less memory.
const platform = () => import('./app.ts');
const demoLoader = () => import('./demo/index.ts');

const program = new Command('topfit')
  .description('TOPFIT Citizen Lab and Health Innovation Hub platform')
  .showHelpAfterError();

function config(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      console.error('See docs/operations.md for every setting.');
      process.exit(2);
    }
    throw error;
  }
}

program
  .command('start')
  .description('Run the platform: migrate the database, then serve the web app and the API')
  .option('--no-demo', 'start empty: do not load the demo region into an empty embedded database')
  .action(async (options: { demo: boolean }) => {
    const settings = config();
    const { buildApp } = await platform();
    const { demoSignInsText, demoStatus, loadDemo, progressWriter } = await demoLoader();
    const app = await buildApp(settings);
    let demo = await demoStatus(app.database);
    if (settings.demo.autoLoad && options.demo && (demo ? !demo.run.finishedAt : await isEmpty(app))) {
      console.log(
        demo
          ? 'Resuming the demo region …'
          : 'Loading the demo region (synthetic citizens, no real person) …',
      );
      try {
        await loadDemo(app.database, DEFAULT_DEMO, { onProgress: progressWriter(process.stdout) });
      } catch (error) {
        await app.close();
        throw error;
      }
      demo = await demoStatus(app.database);
    }
    const address = await app.http.listen({ port: settings.port, host: settings.host });
    const url = settings.publicUrl;
    console.log(`\nTOPFIT platform is running at ${url} (listening on ${address})`);
    console.log(
      settings.database.kind === 'pglite'
        ? `Database: embedded PostgreSQL (PGlite) in ${settings.database.dataDir}`
        : 'Database: PostgreSQL server (DATABASE_URL)',
    );
    if (app.mailer.outbox) {
      console.log(
        `Mail: captured locally (SMTP on 127.0.0.1:${app.mailer.outbox.port}); administrators read it at ${url}/admin/outbox`,
      );
    }
    const setupLink = demo ? undefined : await app.identity.admin.issueSetupLink();
    if (demo && settings.demo.signIns) {
      console.log(`\n${demoSignInsText(url, demo.featured)}\n`);
    } else if (setupLink) {
      console.log(
        '\nNo administrator yet. Open this one-time link to create the first one (valid 24 hours):',
      );
      console.log(`  ${setupLink}\n`);
    } else {
      console.log(`Sign in at ${url}/sign-in — citizens can sign up at ${url}/sign-up\n`);
    }

    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) {
        console.log('Stopping now.');
        process.exit(1);
      }
      stopping = true;
      console.log(`\n${signal}: finishing requests in flight, then closing the database …`);
      await app.close();
      console.log('Stopped cleanly.');
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });

/** No account at all: a new installation. */
async function isEmpty(app: App): Promise<boolean> {
  const { createIdentitySeeder } = await import('./modules/identity/index.ts');
  const { DEMO_DOMAIN } = await demoLoader();
  const { accounts } = await createIdentitySeeder(app.database.db).census(DEMO_DOMAIN);
  return accounts === 0;
}

const positiveInteger = (name: string) => (value: string) => {
  const number = Number(value.replaceAll('_', ''));
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError(`${name} must be a whole number ≥ 1.`);
  return number;
};

program
  .command('demo')
  .description(
    'Load the synthetic demo region: staff of every role with demo sign-ins, and citizens with profiles, consents, FINDRISC and device data (no real person). Resumes an interrupted load.',
  )
  .option('--reset', 'empty the database first (refused when it holds accounts of real people)')
  .option('--citizens <n>', 'how many citizens', positiveInteger('--citizens'), DEFAULT_DEMO.citizens)
  .option(
    '--cgm-share <share>',
    'the share of citizens with a CGM sensor period, 0–1',
    (value) => {
      const share = Number(value);
      if (!(share >= 0 && share <= 1)) throw new InvalidArgumentError('--cgm-share must be between 0 and 1.');
      return share;
    },
    DEFAULT_DEMO.cgmShare,
  )
  .option(
    '--cgm-days <days>',
    'days of each sensor period',
    positiveInteger('--cgm-days'),
    DEFAULT_DEMO.cgmDays,
  )
  .option('--seed <seed>', 'the seed: the same seed gives the same region', DEFAULT_DEMO.seed)
  .option('--chunk-size <n>', 'citizens per transaction', positiveInteger('--chunk-size'))
  .action(
    async (options: {
      reset?: boolean;
      citizens: number;
      cgmShare: number;
      cgmDays: number;
      seed: string;
      chunkSize?: number;
    }) => {
      const settings = config();
      if (settings.env === 'production') {
        console.error('The demo region is never loaded in production (NODE_ENV=production).');
        process.exit(2);
      }
      const { buildApp } = await platform();
      const {
        DemoInterruptedError,
        DemoRefusedError,
        demoSignInsText,
        loadDemo,
        progressWriter,
        resetDemoDatabase,
      } = await demoLoader();
      const database = await openDatabase(settings.database);
      let exitCode = 0;
      try {
        if (options.reset) {
          await resetDemoDatabase(database);
          console.log('The database was emptied.');
        }
        await migrate(database, migrationSources);
        const app = await buildApp(settings, { database, webRoot: null });
        // Ctrl-C stops after the chunks being written, so that the next run continues where this one stopped.
        const stop = new AbortController();
        const interrupt = () => {
          if (stop.signal.aborted) process.exit(130);
          console.error('\nStopping after the chunks being written (Ctrl-C again to quit at once) …');
          stop.abort();
        };
        process.on('SIGINT', interrupt);
        process.on('SIGTERM', interrupt);
        try {
          const result = await loadDemo(
            database,
            {
              seed: options.seed,
              citizens: options.citizens,
              cgmShare: options.cgmShare,
              cgmDays: options.cgmDays,
              ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
            },
            { onProgress: progressWriter(process.stderr), signal: stop.signal },
          );
          console.log(
            result.outcome === 'present'
              ? `This demo region is loaded already (${result.citizens.toLocaleString('en-GB')} citizens).`
              : `Demo region ${result.outcome}: ${result.citizens.toLocaleString('en-GB')} citizens, ${result.rows.toLocaleString('en-GB')} rows in ${(result.elapsedMs / 1000).toFixed(1)} s.`,
          );
          console.log(`\n${demoSignInsText(settings.publicUrl, result.featured)}`);
        } finally {
          await app.close();
        }
      } catch (error) {
        if (error instanceof DemoInterruptedError) {
          console.error(error.message);
          exitCode = 130;
        } else if (error instanceof DemoRefusedError) {
          console.error(error.message);
          exitCode = 2;
        } else throw error;
      } finally {
        await database.close();
      }
      if (exitCode !== 0) process.exit(exitCode);
    },
  );

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(async () => {
    const settings = config();
    const database = await openDatabase(settings.database);
    try {
      const report = await migrate(database, migrationSources);
      for (const name of report.applied) console.log(`applied ${name}`);
      console.log(`${report.applied.length} applied, ${report.alreadyApplied} already applied.`);
    } finally {
      await database.close();
    }
  });

program
  .command('glucose-report')
  .description(
    'CGM metrics (International Consensus on Time in Range) per subject in a file, without a database',
  )
  .argument('<file>', 'LibreView or Dexcom Clarity CSV, a CSV with id,time,gl, or Nightscout entries JSON')
  .addOption(
    new Option('--format <format>', 'the file format').choices(GLUCOSE_REPORT_FORMATS).default('auto'),
  )
  .option('--tz <zone>', 'IANA time zone of the local times in the file', DEFAULT_TIME_ZONE)
  .addOption(
    new Option('--date-order <order>', 'LibreView: dates day first or month first').choices(['dmy', 'mdy']),
  )
  .option('--json', 'print a JSON array, one object per subject')
  .action(
    async (
      file: string,
      options: { format: GlucoseReportFormat; tz: string; dateOrder?: 'dmy' | 'mdy'; json?: boolean },
    ) => {
      const code = await runGlucoseReport(
        file,
        {
          format: options.format,
          timeZone: options.tz,
          json: options.json === true,
          ...(options.dateOrder ? { dateOrder: options.dateOrder } : {}),
        },
        { out: (text) => console.log(text), err: (text) => console.error(text) },
      );
      if (code !== 0) process.exit(code);
    },
  );

program
  .command('import')
  .description(
    'Import a file of measurements for a participant, as their own upload does: all or nothing, readings stored before are skipped',
  )
  .argument(
    '<file>',
    'LibreView, Dexcom Clarity, Nightscout, Apple Health (ZIP or export.xml), FHIR, Open mHealth, or id,time,gl CSV',
  )
  .requiredOption('--participant <id>', 'the participant (their account id)')
  .addOption(
    new Option('--format <format>', 'the file format').choices(['auto', ...IMPORT_FORMATS]).default('auto'),
  )
  .option(
    '--tz <zone>',
    "IANA time zone of local times written without an offset (default: the participant's own)",
  )
  .addOption(
    new Option('--date-order <order>', 'LibreView: dates day first or month first').choices(['dmy', 'mdy']),
  )
  .option('--json', 'print the summary as JSON')
  .action(
    async (
      file: string,
      options: {
        participant: string;
        format: ImportFormat | 'auto';
        tz?: string;
        dateOrder?: 'dmy' | 'mdy';
        json?: boolean;
      },
    ) => {
      let size: number;
      try {
        size = (await stat(file)).size;
      } catch {
        console.error(`Cannot read ${file}.`);
        process.exit(2);
      }
      const app = await buildImportApp(config());
      let exitCode = 0;
      try {
        const showProgress = process.stderr.isTTY && !options.json;
        const summary = await app.measurements.importFile(
          OPERATOR,
          options.participant,
          fileSource(file, size),
          {
            format: options.format,
            ...(options.tz ? { timeZone: options.tz } : {}),
            ...(options.dateOrder ? { dateOrder: options.dateOrder } : {}),
            ...(showProgress
              ? {
                  onProgress: (bytes: number) =>
                    process.stderr.write(
                      `\rReading ${path.basename(file)}: ${Math.min(100, Math.floor((100 * bytes) / Math.max(1, size)))} %`,
                    ),
                }
              : {}),
          },
        );
        if (showProgress) process.stderr.write('\n');
        if (options.json) console.log(JSON.stringify(summary, null, 2));
        else {
          console.log(`Imported ${summary.imported} of ${summary.rowsRead} lines read (${summary.format}).`);
          console.log(
            `Duplicates skipped: ${summary.duplicates}; not readings: ${summary.ignored}; rejected: ${summary.rejected}.`,
          );
          for (const rejection of summary.rejections.slice(0, 20))
            console.log(`  line ${rejection.line}: ${rejection.reason}`);
          if (summary.rejected > 20) console.log(`  … and ${summary.rejected - 20} more.`);
        }
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        console.error(`Not imported: ${error.message}`);
        for (const field of error.fields) {
          console.error(`  ${field.pointer}${field.line ? ` (line ${field.line})` : ''}: ${field.detail}`);
        }
        exitCode = 1;
      } finally {
        await app.close();
      }
      if (exitCode !== 0) process.exit(exitCode);
    },
  );

const admin = program.command('admin').description('Administration tasks');
admin
  .command('create-user')
  .description(
    'Create an account with roles (or add roles to an existing one) and print a link to set its password',
  )
  .requiredOption('--email <address>', 'e-mail address')
  .requiredOption('--name <name>', 'display name')
  .addOption(new Option('--role <role...>', 'one or more roles').choices(ROLES).makeOptionMandatory())
  .option('--organisation <id>', 'organisation id the roles are held in')
  .addOption(new Option('--locale <locale>', 'language').choices(['nl', 'en']).default('nl'))
  .action(
    async (options: {
      email: string;
      name: string;
      role: Role[];
      organisation?: string;
      locale: 'nl' | 'en';
    }) => {
      const { buildApp } = await platform();
      const app = await buildApp(config(), { webRoot: null });
      try {
        const result = await app.identity.admin.createUser({
          email: options.email,
          displayName: options.name,
          roles: options.role,
          organisationId: options.organisation ?? null,
          locale: options.locale,
        });
        console.log(
          `${result.created ? 'Created' : 'Updated'} account ${result.accountId} with ${options.role.join(', ')}.`,
        );
        console.log(`One-time link to set the password (valid 24 hours):\n  ${result.setPasswordUrl}`);
        if (options.role.some((role) => role !== 'citizen')) {
          console.log('Staff roles set up two-factor sign-in at their first sign-in.');
        }
      } finally {
        await app.close();
      }
    },
  );

program
  .command('audit')
  .description('Audit log tasks')
  .command('verify')
  .description('Check the hash chain of the audit log; names the first broken link')
  .action(async () => {
    const settings = config();
    const database = await openDatabase(settings.database);
    let verdict: ChainVerdict;
    try {
      await migrate(database, migrationSources);
      verdict = await createAudit(database.db).verify();
    } finally {
      await database.close();
    }
    if (verdict.ok) {
      console.log(`Audit log intact: ${verdict.entries} entries, every link verified.`);
    } else {
      console.error(
        `Audit log BROKEN at entry ${verdict.brokenAt}: ${verdict.reason} (${verdict.entries} entries before it verified).`,
      );
      // Set explicitly: the embedded database's runtime resets process.exitCode when it closes.
      process.exit(1);
    }
  });

program.addHelpText(
  'after',
  `\nOrganisation types: ${ORGANISATION_TYPES.join(', ')}\nSettings: environment variables, see docs/operations.md.`,
);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Expected failures (a locked database, a refused connection) read better without a stack trace.
  console.error(`topfit: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationSources } from '../src/migrations.ts';
import { createAudit } from '../src/platform/audit/index.ts';
import { type Database, migrate, openDatabase } from '../src/platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { testEngine } from './engine.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/topfit.mjs');

/** The `topfit` command against one database: a data folder (PGlite) or a server database. */
let env: Record<string, string>;
let open: () => Promise<Database>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  if (testEngine() === 'postgres') {
    const testDb: TestDatabase = await createTestDatabase();
    await testDb.database.close();
    const url = testDb.url ?? '';
    env = { DATABASE_URL: url };
    open = () => openDatabase({ kind: 'postgres', url, poolSize: 2 });
    cleanup = () => testDb.drop().catch(() => undefined);
  } else {
    const dir = await mkdtemp(path.join(tmpdir(), 'topfit-cli-'));
    env = { TOPFIT_DATA_DIR: dir };
    open = () => openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'pglite') });
    cleanup = () => rm(dir, { recursive: true, force: true });
  }
});
afterAll(() => cleanup?.());

async function topfit(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env, LOG_LEVEL: 'silent', PORT: '0' },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the topfit command', () => {
  it('migrate applies every migration once, then finds nothing to do', async () => {
    const total = (await Promise.all(migrationSources.map((source) => readdir(source.dir)))).flat().length;
    const first = await topfit('migrate');
    expect(first.code).toBe(0);
    const [, applied, already] = first.stdout.match(/^(\d+) applied, (\d+) already applied\./m) ?? [];
    expect(Number(applied) + Number(already)).toBe(total);
    const second = await topfit('migrate');
    expect(second.stdout).toContain(`0 applied, ${total} already applied.`);
  });

  it('admin create-user makes a staff account and prints a one-time set-password link', async () => {
    const email = `steward-${randomUUID().slice(0, 8)}@example.org`;
    const result = await topfit(
      'admin',
      'create-user',
      '--email',
      email,
      '--name',
      'Data Steward',
      '--role',
      'data_steward',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Created account [0-9a-f-]{36} with data_steward/);
    expect(result.stdout).toMatch(/\/reset-password\?token=[A-Za-z0-9_-]{40,}/);
  });

  it('admin create-user refuses an unknown role and names the allowed ones', async () => {
    const result = await topfit(
      'admin',
      'create-user',
      '--email',
      'x@example.org',
      '--name',
      'X',
      '--role',
      'wizard',
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Allowed choices are citizen, coach, researcher/);
  });

  it('an invalid setting stops the command with every problem listed', async () => {
    const result = await run(process.execPath, [BIN, 'migrate'], {
      env: { ...process.env, ...env, PORT: 'eighty', SESSION_IDLE_MINUTES: '0' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect('code' in result && result.code).toBe(2);
    expect('stderr' in result ? result.stderr : '').toMatch(/PORT:[\s\S]*SESSION_IDLE_MINUTES:/);
  });

  it('audit verify passes on an intact log and names the first broken link of a tampered one', async () => {
    const database = await open();
    try {
      await migrate(database, migrationSources);
      const audit = createAudit(database.db);
      for (let i = 0; i < 3; i++) {
        await audit.record({
          actorAccountId: null,
          actorRole: null,
          action: 'test.event',
          resourceType: 'test',
          outcome: 'success',
        });
      }
    } finally {
      await database.close();
    }
    const intact = await topfit('audit', 'verify');
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/Audit log intact: \d+ entries/);

    const tampered = await open();
    let brokenSeq: number | undefined;
    try {
      const db = tampered.db;
      const { rows } = await sql<{ seq: number }>`SELECT max(seq) - 1 AS seq FROM audit_log`.execute(db);
      brokenSeq = rows[0]?.seq;
      await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(db);
      await sql`UPDATE audit_log SET action = 'test.hidden' WHERE seq = ${brokenSeq}`.execute(db);
      await sql`ALTER TABLE audit_log ENABLE TRIGGER USER`.execute(db);
    } finally {
      await tampered.close();
    }
    const broken = await topfit('audit', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`BROKEN at entry ${brokenSeq}: its content does not match its hash`);
  });

  it('import stores a participant’s file once, as the operator, audited; a non-member’s import is refused', async () => {
    const participant = randomUUID();
    const database = await open();
    try {
      await sql`
        INSERT INTO participants (participant_id, birth_year, birth_month, sex_at_birth, postcode4, municipality_code)
        VALUES (${participant}, 1970, 3, 'female', '7511', (SELECT cbs_code FROM postcode_areas WHERE pc4 = '7511'))`.execute(
        database.db,
      );
    } finally {
      await database.close();
    }
    const folder = await mkdtemp(path.join(tmpdir(), 'topfit-cli-import-'));
    const file = path.join(folder, 'dexcom.csv');
    const rows = Array.from(
      { length: 24 },
      (_, i) =>
        `${i + 2},2026-03-10T${String(8 + Math.floor(i / 12)).padStart(2, '0')}:${String((i % 12) * 5).padStart(2, '0')}:00,EGV,,,,iPhone G6,${100 + i},,,,`,
    );
    await writeFile(
      file,
      [
        'Index,Timestamp (YYYY-MM-DDThh:mm:ss),Event Type,Event Subtype,Patient Info,Device Info,Source Device ID,Glucose Value (mg/dL),Insulin Value (u),Carb Value (grams),Duration (hh:mm:ss),Glucose Rate Change (mg/dL/min)',
        '1,,FirstName,,Joe,,,,,,,',
        ...rows,
      ].join('\n'),
    );
    try {
      const first = await topfit('import', '--participant', participant, '--json', file);
      expect(first.code, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({
        format: 'dexcom',
        imported: 24,
        duplicates: 0,
        ignored: 2,
      });
      const again = await topfit('import', '--participant', participant, file);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('Imported 0 of 26 lines read (dexcom).');
      expect(again.stdout).toContain('Duplicates skipped: 24');
      const stranger = await topfit('import', '--participant', randomUUID(), file);
      expect(stranger.code).toBe(1);
      expect(stranger.stderr).toMatch(/Not imported: Only members/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    const check = await open();
    try {
      const { rows: audited } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM audit_log
        WHERE action = 'measurements.import' AND subject_participant_id = ${participant}
          AND actor_account_id = '00000000-0000-0000-0000-000000000000' AND outcome = 'success'`.execute(
        check.db,
      );
      expect(audited[0]?.n).toBe(2);
    } finally {
      await check.close();
    }
  });

  it('every command explains itself with --help', async () => {
    for (const command of [
      ['start'],
      ['migrate'],
      ['admin', 'create-user'],
      ['audit', 'verify'],
      ['import'],
      ['glucose-report'],
    ]) {
      const result = await topfit(...command, '--help');
      expect(result.code, command.join(' ')).toBe(0);
      expect(result.stdout).toMatch(/^Usage: topfit /m);
    }
  });
});

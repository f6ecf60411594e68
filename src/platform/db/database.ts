import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

/**
 * The query builder every store receives. Stores narrow it to their own tables with
 * `db.withTables<Tables>()`, so that no module's types describe another module's tables.
 */
export type Db = Kysely<object>;

export type DatabaseTarget =
  | { kind: 'pglite'; dataDir?: string; loadFrom?: Blob }
  | { kind: 'postgres'; url: string; poolSize?: number };

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  /** Runs a multi-statement SQL script in one transaction (migrations). */
  runScript(script: string): Promise<void>;
  /**
   * How the job queue reaches this database: a connection string for a server, or, for PGlite, a
   * function that runs SQL on the one embedded connection in turn with every other query.
   */
  readonly jobConnection:
    | { connectionString: string }
    | { executeSql: (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }> };
  /**
   * Runs `work` in one transaction on one connection, for bulk loads that a query builder cannot express:
   * `COPY … FROM STDIN` on a server, and temporary tables that must live on the same connection. Committed
   * when `work` resolves, rolled back when it throws. On PGlite it holds the one connection throughout.
   */
  bulk<T>(work: (session: BulkSession) => Promise<T>, options?: BulkOptions): Promise<T>;
  /** PGlite only: the data folder as a tarball, used to clone a migrated template in tests. */
  dump(): Promise<Blob>;
  close(): Promise<void>;
}

export interface BulkOptions {
  /**
   * For rows the caller built consistent itself (the demo generator): foreign keys are not checked, where the
   * database role may turn that off (a superuser: `session_replication_role = replica`, as pg_restore's
   * `--disable-triggers` does); elsewhere they are checked as always. Triggers on insert do not fire either, so
   * only for tables that have none that matter.
   */
  skipForeignKeyChecks?: boolean;
}

/** Turns foreign-key checks off for the transaction when asked and allowed. */
async function applyBulkOptions(
  query: (text: string) => Promise<{ rows: Record<string, unknown>[] }>,
  options: BulkOptions | undefined,
) {
  if (!options?.skipForeignKeyChecks) return;
  const { rows } = await query(`SELECT current_setting('is_superuser') AS superuser`);
  if (rows[0]?.superuser === 'on') await query('SET LOCAL session_replication_role = replica');
}

/** One connection inside a transaction, for bulk loads (see `Database.bulk`). */
export interface BulkSession {
  query<R = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number }>;
  /**
   * Both engines: `COPY table (columns) FROM STDIN` of rows in COPY's text format, each line ended, as UTF-8
   * bytes; resolves when the database has taken them all, after which the caller may reuse the bytes.
   */
  copyBytes(table: string, columns: readonly string[], bytes: Uint8Array): Promise<void>;
  /**
   * Both engines: `COPY table (columns) FROM STDIN` of rows already in COPY's text format (see `copyRow`),
   * held in memory: for chunks of at most some tens of megabytes. PGlite takes them as one blob.
   */
  copyRows(table: string, columns: readonly string[], rows: readonly string[]): Promise<void>;
  /**
   * Both engines: `COPY (query) TO STDOUT WITH (options)`, its bytes written to `sink` as they come (a server
   * streams them; PGlite hands over the whole result at once, so keep each query's output to tens of
   * megabytes there). COPY takes no parameters: the query must be compiled without any (values go in a
   * temporary table of the session first); one with parameters is refused.
   */
  copyOut(
    query: { sql: string; parameters: readonly unknown[] },
    options: string,
    sink: Writable,
  ): Promise<void>;
}

/** The COPY … TO options this platform writes with: CSV with a header, or text (one JSON document per line). */
const COPY_OUT_OPTIONS = /^(FORMAT (csv|text))(, HEADER (true|false))?$/;

function copyOutStatement(
  query: { sql: string; parameters: readonly unknown[] },
  options: string,
  target: string,
): string {
  if (query.parameters.length > 0) throw new Error('COPY … TO takes no parameters; use a temporary table');
  if (!COPY_OUT_OPTIONS.test(options)) throw new Error(`Unexpected COPY options: ${options}`);
  return `COPY (${query.sql}) TO ${target} WITH (${options})`;
}

const SQL_NAME = /^[a-z_][a-z0-9_]*$/;

function copyStatement(table: string, columns: readonly string[], source: string): string {
  for (const name of [table, ...columns]) {
    if (!SQL_NAME.test(name)) throw new Error(`Not a plain SQL name: ${name}`);
  }
  return `COPY ${table} (${columns.join(', ')}) FROM ${source}`;
}

/** Rows joined into strings of about a megabyte, each line ended. */
function textChunks(rows: readonly string[]): string[] {
  const chunks: string[] = [];
  let start = 0;
  let length = 0;
  for (let i = 0; i < rows.length; i++) {
    length += (rows[i] as string).length + 1;
    if (length >= 1_000_000 || i === rows.length - 1) {
      chunks.push(`${rows.slice(start, i + 1).join('\n')}\n`);
      start = i + 1;
      length = 0;
    }
  }
  return chunks;
}

// int8 (bigint, count(*)) as JS numbers: counts and sequence numbers of this platform stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));
// date as its ISO text (YYYY-MM-DD): a calendar date has no time zone, and a Date at local midnight would move it.
pg.types.setTypeParser(1082, (value) => value);

/** Opens the embedded PostgreSQL (PGlite) or a connection pool to a PostgreSQL server. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10 });
    pool.on('error', () => {
      // An idle client lost its connection; the pool replaces it on the next query.
    });
    const db = new Kysely<object>({ dialect: new PostgresDialect({ pool }) });
    return {
      kind: 'postgres',
      db,
      jobConnection: { connectionString: target.url },
      async runScript(script) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query(script);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        } finally {
          client.release();
        }
      },
      async bulk(work, options) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await applyBulkOptions((text) => client.query(text), options);
          const result = await work({
            query: async (text, values) => {
              const answer = await client.query(text, values);
              return { rows: answer.rows, rowCount: answer.rowCount ?? 0 };
            },
            copyBytes: async (table, columns, bytes) => {
              if (bytes.length === 0) return;
              await pipeline(
                Readable.from([bytes]),
                client.query(copyFrom(copyStatement(table, columns, 'STDIN'))),
              );
            },
            copyRows: async (table, columns, rows) => {
              if (rows.length === 0) return;
              await pipeline(
                Readable.from(textChunks(rows)),
                client.query(copyFrom(copyStatement(table, columns, 'STDIN'))),
              );
            },
            copyOut: async (query, options, sink) => {
              await pipeline(client.query(copyTo(copyOutStatement(query, options, 'STDOUT'))), sink, {
                end: false,
              });
            },
          });
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        } finally {
          client.release();
        }
      },
      async dump() {
        throw new Error('dump() is only available on PGlite');
      },
      close: () => db.destroy(),
    };
  }
  // Loaded only here: a process on a PostgreSQL server (an operator's `topfit import`) then never holds
  // PGlite's code, some 50 MB of its memory.
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('kysely-pglite-dialect'),
  ]);
  const releaseLock = target.dataDir ? lockDataDir(target.dataDir) : () => {};
  const pglite = await PGlite.create({
    ...(target.dataDir ? { dataDir: target.dataDir } : {}),
    ...(target.loadFrom ? { loadDataDir: target.loadFrom } : {}),
    parsers: { 20: (value: string) => Number.parseInt(value, 10), 1082: (value: string) => value },
  });
  const db = new Kysely<object>({ dialect: new PGliteDialect(pglite) });
  return {
    kind: 'pglite',
    db,
    jobConnection: {
      // Holding Kysely's connection keeps a job query out of the middle of another request's transaction.
      executeSql: (text, values) =>
        db.connection().execute(async () => {
          if (!values || values.length === 0) return { rows: (await pglite.exec(text)).at(-1)?.rows ?? [] };
          return { rows: (await pglite.query(text, values)).rows };
        }),
    },
    async runScript(script) {
      await pglite.transaction(async (tx) => {
        await tx.exec(script);
      });
    },
    bulk: (work, options) =>
      db.connection().execute(() =>
        pglite.transaction(async (tx) => {
          await applyBulkOptions(
            async (text) => ({ rows: (await tx.query(text)).rows as Record<string, unknown>[] }),
            options,
          );
          return work({
            query: async (text, values) => {
              const answer = await tx.query(text, values);
              return { rows: answer.rows as never[], rowCount: answer.affectedRows ?? 0 };
            },
            copyBytes: async (table, columns, bytes) => {
              if (bytes.length === 0) return;
              // The import's buffers are plain ArrayBuffers, never shared: what Blob takes.
              const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
              await tx.query(copyStatement(table, columns, "'/dev/blob'"), [], { blob });
            },
            copyRows: async (table, columns, rows) => {
              if (rows.length === 0) return;
              await tx.query(copyStatement(table, columns, "'/dev/blob'"), [], {
                blob: new Blob(textChunks(rows)),
              });
            },
            copyOut: async (query, options, sink) => {
              // PGlite writes COPY … TO a device of its own and returns the bytes as a blob.
              const answer = await tx.query(copyOutStatement(query, options, "'/dev/blob'"));
              if (!answer.blob) return;
              const bytes = new Uint8Array(await answer.blob.arrayBuffer());
              if (!sink.write(bytes))
                await new Promise<void>((resolve) => sink.once('drain', () => resolve()));
            },
          });
        }),
      ),
    async dump() {
      const file = await pglite.dumpDataDir('none');
      return file;
    },
    async close() {
      await db.destroy();
      releaseLock();
    },
  };
}

/**
 * The embedded database is one process's: a second process opening the same folder would corrupt it.
 * A lock file with the owner's pid makes the second one stop with a clear message instead.
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, '..', `${path.basename(dataDir)}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
      const owner = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && processIsAlive(owner)) {
        throw new Error(
          `The embedded database in ${dataDir} is in use by process ${owner}. Stop it first, or set DATABASE_URL to use a PostgreSQL server.`,
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

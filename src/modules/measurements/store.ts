import { type Selectable, sql } from 'kysely';
import { type BulkSession, copyField, copyRow, type Database } from '../../platform/db/index.ts';
import { utcOffsetMs } from '../../science/glucose/local-time.ts';
import { CANONICAL_UNIT, CODES, OBSERVATION_CODES, type ObservationCode } from './codes.ts';
import { MAX_INTERVAL_MS } from './importers/json-stream.ts';
import type { ParsedObservation } from './importers/types.ts';
import {
  type CopyChunk,
  encodeObservations,
  OBSERVATION_COLUMNS,
  STAGING_COLUMNS as STAGING_COLUMN_NAMES,
  type StoredPeriod,
  YIELDING_COLUMNS,
} from './load.ts';
import type { ImportRecord } from './model.ts';

type Tables = {
  observations: {
    participant_id: string;
    code: string;
    effective_at: Date;
    source: string;
    effective_end: Date | null;
    utc_offset_minutes: number;
    time_zone: string | null;
    value: number;
    unit: string;
    original_value: string;
    original_unit: string;
    method: ParsedObservation['method'];
    flag: ParsedObservation['flag'];
    import_id: string;
  };
  observation_imports: {
    participant_id: string;
    id: string;
    format: string;
    file_name: string;
    status: 'done' | 'failed';
    rows_read: number;
    imported: number;
    duplicates: number;
    ignored: number;
    rejected: number;
    rejections: { line: number; reason: string }[];
    codes: { code: string; count: number }[];
    first_time: Date | null;
    last_time: Date | null;
    error: string | null;
    created_by: string;
    started_at: Date;
    finished_at: Date;
  };
};

const STAGING_COLUMNS = STAGING_COLUMN_NAMES.join(', ');

const MONTH = /^\d{4}-\d{2}$/;

const toImport = (row: Selectable<Tables['observation_imports']>): ImportRecord => ({
  id: row.id,
  participantId: row.participant_id,
  format: row.format,
  fileName: row.file_name,
  status: row.status,
  rowsRead: row.rows_read,
  imported: row.imported,
  duplicates: row.duplicates,
  ignored: row.ignored,
  rejected: row.rejected,
  rejections: row.rejections,
  codes: row.codes,
  firstTime: row.first_time,
  lastTime: row.last_time,
  error: row.error,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
});

const iso = (epochMs: number) => new Date(epochMs).toISOString();

/** CGM readings as the glucose science takes them: ascending epoch ms, and mmol/L. */
export interface GlucoseReadings {
  times: Float64Array;
  mmol: Float64Array;
}

/** Readings packed by `PACKED_READINGS`, and the first and last of their sources (equal: one device). */
interface PackedReadings {
  readings: Uint8Array | null;
  first_source: string | null;
  last_source: string | null;
}

/**
 * Each reading as 16 bytes, its time (epoch ms) and value as float8send (big-endian): pg's text arrays cost
 * more to parse than the rest of a 90-day report together. Time and value travel in one aggregate so that
 * they stay paired whatever order PostgreSQL aggregates in; the reader sorts them if it must.
 */
const PACKED_READINGS = sql.raw(`
  string_agg(float8send(date_part('epoch', effective_at) * 1000) || float8send(value), ''::bytea) AS readings,
  min(source) AS first_source, max(source) AS last_source`);

function unpackReadings(bytes: Uint8Array | null): GlucoseReadings {
  const n = bytes ? bytes.byteLength / 16 : 0;
  const times = new Float64Array(n);
  const mmol = new Float64Array(n);
  if (!bytes || n === 0) return { times, mmol };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    times[i] = view.getFloat64(i * 16, false);
    mmol[i] = view.getFloat64(i * 16 + 8, false);
    if (i > 0 && (times[i] as number) < (times[i - 1] as number)) sorted = false;
  }
  if (sorted) return { times, mmol };
  const order = Array.from(times.keys()).sort((a, b) => (times[a] as number) - (times[b] as number));
  return {
    times: Float64Array.from(order, (i) => times[i] as number),
    mmol: Float64Array.from(order, (i) => mmol[i] as number),
  };
}

/** One device's observations of one code, written by `seed` as one import. */
export interface SeedStream {
  participantId: string;
  importId: string;
  /** As an import of that file would record it: libreview, dexcom, apple-health … */
  format: string;
  fileName: string;
  importedAt: Date;
  source: string;
  code: ObservationCode;
  method: ParsedObservation['method'];
  timeZone: string;
  /** Epoch ms, ascending. */
  times: ArrayLike<number>;
  /** The ends of intervals (steps), epoch ms. */
  endTimes?: ArrayLike<number>;
  /** In the code's canonical unit. */
  values: ArrayLike<number>;
  /** As the device wrote them, in `originalUnit`. */
  originalValues: readonly string[];
  originalUnit: string;
  /** 1 below the sensor's range, 2 above it. */
  flags?: ArrayLike<number>;
}

/** Every UTC month 'YYYY-MM' from the one of `first` to the one of `last`. */
function monthsBetween(first: number, last: number): string[] {
  const months: string[] = [];
  const at = new Date(first);
  let year = at.getUTCFullYear();
  let month = at.getUTCMonth();
  const end = iso(last).slice(0, 7);
  for (;;) {
    const label = `${year}-${String(month + 1).padStart(2, '0')}`;
    months.push(label);
    if (label >= end) return months;
    month++;
    if (month === 12) {
      month = 0;
      year++;
    }
  }
}

/**
 * The UTC offset in minutes of a zone at a time, asking Intl once per hour of the timeline (zones change their
 * offset only on the hour). Kept per zone for the process: a timeline of years is some tens of thousands of
 * hours.
 */
const offsetsByZone = new Map<string, Map<number, number>>();
function hourlyOffsets(timeZone: string): (time: number) => number {
  let byHour = offsetsByZone.get(timeZone);
  if (!byHour) {
    byHour = new Map();
    offsetsByZone.set(timeZone, byHour);
  }
  const hours = byHour;
  return (time) => {
    const hour = Math.floor(time / 3_600_000);
    let offset = hours.get(hour);
    if (offset === undefined) {
      offset = Math.round(utcOffsetMs(timeZone, hour * 3_600_000) / 60_000);
      hours.set(hour, offset);
    }
    return offset;
  };
}

/**
 * What a load stores: observations, encoded as COPY rows here, or chunks of rows encoded elsewhere (a worker
 * thread that reads the file) from the periods of the participant's stored readings, which route them.
 */
export type LoadInput =
  | AsyncIterable<ParsedObservation>
  | { encoded: (periods: StoredPeriod[]) => AsyncIterable<CopyChunk> };

/** What a load reports: the observations it was given and, of those, the ones that were new. */
export interface LoadResult {
  received: number;
  inserted: number;
  /**
   * Of the readings that give way to another source (`yieldsTo`), per code, those not stored because a reading
   * of that source overlaps them; absent when the load had none that give way.
   */
  yielded?: { code: string; count: number }[];
}

/**
 * The participants whose steps averaged at least `minimumPerDay` over the local days with steps since `since`, as a
 * subquery of distinct `participant_id`s for aggregate queries (research eligibility).
 */
export const stepsParticipants = (minimumPerDay: number, since: Date) => sql<{ participant_id: string }>`
  SELECT participant_id FROM (
    SELECT participant_id, sum(value) AS steps FROM observations
    WHERE code = ${CODES.steps} AND effective_at >= ${since}
    GROUP BY participant_id, ((effective_at + make_interval(mins => utc_offset_minutes::int)) AT TIME ZONE 'UTC')::date
  ) d
  GROUP BY participant_id HAVING avg(steps) >= ${minimumPerDay}`;

/**
 * For research extracts: the observations of one code in a subject's extract window, in time order, as a LATERAL
 * subquery over `subject` (a row with participant_id, period_from, period_to). Without parameters, as COPY … TO
 * needs: the code is one of the platform's own constants, written as a literal. `OFFSET 0` keeps it a subquery
 * run per subject (a range scan of the key in each month), so that rows come out ordered by subject and time and
 * are never sorted all together: the planner would otherwise join the whole table by hash and sort the result.
 */
export const observationsWithin = (code: ObservationCode, subject: string) => sql<{
  effective_at: Date;
  utc_offset_minutes: number;
  value: number;
  flag: string | null;
}>`
  SELECT o.effective_at, o.utc_offset_minutes, o.value, o.flag FROM observations o
  WHERE o.participant_id = ${sql.ref(`${subject}.participant_id`)} AND o.code = ${sql.lit(code)}
    AND o.effective_at >= ${sql.ref(`${subject}.period_from`)} AND o.effective_at < ${sql.ref(`${subject}.period_to`)}
  ORDER BY o.effective_at OFFSET 0`;

/**
 * For research schedules: the local days (by each reading's own UTC offset) in a task's window with readings of
 * one code in at least `slots` of the day's 96 quarter hours, as a LATERAL subquery over `task` (a row with
 * participant_id, opens_at and closes_at).
 */
export const dataDaysWithin = (code: ObservationCode, slots: number, task: string) => sql<{ days: number }>`
  SELECT count(*)::int AS days FROM (
    SELECT 1 FROM observations o
    WHERE o.participant_id = ${sql.ref(`${task}.participant_id`)} AND o.code = ${code}
      AND o.effective_at >= ${sql.ref(`${task}.opens_at`)} AND o.effective_at < ${sql.ref(`${task}.closes_at`)}
    GROUP BY ((o.effective_at + make_interval(mins => o.utc_offset_minutes::int)) AT TIME ZONE 'UTC')::date
    HAVING count(DISTINCT floor(extract(epoch FROM o.effective_at) / 900)) >= ${slots}) d`;

/**
 * For research extracts: steps per local day (the day where they were counted, by each record's own UTC offset)
 * in a subject's extract window, as a LATERAL subquery over `subject`, like `observationsWithin`.
 */
export const dailyStepsWithin = (subject: string) => sql<{ day: string; steps: number }>`
  SELECT ((o.effective_at + make_interval(mins => o.utc_offset_minutes::int)) AT TIME ZONE 'UTC')::date AS day,
         sum(o.value) AS steps
  FROM observations o
  WHERE o.participant_id = ${sql.ref(`${subject}.participant_id`)} AND o.code = ${sql.lit(CODES.steps)}
    AND o.effective_at >= ${sql.ref(`${subject}.period_from`)} AND o.effective_at < ${sql.ref(`${subject}.period_to`)}
  GROUP BY 1`;
/** The columns of the load's temporary tables, as `observations` types them. */
const STAGING_TABLE_COLUMNS = `code text, effective_at timestamptz, source text, effective_end timestamptz,
  utc_offset_minutes smallint, time_zone text, value float8, unit text, original_value text, original_unit text,
  method text, flag text`;

/** A reading's interval, where an instant covers its own millisecond. */
const ENDS = "greatest(coalesce(effective_end, effective_at), effective_at + interval '1 millisecond')";

/** The streams of readings that give way: a code and the source prefix given way to, and their time span. */
const YIELDING_STREAMS = `
  SELECT code, yields_to, min(effective_at) AS first, max(${ENDS}) AS last
  FROM observation_yielding GROUP BY code, yields_to`;

/**
 * Inserts the readings of one stream of `observation_yielding` ($3 code, $4 prefix) that no reading of the code
 * from a source with the prefix overlaps, stored before or in this load, in the file's order, skipping keys
 * stored ($1 participant, $2 import); answers how many gave way and how many were inserted. Reading [a, b)
 * meets [c, d) when c < b and d > a, so one sweep decides: in the order of c (and of b for the readings that
 * give way, placed before an equal c), the greatest d seen before a reading that gives way is beyond its a
 * exactly when one overlaps it. The readings looked at start in [$5, $6): $5 is the longest interval an
 * importer accepts before the stream's first. The span is given as values rather than joined, so that the
 * plan reads only the stream's months through the key (a join read every reading of the participant).
 */
const INSERT_YIELDING = `
  WITH sweep AS (
    SELECT n, coalesce(max(reach) OVER (ORDER BY at, n IS NULL ROWS UNBOUNDED PRECEDING) > starts, false) AS overlapped
    FROM (
      SELECT effective_at AS at, ${ENDS} AS reach, NULL::bigint AS n, NULL::timestamptz AS starts
      FROM observations
      WHERE participant_id = $1 AND code = $3 AND effective_at >= $5 AND effective_at < $6 AND starts_with(source, $4)
      UNION ALL
      SELECT ${ENDS}, NULL, n, effective_at FROM observation_yielding WHERE code = $3 AND yields_to = $4
    ) events
  ), kept AS (
    INSERT INTO observations (participant_id, import_id, ${STAGING_COLUMNS})
    SELECT $1::uuid, $2::uuid, ${STAGING_COLUMN_NAMES.map((name) => `y.${name}`).join(', ')}
    FROM observation_yielding y JOIN sweep USING (n) WHERE NOT sweep.overlapped ORDER BY y.n
    ON CONFLICT DO NOTHING
    RETURNING 1
  )
  SELECT count(*) FILTER (WHERE overlapped)::int AS yielded, (SELECT count(*) FROM kept)::int AS inserted
  FROM sweep WHERE n IS NOT NULL`;

export function createMeasurementStore(database: Database) {
  const db = database.db.withTables<Tables>();

  /** Readings of several devices in [from, to): each (UTC) day's from the device with most readings that day. */
  async function deviceDays(participantId: string, from: Date, to: Date): Promise<GlucoseReadings> {
    const { rows } = await sql<PackedReadings>`
      WITH readings AS (
        SELECT effective_at, value, source, date_trunc('day', effective_at AT TIME ZONE 'UTC') AS day
        FROM observations
        WHERE participant_id = ${participantId} AND code = ${CODES.cgmGlucose} AND method = 'continuous'
          AND effective_at >= ${from} AND effective_at < ${to}
      ), chosen AS (
        SELECT DISTINCT ON (day) day, source FROM readings GROUP BY day, source ORDER BY day, count(*) DESC, source
      )
      SELECT ${PACKED_READINGS} FROM readings JOIN chosen USING (day, source)`.execute(db);
    return unpackReadings(rows[0]?.readings ?? null);
  }

  /** Months known to have a partition, so that most loads ask the catalogue nothing. */
  const attachedMonths = new Set<string>();

  /**
   * Attaches a partition for every month not attached yet. A new month is created as a plain table and then
   * attached: ATTACH takes a lighter lock on the parent than CREATE … PARTITION OF, so readers and other
   * imports carry on. The advisory lock keeps two importers from attaching the same month.
   */
  async function attachMonths(
    run: (text: string, values?: unknown[]) => Promise<unknown[]>,
    months: string[],
  ) {
    const wanted = months.filter((month) => !attachedMonths.has(month));
    if (wanted.length === 0) return;
    await run(`SELECT pg_advisory_xact_lock(hashtext('observations_partitions'))`);
    const existing = new Set(
      (
        (await run(
          `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = 'observations'::regclass`,
        )) as { name: string }[]
      ).map((row) => row.name),
    );
    for (const month of wanted) {
      if (!MONTH.test(month)) throw new Error(`Not a month: ${month}`);
      const name = `observations_${month.replace('-', '_')}`;
      if (!existing.has(name)) {
        const [year, monthOfYear] = month.split('-').map(Number) as [number, number];
        const next =
          monthOfYear === 12 ? `${year + 1}-01` : `${year}-${String(monthOfYear + 1).padStart(2, '0')}`;
        await run(
          `CREATE TABLE IF NOT EXISTS ${name} (LIKE observations INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
        );
        await run(
          `ALTER TABLE observations ATTACH PARTITION ${name} FOR VALUES FROM ('${month}-01 00:00:00+00') TO ('${next}-01 00:00:00+00')`,
        );
      }
      attachedMonths.add(month);
    }
  }

  /** Months are attached in a transaction of their own on a server; PGlite has one connection, so in the session. */
  async function attachMonthsFor(session: BulkSession, months: string[]) {
    // Every chunk of a load asks: most ask about months attached already, and need no transaction for that.
    if (months.every((month) => attachedMonths.has(month))) return;
    if (database.kind === 'pglite') {
      await attachMonths(async (text, values) => (await session.query(text, values)).rows, months);
      return;
    }
    await database.db.transaction().execute(async (trx) => {
      await attachMonths(async (text) => (await sql.raw(text).execute(trx)).rows, months);
    });
  }

  /** Attaches the months of the readings in one of a load's temporary tables. */
  async function attachMonthsIn(session: BulkSession, table: string) {
    const months = await session.query<{ month: string }>(
      `SELECT DISTINCT to_char(effective_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month FROM ${table}`,
    );
    await attachMonthsFor(
      session,
      months.rows.map((row) => row.month),
    );
  }

  return {
    /**
     * Loads observations for one participant in one transaction. Readings that cannot collide with a stored
     * one or with another of the file ({@link DirectRoute}) are copied straight into the table; the others are
     * staged and inserted with ON CONFLICT DO NOTHING at the end, so a reading already stored (or twice in the
     * file) is skipped. The months they fall in are attached before they are written. `finish` runs in the
     * same transaction with the counts, to store the import's summary; if anything throws, nothing is stored.
     * Encoded input ({@link LoadInput}) is told the stored periods and routes its readings itself, the same way.
     */
    async load(
      participantId: string,
      importId: string,
      input: LoadInput,
      finish: (result: LoadResult, session: BulkSession) => Promise<void>,
    ): Promise<LoadResult> {
      return database.bulk(async (session) => {
        // One load per participant at a time: the stored periods read here stay true until this one commits.
        await session.query(`SELECT pg_advisory_xact_lock(hashtext('observations_load'), hashtext($1))`, [
          participantId,
        ]);
        const periods = await session.query<{ code: string; first: Date; last: Date }>(
          `SELECT c.code, p.first, p.last FROM unnest($2::text[]) AS c(code)
           CROSS JOIN LATERAL (
             SELECT min(effective_at) AS first, max(effective_at) AS last FROM observations
             WHERE participant_id = $1 AND code = c.code
           ) p
           WHERE p.first IS NOT NULL`,
          [participantId, OBSERVATION_CODES],
        );
        const stored: StoredPeriod[] = periods.rows.map((row) => ({
          code: row.code,
          first: row.first.getTime(),
          last: row.last.getTime(),
        }));
        const chunks =
          'encoded' in input
            ? input.encoded(stored)
            : encodeObservations(input, participantId, importId, stored);
        let stagingCreated = false;
        let yieldingCreated = false;
        const copyChunk = async ({ table, bytes, months }: CopyChunk) => {
          if (table === 'observations') {
            await attachMonthsFor(session, months);
            await session.copyBytes('observations', OBSERVATION_COLUMNS, bytes);
          } else if (table === 'observation_staging') {
            if (!stagingCreated) {
              await session.query(
                `CREATE TEMP TABLE observation_staging (${STAGING_TABLE_COLUMNS}) ON COMMIT DROP`,
              );
              stagingCreated = true;
            }
            await session.copyBytes('observation_staging', STAGING_COLUMN_NAMES, bytes);
          } else {
            // Readings that give way to another source wait in a table of their own, in the file's order (n),
            // until every reading they might give way to is stored: memory stays the same whatever the file's size.
            if (!yieldingCreated) {
              await session.query(
                `CREATE TEMP TABLE observation_yielding (
                   n bigint GENERATED ALWAYS AS IDENTITY, ${STAGING_TABLE_COLUMNS}, yields_to text
                 ) ON COMMIT DROP`,
              );
              yieldingCreated = true;
            }
            await session.copyBytes('observation_yielding', YIELDING_COLUMNS, bytes);
          }
        };
        const rows: Record<CopyChunk['table'], number> = {
          observations: 0,
          observation_staging: 0,
          observation_yielding: 0,
        };
        // The chunk being copied while the next one is made; awaited before the next is sent.
        let copying: Promise<void> = Promise.resolve();
        try {
          for await (const chunk of chunks) {
            await copying;
            rows[chunk.table] += chunk.rows;
            // Released only once copied: a COPY that failed may still be sending the bytes.
            copying = copyChunk(chunk).then(() => chunk.release?.());
            copying.catch(() => {
              // Thrown where it is awaited: at the next chunk or at the end.
            });
          }
          await copying;
        } catch (error) {
          // The connection finishes the chunk in flight before the transaction is rolled back.
          await copying.catch(() => undefined);
          throw error;
        }
        const copied = rows.observations;
        const staged = rows.observation_staging;
        let inserted = copied;
        /** Inserts a temporary table's rows, skipping those whose key is stored. */
        const insertFrom = async (table: string) => {
          await attachMonthsIn(session, table);
          const answer = await session.query(
            `INSERT INTO observations (participant_id, import_id, ${STAGING_COLUMNS})
             SELECT $1::uuid, $2::uuid, ${STAGING_COLUMNS} FROM ${table}
             ON CONFLICT DO NOTHING`,
            [participantId, importId],
          );
          inserted += answer.rowCount;
        };
        if (staged > 0) await insertFrom('observation_staging');
        // Last: the readings given way to are all stored by now.
        let yielded: LoadResult['yielded'];
        if (rows.observation_yielding > 0) {
          await attachMonthsIn(session, 'observation_yielding');
          yielded = [];
          const streams = await session.query<{ code: string; yields_to: string; first: Date; last: Date }>(
            YIELDING_STREAMS,
          );
          for (const stream of streams.rows) {
            const answer = await session.query<{ yielded: number; inserted: number }>(INSERT_YIELDING, [
              participantId,
              importId,
              stream.code,
              stream.yields_to,
              new Date(stream.first.getTime() - MAX_INTERVAL_MS),
              stream.last,
            ]);
            const counts = answer.rows[0] ?? { yielded: 0, inserted: 0 };
            yielded.push({ code: stream.code, count: counts.yielded });
            inserted += counts.inserted;
          }
        }
        const result: LoadResult = {
          received: copied + staged + rows.observation_yielding,
          inserted,
          ...(yielded ? { yielded } : {}),
        };
        await finish(result, session);
        return result;
      });
    },

    /**
     * Synthetic populations (src/demo): writes already-valid observations with COPY straight into the table,
     * one import record per stream, inside the caller's transaction. No staging and no ON CONFLICT: the
     * demo writes each participant once, in a transaction that stores a whole chunk or nothing.
     */
    async seed(session: BulkSession, streams: readonly SeedStream[]) {
      const months = new Set<string>();
      const rows: string[] = [];
      for (const stream of streams) {
        const n = stream.times.length;
        if (n === 0) continue;
        for (const month of monthsBetween(stream.times[0] as number, stream.times[n - 1] as number)) {
          months.add(month);
        }
        const offsetOf = hourlyOffsets(stream.timeZone);
        // The fields that are the same on every row of the stream, escaped once.
        const head = `${copyRow([stream.participantId, stream.code])}\t`;
        const middle = `\t${copyRow([stream.source])}\t`;
        const zone = `\t${copyRow([stream.timeZone])}\t`;
        const unit = `\t${copyRow([CANONICAL_UNIT[stream.code]])}\t`;
        const tail = `\t${copyRow([stream.originalUnit, stream.method])}\t`;
        const importId = `\t${copyRow([stream.importId])}`;
        for (let i = 0; i < n; i++) {
          const time = stream.times[i] as number;
          const end = stream.endTimes?.[i];
          const flag = stream.flags?.[i];
          rows.push(
            head +
              iso(time) +
              middle +
              (end === undefined ? '\\N' : iso(end)) +
              '\t' +
              offsetOf(time) +
              zone +
              (stream.values[i] as number) +
              unit +
              copyField(stream.originalValues[i] as string) +
              tail +
              (flag === 1 ? 'below_range' : flag === 2 ? 'above_range' : '\\N') +
              importId,
          );
        }
      }
      await attachMonthsFor(session, [...months].sort());
      await session.copyRows('observations', OBSERVATION_COLUMNS, rows);
      for (const stream of streams) {
        const n = stream.times.length;
        await this.recordImport(
          session,
          {
            id: stream.importId,
            participantId: stream.participantId,
            format: stream.format,
            fileName: stream.fileName,
            status: 'done',
            rowsRead: n,
            imported: n,
            duplicates: 0,
            ignored: 0,
            rejected: 0,
            rejections: [],
            codes: [{ code: stream.code, count: n }],
            firstTime: n > 0 ? new Date(stream.times[0] as number) : null,
            lastTime: n > 0 ? new Date(stream.times[n - 1] as number) : null,
            error: null,
            startedAt: stream.importedAt,
            finishedAt: stream.importedAt,
          },
          stream.participantId,
        );
      }
    },

    /** Stores an import's summary inside a load's transaction. */
    async recordImport(session: BulkSession, record: ImportRecord, createdBy: string) {
      await session.query(
        `INSERT INTO observation_imports (participant_id, id, format, file_name, status, rows_read, imported, duplicates,
           ignored, rejected, rejections, codes, first_time, last_time, error, created_by, started_at, finished_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
        [
          record.participantId,
          record.id,
          record.format,
          record.fileName,
          record.status,
          record.rowsRead,
          record.imported,
          record.duplicates,
          record.ignored,
          record.rejected,
          JSON.stringify(record.rejections),
          JSON.stringify(record.codes),
          record.firstTime,
          record.lastTime,
          record.error,
          createdBy,
          record.startedAt,
          record.finishedAt,
        ],
      );
    },

    /** Stores a failed import's attempt (no observations: its transaction was rolled back). */
    async recordFailedImport(record: ImportRecord, createdBy: string) {
      await database.bulk((session) => this.recordImport(session, record, createdBy));
    },

    async imports(participantId: string, limit = 50): Promise<ImportRecord[]> {
      const rows = await db
        .selectFrom('observation_imports')
        .selectAll()
        .where('participant_id', '=', participantId)
        .orderBy('started_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toImport);
    },

    async importById(participantId: string, id: string): Promise<ImportRecord | undefined> {
      const row = await db
        .selectFrom('observation_imports')
        .selectAll()
        .where('participant_id', '=', participantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toImport(row) : undefined;
    },

    /**
     * For each participant, the latest continuous CGM reading and the readings of the `days` days up to it
     * (sorted, as typed arrays of epoch ms and mmol/L), in one statement for all. Where two devices overlap on
     * a day (a Libre export and the same readings mirrored by Nightscout), the day's readings come from the
     * device with the most readings that day, so no reading is counted twice. Participants without readings
     * are absent from the answer.
     */
    async recentGlucose(
      participantIds: string[],
      days: number,
    ): Promise<Map<string, GlucoseReadings & { latest: Date }>> {
      const { rows } = await sql<PackedReadings & { participant_id: string; latest: Date }>`
        SELECT w.participant_id, l.latest, g.*
        FROM unnest(${participantIds}::uuid[]) AS w(participant_id)
        CROSS JOIN LATERAL (
          SELECT max(effective_at) AS latest FROM observations
          WHERE participant_id = w.participant_id AND code = ${CODES.cgmGlucose} AND method = 'continuous'
        ) l
        CROSS JOIN LATERAL (
          SELECT ${PACKED_READINGS} FROM observations r
          WHERE r.participant_id = w.participant_id AND r.code = ${CODES.cgmGlucose} AND r.method = 'continuous'
            AND r.effective_at > l.latest - make_interval(days => ${days}) AND r.effective_at <= l.latest
        ) g
        WHERE l.latest IS NOT NULL`.execute(db);
      const answer = new Map<string, GlucoseReadings & { latest: Date }>();
      for (const row of rows) {
        const from = new Date(row.latest.getTime() - days * 86_400_000 + 1);
        const readings =
          row.first_source === row.last_source
            ? unpackReadings(row.readings)
            : await deviceDays(row.participant_id, from, new Date(row.latest.getTime() + 1));
        answer.set(row.participant_id, { latest: row.latest, ...readings });
      }
      return answer;
    },

    /** The time of the latest observation from any source whose name starts with `prefix` (e.g. 'nightscout'). */
    async latestTimeFromSources(participantId: string, prefix: string): Promise<Date | null> {
      const row = await db
        .selectFrom('observations')
        .select((eb) => eb.fn.max('effective_at').as('latest'))
        .where('participant_id', '=', participantId)
        .where('source', 'like', `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
        .executeTakeFirst();
      return row?.latest ?? null;
    },

    /** Per local date in the zone: the sum (steps) or the day's last value (weight, waist) in [from, to). */
    async daily(
      participantId: string,
      code: ObservationCode,
      from: Date,
      to: Date,
      timeZone: string,
      sum: boolean,
    ) {
      const { rows } = sum
        ? await sql<{ date: string; value: number }>`
            SELECT to_char(effective_at AT TIME ZONE ${timeZone}, 'YYYY-MM-DD') AS date, sum(value)::float8 AS value
            FROM observations
            WHERE participant_id = ${participantId} AND code = ${code} AND effective_at >= ${from} AND effective_at < ${to}
            GROUP BY 1 ORDER BY 1`.execute(db)
        : await sql<{ date: string; value: number }>`
            SELECT DISTINCT ON (1) to_char(effective_at AT TIME ZONE ${timeZone}, 'YYYY-MM-DD') AS date, value
            FROM observations
            WHERE participant_id = ${participantId} AND code = ${code} AND effective_at >= ${from} AND effective_at < ${to}
            ORDER BY 1, effective_at DESC`.execute(db);
      return rows;
    },

    /** Observations of a participant for their data export, oldest first. */
    async observationsOf(participantId: string) {
      return db
        .selectFrom('observations')
        .select([
          'code',
          'effective_at',
          'effective_end',
          'utc_offset_minutes',
          'time_zone',
          'value',
          'unit',
          'original_value',
          'original_unit',
          'source',
          'method',
          'flag',
          'import_id',
        ])
        .where('participant_id', '=', participantId)
        .orderBy('effective_at')
        .orderBy('code')
        .execute();
    },

    async erase(participantId: string) {
      const observations = await db
        .deleteFrom('observations')
        .where('participant_id', '=', participantId)
        .executeTakeFirst();
      const imports = await db
        .deleteFrom('observation_imports')
        .where('participant_id', '=', participantId)
        .executeTakeFirst();
      return [
        { table: 'observations', removed: Number(observations.numDeletedRows) },
        { table: 'observation_imports', removed: Number(imports.numDeletedRows) },
      ];
    },
  };
}

export type MeasurementStore = ReturnType<typeof createMeasurementStore>;

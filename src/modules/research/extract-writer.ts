import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { copyRow, type Database } from '../../platform/db/index.ts';
import { codebookCsv, codesCsv, type ExtractFile, rScript, spssSyntax } from './codebook.ts';
import { chosenVariables, DATASETS, datasetQuery, fhirQuery } from './datasets.ts';
import type { DatasetRequest, ExtractFormat, Manifest, ManifestFile } from './model.ts';
import { parquetWriting } from './parquet.ts';

/** One participant in an extract: who (never written), their pseudonym, and their window of data. */
export interface ExtractSubject {
  participantId: string;
  pseudonym: string;
  status: string;
  /** The date the study's consent was signed (YYYY-MM-DD). */
  enrolledOn: string | null;
}

export interface ExtractPlan {
  extractId: string;
  studyId: string;
  requestId: string;
  title: string;
  datasets: DatasetRequest[];
  formats: readonly ExtractFormat[];
  /** The window of time-bound data sets, as instants: [from, to). */
  window: { from: Date; to: Date };
  period: { from: string; to: string };
  conditions: string | null;
  pseudonymKeyVersion: number;
  subjects: ExtractSubject[];
  createdAt: Date;
}

const SUBJECT_COLUMNS = ['participant_id', 'pseudonym', 'status', 'enrolled_on', 'period_from', 'period_to'];

/** Counts, hashes and passes on the bytes written to a file. */
function measuring() {
  const hash = createHash('sha256');
  let bytes = 0;
  let lines = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      done(null, chunk);
    },
  });
  return { stream, result: () => ({ bytes, lines, sha256: hash.digest('hex') }) };
}

/** Writes what `copy` sends to its sink into a file, counting and hashing it on the way. */
async function copyToFile(dir: string, name: string, copy: (sink: Transform) => Promise<void>) {
  const measure = measuring();
  const writing = pipeline(measure.stream, createWriteStream(path.join(dir, name)));
  try {
    await copy(measure.stream);
  } finally {
    measure.stream.end();
  }
  await writing;
  return { name, ...measure.result() };
}

async function writeText(dir: string, name: string, text: string): Promise<ManifestFile> {
  const bytes = Buffer.from(text, 'utf8');
  await writeFile(path.join(dir, name), bytes);
  return { name, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * Writes an extract into `dir`: one CSV per data set (PostgreSQL writes the CSV: `COPY (query) TO STDOUT`,
 * streamed to the file, hashed on the way) and/or one Parquet file per data set (the same query's `COPY` in text
 * format, parsed into columns and written a row group at a time), all read in one repeatable-read transaction so
 * the files agree with each other; then the codebook, the SPSS and R scripts and the manifest. The files are written into a folder
 * beside `dir` and moved into place at the end, so `dir` holds a whole extract or nothing.
 */
export async function writeExtract(
  database: Database,
  dir: string,
  plan: ExtractPlan,
  onDataset: (done: number) => Promise<void>,
): Promise<Manifest> {
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    // The codebook names the CSV files, or the Parquet files where they are the only tables.
    const tables = plan.formats.includes('csv') || !plan.formats.includes('parquet') ? 'csv' : 'parquet';
    const files: ExtractFile[] = plan.datasets.map((request) => {
      const dataset = DATASETS[request.dataset];
      return {
        key: dataset.key,
        label: dataset.label,
        rowIs: dataset.rowIs,
        file: `${dataset.key}.${tables}`,
        variables: chosenVariables(dataset, request.variables).map(
          ({ expr: _expr, ...variable }) => variable,
        ),
      };
    });
    const written: ManifestFile[] = [];
    // PGlite has one connection, and the transaction below holds it: progress is reported when it ends.
    const liveProgress = database.kind === 'postgres';
    let done = 0;
    await database.bulk(async (session) => {
      await session.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      // Times are written as PostgreSQL's ISO text of the UTC timestamp (datasets.ts), whatever the server's default.
      await session.query(`SET LOCAL DateStyle = 'ISO, YMD'`);
      await session.query(
        `CREATE TEMP TABLE extract_subjects (
           participant_id uuid PRIMARY KEY, pseudonym text NOT NULL UNIQUE, status text NOT NULL, enrolled_on date,
           period_from timestamptz NOT NULL, period_to timestamptz NOT NULL
         ) ON COMMIT DROP`,
      );
      const from = plan.window.from.toISOString();
      const to = plan.window.to.toISOString();
      await session.copyRows(
        'extract_subjects',
        SUBJECT_COLUMNS,
        plan.subjects.map((s) => copyRow([s.participantId, s.pseudonym, s.status, s.enrolledOn, from, to])),
      );
      await session.query('ANALYZE extract_subjects');
      const report = async () => {
        done++;
        if (liveProgress) await onDataset(done);
      };
      if (plan.formats.includes('csv')) {
        for (const request of plan.datasets) {
          const dataset = DATASETS[request.dataset];
          const query = datasetQuery(dataset, chosenVariables(dataset, request.variables));
          const file = await copyToFile(partial, `${dataset.key}.csv`, (sink) =>
            session.copyOut(query.compile(database.db), 'FORMAT csv, HEADER true', sink),
          );
          const { lines, ...listed } = file;
          written.push({ ...listed, rows: Math.max(0, lines - 1) });
          await report();
        }
      }
      if (plan.formats.includes('parquet')) {
        for (const request of plan.datasets) {
          const dataset = DATASETS[request.dataset];
          const variables = chosenVariables(dataset, request.variables);
          const name = `${dataset.key}.parquet`;
          const parquet = parquetWriting(path.join(partial, name), variables, {
            studyId: plan.studyId,
            extractId: plan.extractId,
            requestId: plan.requestId,
            dataset: dataset.key,
            label: dataset.label,
            rowIs: dataset.rowIs,
            pseudonymKeyVersion: plan.pseudonymKeyVersion,
            period: plan.period,
          });
          try {
            // Text, not CSV: a null is `\N`, apart from an empty string, and a row is one line.
            const query = datasetQuery(dataset, variables).compile(database.db);
            await session.copyOut(query, 'FORMAT text', parquet.sink);
          } catch (error) {
            parquet.abort();
            throw error;
          }
          written.push({ name, ...(await parquet.done()) });
          await report();
        }
      }
      if (plan.formats.includes('fhir')) {
        // One file per resource type, as FHIR Bulk Data writes them; the data sets of a type follow each other.
        const byType = new Map<string, DatasetRequest[]>();
        for (const request of plan.datasets) {
          const type = DATASETS[request.dataset].fhir?.resourceType;
          if (type) byType.set(type, [...(byType.get(type) ?? []), request]);
        }
        for (const [type, requests] of byType) {
          // COPY's text format writes the JSON as it is: it holds no backslash, tab or line break to escape
          // (pseudonyms, codes, times and numbers only; the tests parse every line).
          const file = await copyToFile(partial, `${type}.ndjson`, async (sink) => {
            for (const request of requests) {
              const dataset = DATASETS[request.dataset];
              await session.copyOut(
                fhirQuery(dataset, request.variables).compile(database.db),
                'FORMAT text',
                sink,
              );
              await report();
            }
          });
          const { lines, ...listed } = file;
          written.push({ ...listed, rows: lines });
        }
      }
    });
    if (!liveProgress) await onDataset(done);
    const scripts = plan.formats.includes('csv')
      ? [
          await writeText(partial, 'load-en.sps', spssSyntax(files, 'en', plan.title)),
          await writeText(partial, 'load-nl.sps', spssSyntax(files, 'nl', plan.title)),
          await writeText(partial, 'load.R', rScript(files, plan.title)),
        ]
      : [];
    written.push(
      await writeText(partial, 'codebook.csv', codebookCsv(files)),
      await writeText(partial, 'codes.csv', codesCsv(files)),
      ...scripts,
    );
    const manifest: Manifest = {
      extractId: plan.extractId,
      studyId: plan.studyId,
      requestId: plan.requestId,
      createdAt: plan.createdAt.toISOString(),
      pseudonymKeyVersion: plan.pseudonymKeyVersion,
      participants: plan.subjects.length,
      period: plan.period,
      conditions: plan.conditions,
      files: written,
    };
    await writeFile(path.join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
    return manifest;
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}

import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { CODES } from './codes.ts';
import { appleHealthImporter } from './importers/apple-health.ts';
import { fileSource } from './importers/file-source.ts';
import { sourceOf } from './importers/test-support.ts';
import { ImportFileError, type ImportSource } from './importers/types.ts';
import { type CopyChunk, encodeObservations, type StoredPeriod } from './load.ts';
import { createImportTally, tallied } from './model.ts';
import { CHUNKS_AHEAD, parseInWorker, runningParseWorkers } from './parse-worker.ts';
import { createMeasurementStore } from './store.ts';

const PARTICIPANT = '00000000-0000-4000-8000-000000000001';
const IMPORT = '00000000-0000-4000-8000-000000000002';
const OPTIONS = { timeZone: 'Europe/Amsterdam' };

const pad = (n: number) => String(n).padStart(2, '0');
const stamp = (ms: number) => {
  const d = new Date(ms + 3_600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00 +0100`;
};
const WATCH = 'device="&lt;&lt;HKDevice: 0x1&gt;, name:Apple Watch, model:Watch&gt;"';
const PHONE = 'device="&lt;&lt;HKDevice: 0x2&gt;, name:iPhone, model:iPhone&gt;"';
const START = Date.UTC(2025, 0, 1);

/**
 * An export of `slots` five-minute slots from 2025 on (heart rate, CGM glucose, and steps of the Watch and the
 * iPhone every quarter hour, one record a line after three lines of head), then `tail` before its end.
 */
function healthExport(slots: number, tail = ''): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<HealthData locale="nl_NL">',
    ' <ExportDate value="2026-03-10 20:00:00 +0100"/>',
  ];
  for (let slot = 0; slot < slots; slot++) {
    const t = START + slot * 300_000;
    const at = stamp(t);
    lines.push(
      ` <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Apple Watch van Jan" ${WATCH} unit="count/min" startDate="${at}" endDate="${at}" value="${60 + (slot % 40)}"/>`,
      ` <Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="FreeStyle LibreLink" unit="mg/dL" startDate="${at}" endDate="${at}" value="${80 + (slot % 60)}"/>`,
    );
    if (slot % 3 === 0) {
      const end = stamp(t + 900_000);
      lines.push(
        ` <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Apple Watch van Jan" ${WATCH} unit="count" startDate="${at}" endDate="${end}" value="${slot % 500}"/>`,
        ` <Record type="HKQuantityTypeIdentifierStepCount" sourceName="iPhone van Jan" ${PHONE} unit="count" startDate="${at}" endDate="${end}" value="${slot % 450}"/>`,
      );
    }
  }
  return `${lines.join('\n')}\n${tail}</HealthData>\n`;
}

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'topfit-parse-worker-'));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

async function onDisk(content: string, name = 'export.xml'): Promise<ImportSource> {
  const file = path.join(folder, `${randomUUID()}-${name}`);
  await writeFile(file, content);
  return fileSource(file, Buffer.byteLength(content), name);
}

/** The rows of each table, the chunks in order, as text. */
function byTable(chunks: CopyChunk[]): Record<string, string> {
  const tables: Record<string, string> = {};
  for (const chunk of chunks) {
    tables[chunk.table] = (tables[chunk.table] ?? '') + Buffer.from(chunk.bytes).toString('utf8');
  }
  return tables;
}

/** Every chunk, each released once read (as the store does once it is copied). */
async function drain(chunks: AsyncIterable<CopyChunk>): Promise<CopyChunk[]> {
  const all: CopyChunk[] = [];
  for await (const chunk of chunks) {
    all.push({ ...chunk, bytes: Buffer.from(chunk.bytes) });
    chunk.release?.();
  }
  return all;
}

describe('an importer in a worker thread', () => {
  // Heart rate stored before over part of the file: those readings take the careful way (staging).
  const periods: StoredPeriod[] = [
    { code: CODES.heartRate, first: START + 1000 * 300_000, last: START + 2000 * 300_000 },
  ];

  it('makes the rows and counts it would make in this thread, from a file on disk or from bytes sent', async () => {
    const content = healthExport(12_000);
    const here = createImportTally();
    const expected = await drain(
      encodeObservations(
        tallied(here, appleHealthImporter.parse(sourceOf(content), OPTIONS)),
        PARTICIPANT,
        IMPORT,
        periods,
      ),
    );
    expect(new Set(expected.map((chunk) => chunk.table))).toEqual(
      new Set(['observations', 'observation_staging', 'observation_yielding']),
    );
    expect(expected.length).toBeGreaterThan(3);

    for (const source of [await onDisk(content), sourceOf(content)]) {
      const tally = createImportTally();
      const progress: number[] = [];
      const chunks = await drain(
        parseInWorker({
          format: 'apple-health',
          source,
          options: { ...OPTIONS, onProgress: (bytes) => progress.push(bytes) },
          participantId: PARTICIPANT,
          importId: IMPORT,
          periods,
          tally,
        }),
      );
      expect(byTable(chunks)).toEqual(byTable(expected));
      expect(
        chunks.filter((chunk) => chunk.table === 'observations').flatMap((chunk) => chunk.months),
      ).toEqual(expected.filter((chunk) => chunk.table === 'observations').flatMap((chunk) => chunk.months));
      expect(tally.counts()).toEqual(here.counts());
      expect(progress.at(-1)).toBe(Buffer.byteLength(content));
    }
    expect(runningParseWorkers()).toBe(0);
  }, 60_000);

  it('reports an error deep in the file with its line, and ends the thread', async () => {
    // 12,000 slots take 3 + 12,000 × 2 + 4,000 × 2 lines; the broken tag is on the next one.
    const source = await onDisk(healthExport(12_000, ' <Record type="x" value="1">\n </Oops>\n'));
    const tally = createImportTally();
    const chunks: CopyChunk[] = [];
    const error = await (async () => {
      try {
        for await (const chunk of parseInWorker({
          format: 'apple-health',
          source,
          options: OPTIONS,
          participantId: PARTICIPANT,
          importId: IMPORT,
          periods: [],
          tally,
        })) {
          chunks.push(chunk);
          chunk.release?.();
        }
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(ImportFileError);
    expect(error).toMatchObject({ code: 'invalid_xml', line: 3 + 32_000 + 2 });
    // Rows of the file before the break were made and sent; the store rolls them back.
    expect(chunks.length).toBeGreaterThan(1);
    expect(tally.rowsRead).toBeGreaterThan(30_000);
    expect(runningParseWorkers()).toBe(0);
  }, 60_000);

  it('ends the thread and closes the file on disk when the caller stops early', async () => {
    const source = await onDisk(healthExport(40_000));
    // Linux lists a process's open files; elsewhere the count is not checked.
    const openFiles = () => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0);
    const before = openFiles();
    for await (const chunk of parseInWorker({
      format: 'apple-health',
      source,
      options: OPTIONS,
      participantId: PARTICIPANT,
      importId: IMPORT,
      periods: [],
      tally: createImportTally(),
    })) {
      expect(openFiles()).toBeGreaterThan(before === 0 ? -1 : before);
      expect(chunk.rows).toBeGreaterThan(0);
      break;
    }
    expect(runningParseWorkers()).toBe(0);
    expect(openFiles()).toBe(before);
  }, 60_000);

  it('ends the thread and closes the source when the caller stops early', async () => {
    let closed = false;
    const content = Buffer.from(healthExport(40_000));
    const source: ImportSource = {
      name: 'export.xml',
      size: content.length,
      async *open() {
        try {
          for (let offset = 0; offset < content.length; offset += 65_536) {
            yield content.subarray(offset, offset + 65_536);
          }
        } finally {
          closed = true;
        }
      },
    };
    for await (const chunk of parseInWorker({
      format: 'apple-health',
      source,
      options: OPTIONS,
      participantId: PARTICIPANT,
      importId: IMPORT,
      periods: [],
      tally: createImportTally(),
    })) {
      expect(chunk.rows).toBeGreaterThan(0);
      break;
    }
    expect(runningParseWorkers()).toBe(0);
    await vi.waitFor(() => expect(closed).toBe(true));
  }, 60_000);

  it('reads no further ahead of the copying than a few chunks', async () => {
    const content = healthExport(120_000);
    const size = Buffer.byteLength(content);
    let read = 0;
    const chunks = parseInWorker({
      format: 'apple-health',
      source: await onDisk(content),
      options: { ...OPTIONS, onProgress: (bytes) => (read = bytes) },
      participantId: PARTICIPANT,
      importId: IMPORT,
      periods: [],
      tally: createImportTally(),
    })[Symbol.asyncIterator]();
    // Chunks taken and not released, as by a database that has not copied them yet.
    const held: CopyChunk[] = [];
    for (let n = 0; n < CHUNKS_AHEAD; n++) {
      const next = await chunks.next();
      if (next.done) throw new Error('the file ended early');
      held.push(next.value);
    }
    let before = -1;
    while (read !== before) {
      before = read;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    // Four chunks of rows are about five megabytes of XML; the file is ten times that.
    expect(read).toBeLessThan(size / 4);
    for (const chunk of held) chunk.release?.();
    let rest = 0;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      rest += next.value.rows;
      next.value.release?.();
    }
    expect(rest).toBeGreaterThan(0);
    expect(read).toBe(size);
  }, 60_000);
});

describe('a load from a worker thread', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(() => testDb?.drop());

  it('commits nothing when the file breaks after chunks of it were copied', async () => {
    const store = createMeasurementStore(testDb.database);
    const participant = randomUUID();
    const importId = randomUUID();
    const source = await onDisk(healthExport(30_000, ' </Oops>\n'));
    const tally = createImportTally();
    const copied: number[] = [];
    const attempt = store.load(
      participant,
      importId,
      {
        encoded: async function* (periods) {
          for await (const chunk of parseInWorker({
            format: 'apple-health',
            source,
            options: OPTIONS,
            participantId: participant,
            importId,
            periods,
            tally,
          })) {
            copied.push(chunk.rows);
            yield chunk;
          }
        },
      },
      async () => {},
    );
    await expect(attempt).rejects.toMatchObject({ code: 'invalid_xml', line: 3 + 80_000 + 1 });
    expect(copied.length).toBeGreaterThan(2);
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM observations WHERE participant_id = ${participant}`.execute(
      testDb.database.db,
    );
    expect(rows[0]?.n).toBe(0);
    expect(runningParseWorkers()).toBe(0);
  }, 60_000);
});

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff, createTestApp, joinedCitizen, type TestApp } from '../../../test/app.ts';
import { citizenWithFortnight, localDate } from '../../../test/glucose.ts';
import type { Variable } from './datasets.ts';
import { parquetWriting } from './parquet.ts';
import { type Client, decide, enrol, recruitingStudy, type StudyBody } from './test-support.ts';

// Data access, told as it goes: the team of a recruiting study asks for glucose and profile data, a data steward
// approves it with conditions, the team runs the extract, a job writes pseudonymised CSV files with their
// codebook, SPSS and R scripts and a manifest; whoever withdrew research consent before it runs is absent; the
// pseudonyms are the same in every run; downloads are audited and end when the extract expires.

const run = promisify(execFile);
let now = Date.now();
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ clock: () => new Date(now) });
});
afterAll(() => app?.stop());

interface RequestBody {
  id: string;
  status: string;
  conditions: string | null;
  code?: string;
  errors?: { pointer: string; detail: string }[];
}
interface ExtractBody {
  id: string;
  status: string;
  participants: number | null;
  progress: { done: number; total: number };
  manifest: {
    files: { name: string; bytes: number; sha256: string; rows?: number }[];
    conditions: string;
  } | null;
  error: string | null;
}

async function ready(client: Client, extractId: string): Promise<ExtractBody> {
  for (let i = 0; i < 200; i++) {
    const answer = await client.get<ExtractBody>(`/api/v1/research/extracts/${extractId}`);
    expect(answer.status).toBe(200);
    if (answer.body.status === 'ready' || answer.body.status === 'failed') return answer.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the extract did not finish');
}

const download = (client: Client, extractId: string, name: string) =>
  client.get<string>(`/api/v1/research/extracts/${extractId}/files/${name}`);

const rowsOf = (csv: string) => parse(csv, { columns: true }) as Record<string, string>[];

describe('data access and extracts', () => {
  let pi: Awaited<ReturnType<typeof createStaff>>;
  let steward: Awaited<ReturnType<typeof createStaff>>;
  let study: StudyBody;
  let members: Awaited<ReturnType<typeof citizenWithFortnight>>[];
  let requestId: string;
  let first: ExtractBody;
  const files = new Map<string, string>();

  beforeAll(async () => {
    pi = await createStaff(app, ['researcher']);
    steward = await createStaff(app, ['data_steward']);
    study = await recruitingStudy(pi.client, steward.client);
    members = [];
    for (let i = 0; i < 3; i++) {
      const member = await citizenWithFortnight(app);
      await decide(member, 'research', 'granted');
      await enrol(member, study);
      members.push(member);
    }
    // One who consents to research but does not take part in this study.
    const outsider = await joinedCitizen(app);
    await decide(outsider, 'research', 'granted');
  });

  it('checks a request against the catalogue and names each wrong field', async () => {
    const catalogue = await pi.client.get<{ datasets: { key: string; variables: { name: string }[] }[] }>(
      '/api/v1/research/datasets',
    );
    expect(catalogue.body.datasets.map((d) => d.key)).toContain('cgm');
    expect(catalogue.body.datasets.every((d) => d.variables[0]?.name === 'pseudonym')).toBe(true);
    const wrong = await pi.client.post<RequestBody>(`/api/v1/research/studies/${study.id}/data-requests`, {
      datasets: [{ dataset: 'cgm', variables: ['time_utc', 'postcode'] }],
      period: { from: '2026-01-01', to: '2025-12-31' },
      purpose: 'Glucose responses to meals',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors?.map((f) => f.pointer).sort()).toEqual(['#/datasets/0/variables/1']);
    const backwards = await pi.client.post<RequestBody>(
      `/api/v1/research/studies/${study.id}/data-requests`,
      {
        datasets: [{ dataset: 'cgm', variables: ['time_utc'] }],
        period: { from: '2026-01-01', to: '2025-12-31' },
        purpose: 'Glucose responses to meals',
      },
    );
    expect(backwards.body.errors?.map((f) => f.pointer)).toEqual(['#/period/to']);
    const unknown = await pi.client.post<RequestBody>(`/api/v1/research/studies/${study.id}/data-requests`, {
      datasets: [{ dataset: 'genome', variables: [] }],
      period: { from: '2025-01-01', to: '2025-12-31' },
      purpose: 'x',
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors?.[0]?.pointer).toBe('#/datasets/0/dataset');
    // Someone off the team does not find the study.
    const other = await createStaff(app, ['researcher']);
    expect(
      (
        await other.client.post(`/api/v1/research/studies/${study.id}/data-requests`, {
          datasets: [{ dataset: 'cgm', variables: [] }],
          period: { from: '2025-01-01', to: '2025-12-31' },
          purpose: 'x',
        })
      ).status,
    ).toBe(404);
  });

  it('is decided by a data steward, never by the team, and runs only once approved', async () => {
    const today = localDate(now);
    const asked = await pi.client.post<RequestBody>(`/api/v1/research/studies/${study.id}/data-requests`, {
      datasets: [
        {
          dataset: 'participants',
          variables: ['birth_year', 'sex', 'municipality', 'education', 'enrolled_on'],
        },
        { dataset: 'cgm', variables: ['time_utc', 'utc_offset_min', 'glucose_mmol_l', 'out_of_range'] },
        { dataset: 'glucose_summary', variables: ['days_worn', 'mean_mmol_l', 'tir_70_180'] },
      ],
      period: { from: '2020-01-01', to: today },
      purpose: 'Glucose responses to meals in people without diabetes',
    });
    expect(asked.status).toBe(201);
    expect(asked.body.status).toBe('submitted');
    requestId = asked.body.id;
    expect((await pi.client.post(`/api/v1/research/data-requests/${requestId}/extracts`)).status).toBe(409);
    expect(
      (await pi.client.post(`/api/v1/research/data-requests/${requestId}/decision`, { status: 'approved' }))
        .status,
    ).toBe(403);
    const queue = await steward.client.get<{ requests: { id: string }[] }>('/api/v1/research/data-requests');
    expect(queue.body.requests.map((r) => r.id)).toContain(requestId);
    const approved = await steward.client.post<RequestBody>(
      `/api/v1/research/data-requests/${requestId}/decision`,
      { status: 'approved', conditions: 'No linking with other data sets; delete after the study.' },
    );
    expect(approved.body).toMatchObject({
      status: 'approved',
      conditions: expect.stringContaining('No linking'),
    });
    expect(
      (
        await steward.client.post(`/api/v1/research/data-requests/${requestId}/decision`, {
          status: 'rejected',
        })
      ).status,
    ).toBe(409);
    const queueAfter = await steward.client.get<{ requests: { id: string }[] }>(
      '/api/v1/research/data-requests',
    );
    expect(queueAfter.body.requests.map((r) => r.id)).not.toContain(requestId);
  });

  it('writes pseudonymised CSV files, their dictionary and a manifest whose checksums hold', async () => {
    const started = await pi.client.post<ExtractBody>(`/api/v1/research/data-requests/${requestId}/extracts`);
    expect(started.status).toBe(202);
    first = await ready(pi.client, started.body.id);
    expect(first).toMatchObject({ status: 'ready', participants: 3, progress: { done: 3, total: 3 } });
    const manifest = first.manifest;
    expect(manifest?.conditions).toContain('No linking');
    expect(manifest?.files.map((f) => f.name).sort()).toEqual(
      [
        'cgm.csv',
        'codebook.csv',
        'codes.csv',
        'glucose_summary.csv',
        'load-en.sps',
        'load-nl.sps',
        'load.R',
        'participants.csv',
      ].sort(),
    );
    for (const file of manifest?.files ?? []) {
      const answer = await download(pi.client, first.id, file.name);
      expect(answer.status).toBe(200);
      const text = answer.body;
      expect(Buffer.byteLength(text)).toBe(file.bytes);
      expect(createHash('sha256').update(text).digest('hex')).toBe(file.sha256);
      files.set(file.name, text);
    }
    // The pseudonyms are those the team sees, and no id, name or e-mail is in any file.
    const subjects = await pi.client.get<{ subjects: { pseudonym: string }[] }>(
      `/api/v1/research/studies/${study.id}/subjects`,
    );
    const pseudonyms = subjects.body.subjects.map((s) => s.pseudonym).sort();
    const people = rowsOf(files.get('participants.csv') ?? '');
    expect(people.map((p) => p.pseudonym).sort()).toEqual(pseudonyms);
    expect(people[0]).toEqual({
      pseudonym: expect.stringMatching(/^1-[A-Z2-7]{16}$/),
      birth_year: '1980',
      sex: 'female',
      municipality: 'GM0153',
      education: '',
      enrolled_on: localDate(now),
    });
    for (const text of files.values()) {
      for (const member of members) {
        expect(text).not.toContain(member.accountId);
        expect(text).not.toContain(member.email);
      }
    }
    // Every reading of each member, converted to mmol/L, in time order per pseudonym.
    const cgm = rowsOf(files.get('cgm.csv') ?? '');
    expect(cgm).toHaveLength(3 * 14 * 288);
    expect(manifest?.files.find((f) => f.name === 'cgm.csv')?.rows).toBe(3 * 14 * 288);
    expect(new Set(cgm.slice(0, 3).map((r) => r.glucose_mmol_l))).toEqual(new Set(['3.33', '6.66', '11.10']));
    expect(cgm[0]?.time_utc).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const times = cgm.slice(0, 288).map((row) => Date.parse(`${String(row.time_utc).replace(' ', 'T')}Z`));
    expect(times.every((time, i) => i === 0 || time - (times[i - 1] as number) === 300_000)).toBe(true);
    // Each member's first reading, at local midnight 16 days ago, 5 minutes apart from there.
    expect(times[0]).toBe(members[0]?.from);
    const summaries = rowsOf(files.get('glucose_summary.csv') ?? '');
    expect(summaries.map((s) => s.days_worn)).toEqual(['14.0', '14.0', '14.0']);
    // The codebook names every variable written, with its label in both languages.
    const codebook = rowsOf(files.get('codebook.csv') ?? '');
    expect(codebook.find((v) => v.variable === 'glucose_mmol_l')).toMatchObject({
      file: 'cgm.csv',
      type: 'decimal',
      unit: 'mmol/L',
      label_nl: 'Glucose in weefselvocht',
    });
    const codes = rowsOf(files.get('codes.csv') ?? '');
    expect(codes.filter((c) => c.variable === 'sex').map((c) => c.code)).toEqual([
      'female',
      'male',
      'intersex',
    ]);
  });

  it('leaves out whoever withdrew research consent, and gives everyone else the same pseudonym again', async () => {
    const [leaving] = members;
    if (!leaving) throw new Error('no members');
    const before = rowsOf(files.get('participants.csv') ?? '').map((p) => p.pseudonym);
    await decide(leaving, 'research', 'refused');
    const started = await pi.client.post<ExtractBody>(`/api/v1/research/data-requests/${requestId}/extracts`);
    const second = await ready(pi.client, started.body.id);
    expect(second.participants).toBe(2);
    const people = rowsOf((await download(pi.client, second.id, 'participants.csv')).body);
    const after = people.map((p) => p.pseudonym);
    expect(after).toHaveLength(2);
    expect(before).toEqual(expect.arrayContaining(after));
    const cgm = rowsOf((await download(pi.client, second.id, 'cgm.csv')).body);
    expect(cgm).toHaveLength(2 * 14 * 288);
    const gone = before.find((p) => !after.includes(p));
    expect(cgm.some((row) => row.pseudonym === gone)).toBe(false);
    // The policy decided on each, as the researcher, and the audit log says so, with the reason.
    const decisions = await app.audit.search({ participantId: leaving.accountId, limit: 50 });
    expect(
      decisions
        .filter((e) => e.action === 'study.extract.subjects')
        .map((e) => e.outcome)
        .sort(),
    ).toEqual(['denied', 'success']);
    await decide(leaving, 'research', 'granted');
  });

  it('audits each download, and ends downloads when the extract expires', async () => {
    const entries = await app.audit.search({ limit: 500 });
    expect(
      entries.some(
        (e) =>
          e.action === 'study.extract.download' &&
          e.actorAccountId === pi.accountId &&
          e.resourceId === first.id &&
          (e.details as { file?: string }).file === 'cgm.csv',
      ),
    ).toBe(true);
    // Another researcher, not on the team, gets nothing.
    const other = await createStaff(app, ['researcher']);
    expect((await download(other.client, first.id, 'cgm.csv')).status).toBe(404);
    expect((await download(pi.client, first.id, 'passwd.csv')).status).toBe(404);
    expect((await download(pi.client, first.id, '..%2F..%2Fsecret.key')).status).toBe(422);

    // The hourly job, run a day after the extracts' time is up (the clock goes back after, for the sessions).
    const later = (app.config.extractDays + 1) * 86_400_000;
    now += later;
    expect(await app.dataAccess.expireExtracts()).toBe(2);
    now -= later;
    const expired = await download(pi.client, first.id, 'cgm.csv');
    expect(expired.status).toBe(410);
    expect(existsSync(path.join(app.config.dataDir, 'extracts', first.id))).toBe(false);
  });

  it('writes FHIR R4 Bulk Data NDJSON: Patients by pseudonym and their Observations, only what was asked for', async () => {
    const withoutForm = await pi.client.post<RequestBody>(
      `/api/v1/research/studies/${study.id}/data-requests`,
      {
        datasets: [{ dataset: 'glucose_summary', variables: ['mean_mmol_l'] }],
        period: { from: '2020-01-01', to: localDate(now) },
        purpose: 'FHIR',
        formats: ['fhir'],
      },
    );
    expect(withoutForm.status).toBe(422);
    expect(withoutForm.body.errors?.[0]?.pointer).toBe('#/formats');
    const asked = await pi.client.post<RequestBody>(`/api/v1/research/studies/${study.id}/data-requests`, {
      datasets: [
        { dataset: 'participants', variables: ['sex'] },
        { dataset: 'cgm', variables: ['time_utc', 'glucose_mmol_l'] },
      ],
      period: { from: '2020-01-01', to: localDate(now) },
      purpose: 'Analysis in a FHIR-based pipeline',
      formats: ['fhir'],
    });
    await steward.client.post(`/api/v1/research/data-requests/${asked.body.id}/decision`, {
      status: 'approved',
    });
    const started = await pi.client.post<ExtractBody>(
      `/api/v1/research/data-requests/${asked.body.id}/extracts`,
    );
    const extract = await ready(pi.client, started.body.id);
    expect(extract.manifest?.files.map((f) => f.name).sort()).toEqual(
      ['Observation.ndjson', 'Patient.ndjson', 'codebook.csv', 'codes.csv'].sort(),
    );
    const lines = async (name: string) =>
      String((await download(pi.client, extract.id, name)).body)
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const patients = await lines('Patient.ndjson');
    expect(patients).toHaveLength(3);
    // The birth year was not asked for, so no birthDate; the id is the pseudonym.
    expect(patients[0]).toEqual({
      resourceType: 'Patient',
      id: expect.stringMatching(/^1-[A-Z2-7]{16}$/),
      gender: 'female',
    });
    const observations = await lines('Observation.ndjson');
    expect(observations).toHaveLength(3 * 14 * 288);
    expect(observations[0]).toMatchObject({
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '105272-9' }] },
      subject: { reference: `Patient/${patients[0]?.id}` },
      effectiveDateTime: new Date(members[0]?.from ?? 0).toISOString().replace('.000Z', 'Z'),
      valueQuantity: { unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
    });
    expect(new Set(observations.map((o) => o.id)).size).toBe(observations.length);
    expect(
      observations.every((o) =>
        String((o.subject as { reference: string }).reference).startsWith('Patient/1-'),
      ),
    ).toBe(true);
  });

  it('writes Parquet beside the CSV: the same columns, typed, the same rows and values, in the manifest', async () => {
    const unknownFormat = await pi.client.post<RequestBody>(
      `/api/v1/research/studies/${study.id}/data-requests`,
      {
        datasets: [{ dataset: 'cgm', variables: ['time_utc'] }],
        period: { from: '2020-01-01', to: localDate(now) },
        purpose: 'Spreadsheets',
        formats: ['xlsx'],
      },
    );
    expect(unknownFormat.status).toBe(422);
    expect(unknownFormat.body.errors?.map((f) => f.pointer)).toEqual(['#/formats/0']);
    const asked = await pi.client.post<RequestBody>(`/api/v1/research/studies/${study.id}/data-requests`, {
      datasets: [
        {
          dataset: 'participants',
          variables: ['birth_year', 'sex', 'municipality', 'education', 'enrolled_on'],
        },
        { dataset: 'cgm', variables: ['time_utc', 'utc_offset_min', 'glucose_mmol_l', 'out_of_range'] },
        { dataset: 'glucose_summary', variables: ['days_worn', 'mean_mmol_l', 'tir_70_180'] },
      ],
      period: { from: '2020-01-01', to: localDate(now) },
      purpose: 'Analysis of the readings in Python and DuckDB',
      formats: ['csv', 'parquet'],
    });
    expect(asked.status).toBe(201);
    await steward.client.post(`/api/v1/research/data-requests/${asked.body.id}/decision`, {
      status: 'approved',
    });
    const started = await pi.client.post<ExtractBody>(
      `/api/v1/research/data-requests/${asked.body.id}/extracts`,
    );
    const extract = await ready(pi.client, started.body.id);
    expect(extract).toMatchObject({ status: 'ready', participants: 3, progress: { done: 6, total: 6 } });
    const listed = new Map(extract.manifest?.files.map((file) => [file.name, file]));
    expect([...listed.keys()].filter((name) => name.endsWith('.parquet')).sort()).toEqual([
      'cgm.parquet',
      'glucose_summary.parquet',
      'participants.parquet',
    ]);

    // hyparquet, a reader apart from the writer, reads each file back against the CSV of the same extract.
    const text = async (name: string) => String((await download(pi.client, extract.id, name)).body);
    const types = new Map(
      rowsOf(await text('codebook.csv')).map((v) => [`${v.file}/${v.variable}`, String(v.type)]),
    );
    const read = async (key: string) => {
      const name = `${key}.parquet`;
      const bytes = await readFile(path.join(app.config.dataDir, 'extracts', extract.id, name));
      expect(bytes.length).toBe(listed.get(name)?.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(listed.get(name)?.sha256);
      const answer = await download(pi.client, extract.id, name);
      expect(answer.status).toBe(200);
      expect(Number(answer.headers['content-length'])).toBe(bytes.length);
      expect(answer.headers['content-type']).toBe('application/vnd.apache.parquet');
      const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
      const csv = rowsOf(await text(`${key}.csv`));
      const metadata = parquetMetadata(file);
      expect(metadata.num_rows).toBe(BigInt(csv.length));
      expect(listed.get(name)?.rows).toBe(csv.length);
      expect(metadata.schema.slice(1).map((column) => column.name)).toEqual(Object.keys(csv[0] ?? {}));
      // The CSV's text as the typed value Parquet should hold: empty is null, times and dates in UTC.
      const typed = (variable: string, value: string) => {
        const type = types.get(`${key}.csv/${variable}`);
        if (value === '') return null;
        if (type === 'integer' || type === 'decimal') return Number(value);
        if (type === 'date') return new Date(`${value}T00:00:00Z`);
        if (type === 'datetime') return new Date(`${value.replace(' ', 'T')}Z`);
        return value;
      };
      const rows = await parquetReadObjects({ file });
      expect(rows).toEqual(
        csv.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typed(k, v)]))),
      );
      const about = Object.fromEntries(metadata.key_value_metadata?.map((kv) => [kv.key, kv.value]) ?? []);
      expect(about).toMatchObject({
        'topfit.study_id': study.id,
        'topfit.extract_id': extract.id,
        'topfit.dataset': key,
        'topfit.pseudonym_key_version': '1',
      });
      return {
        schema: metadata.schema.slice(1),
        rows,
        variables: JSON.parse(String(about['topfit.variables'])),
      };
    };

    const cgm = await read('cgm');
    expect(cgm.schema).toMatchObject([
      {
        name: 'pseudonym',
        type: 'BYTE_ARRAY',
        logical_type: { type: 'STRING' },
        repetition_type: 'REQUIRED',
      },
      {
        name: 'time_utc',
        type: 'INT64',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
        repetition_type: 'OPTIONAL',
      },
      { name: 'utc_offset_min', type: 'INT32' },
      { name: 'glucose_mmol_l', type: 'DOUBLE' },
      { name: 'out_of_range', type: 'BYTE_ARRAY', logical_type: { type: 'STRING' } },
    ]);
    expect(cgm.rows).toHaveLength(3 * 14 * 288);
    expect(new Set(cgm.rows.slice(0, 3).map((r) => r.glucose_mmol_l))).toEqual(new Set([3.33, 6.66, 11.1]));
    expect(cgm.rows[0]?.time_utc).toEqual(new Date(members[0]?.from ?? 0));
    expect(cgm.variables).toContainEqual(
      expect.objectContaining({ name: 'glucose_mmol_l', unit: 'mmol/L', decimals: 2 }),
    );

    const people = await read('participants');
    expect(people.schema).toMatchObject([
      { name: 'pseudonym' },
      { name: 'birth_year', type: 'INT32' },
      { name: 'sex', type: 'BYTE_ARRAY' },
      { name: 'municipality', type: 'BYTE_ARRAY' },
      { name: 'education', type: 'BYTE_ARRAY' },
      { name: 'enrolled_on', type: 'INT32', logical_type: { type: 'DATE' } },
    ]);
    const subjects = await pi.client.get<{ subjects: { pseudonym: string }[] }>(
      `/api/v1/research/studies/${study.id}/subjects`,
    );
    expect(people.rows.map((p) => p.pseudonym).sort()).toEqual(
      subjects.body.subjects.map((s) => s.pseudonym).sort(),
    );
    expect(people.rows[0]).toMatchObject({ birth_year: 1980, sex: 'female', education: null });

    const summaries = await read('glucose_summary');
    expect(summaries.rows.map((s) => s.days_worn)).toEqual([14, 14, 14]);
  });

  // GNU PSPP and R read the files with the scripts the extract carries. CI installs both (.ci/run); elsewhere
  // these two run where they are installed (README: `apt-get install pspp r-base-core`).
  const hasR = existsSync('/usr/bin/Rscript') || process.env.CI === 'true';
  const hasPspp = existsSync('/usr/bin/pspp') || process.env.CI === 'true';

  it.runIf(hasR)('loads in R with labels, factors and times', async () => {
    const dir = await unpacked();
    const { stdout } = await run(
      'Rscript',
      [
        '-e',
        'source("load.R", encoding = "UTF-8"); cat(nrow(cgm), class(cgm$time_utc)[1], levels(participants$sex), attr(cgm$glucose_mmol_l, "label"), sep = "|")',
      ],
      { cwd: dir },
    );
    expect(stdout.split('|')).toEqual([
      String(3 * 14 * 288),
      'POSIXct',
      'female',
      'male',
      'intersex',
      'Interstitial glucose',
    ]);
  });

  it.runIf(hasPspp)('loads in SPSS syntax (GNU PSPP) with variable and value labels', async () => {
    const dir = await unpacked();
    await writeFile(
      path.join(dir, 'check.sps'),
      `${await readFile(path.join(dir, 'load-nl.sps'), 'utf8')}
DATASET ACTIVATE cgm.
DESCRIPTIVES glucose_mmol_l.
DATASET ACTIVATE participants.
DISPLAY LABELS.
FREQUENCIES /VARIABLES=sex.
`,
    );
    const { stdout } = await run('pspp', ['check.sps'], { cwd: dir }).catch((error: { stdout: string }) => {
      throw new Error(`PSPP failed:\n${error.stdout}`);
    });
    // DESCRIPTIVES counts the readings and their mean ((3.33 + 6.66 + 11.10) / 3); the labels are the Dutch
    // ones with their units, and the codes carry their value labels.
    expect(stdout).toContain(`|Glucose in weefselvocht (mmol/L)|${3 * 14 * 288}|7.03|`);
    expect(stdout).toMatch(/Valid vrouw\|\s*3\|/);
    expect(stdout).toContain('Geslacht bij geboorte');
  });

  /** Folders of unpacked extracts, removed after the tests whatever their outcome. */
  const unpackedDirs: string[] = [];
  afterAll(() => Promise.all(unpackedDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  /** The first extract's files in a folder of their own, as a researcher unpacks a download. */
  async function unpacked() {
    const dir = await mkdtemp(path.join(tmpdir(), 'topfit-extract-'));
    unpackedDirs.push(dir);
    for (const [name, text] of files) await writeFile(path.join(dir, name), text);
    return dir;
  }
});

// The Parquet writer on its own, fed COPY's text format as PostgreSQL sends it: in pieces cut anywhere (within a
// row, within a UTF-8 character), over more rows than one row group holds, with nulls and escapes.
describe('Parquet from COPY text', () => {
  const variables: Variable[] = [
    { name: 'pseudonym', label: { nl: 'p', en: 'p' }, type: 'string', source: 'test' },
    { name: 'note', label: { nl: 'n', en: 'n' }, type: 'string', source: 'test' },
    { name: 'count', label: { nl: 'c', en: 'c' }, type: 'integer', source: 'test' },
    { name: 'amount', label: { nl: 'a', en: 'a' }, type: 'decimal', decimals: 2, source: 'test' },
    { name: 'day', label: { nl: 'd', en: 'd' }, type: 'date', source: 'test' },
    { name: 'time_utc', label: { nl: 't', en: 't' }, type: 'datetime', source: 'test' },
  ];
  const metadata = {
    studyId: 'study',
    extractId: 'extract',
    requestId: 'request',
    dataset: 'test',
    label: { nl: 'Test', en: 'Test' },
    rowIs: { nl: 'een rij', en: 'a row' },
    pseudonymKeyVersion: 2,
    period: { from: '2026-01-01', to: '2026-01-31' },
  };
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'topfit-parquet-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Sends `text` to the writer in pieces of 1 to 5,000 bytes, waiting whenever it asks to. */
  async function write(file: string, text: string) {
    const writing = parquetWriting(path.join(dir, file), variables, metadata);
    const bytes = Buffer.from(text);
    for (let at = 0, size = 1; at < bytes.length; at += size, size = 1 + ((size * 7919) % 5000)) {
      if (!writing.sink.write(bytes.subarray(at, at + size))) await once(writing.sink, 'drain');
    }
    return writing.done();
  }

  it('reads every field back as written, over several row groups', async () => {
    const count = 40_000;
    const start = Date.UTC(2026, 0, 1);
    const lines: string[] = [];
    const expected: Record<string, unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const time = new Date(start + i * 300_000);
      const note = i % 5 === 0 ? null : i % 3 === 0 ? 'tab\there\\and é' : `n${i % 4}`;
      const amount = i % 7 === 0 ? null : ((i % 2000) - 1000) / 100;
      lines.push(
        [
          `1-P${String(Math.floor(i / 1000)).padStart(4, '0')}`,
          note === null ? '\\N' : note.replace(/\\/g, '\\\\').replace(/\t/g, '\\t'),
          String(i - 20_000),
          amount === null ? '\\N' : amount.toFixed(2),
          time.toISOString().slice(0, 10),
          time.toISOString().slice(0, 19).replace('T', ' '),
        ].join('\t'),
      );
      expected.push({
        pseudonym: `1-P${String(Math.floor(i / 1000)).padStart(4, '0')}`,
        note,
        count: i - 20_000,
        amount,
        day: new Date(`${time.toISOString().slice(0, 10)}T00:00:00Z`),
        time_utc: time,
      });
    }
    const written = await write('rows.parquet', `${lines.join('\n')}\n`);
    expect(written.rows).toBe(count);
    const bytes = await readFile(path.join(dir, 'rows.parquet'));
    expect(written.bytes).toBe(bytes.length);
    expect(written.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
    expect(parquetMetadata(file).row_groups.map((group) => Number(group.num_rows))).toEqual([
      16_000, 16_000, 8_000,
    ]);
    expect(await parquetReadObjects({ file })).toEqual(expected);
  });

  it('writes an empty data set as a file of no rows, and stops at a value its column cannot hold', async () => {
    const empty = await write('empty.parquet', '');
    expect(empty.rows).toBe(0);
    const bytes = await readFile(path.join(dir, 'empty.parquet'));
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
    expect(parquetMetadata(file).schema.map((column) => column.name)).toEqual([
      'schema',
      ...variables.map((v) => v.name),
    ]);
    await expect(
      write('wrong.parquet', '1-P\tx\t12.5\t1.00\t2026-01-01\t2026-01-01 00:00:00\n'),
    ).rejects.toThrow(/count cannot hold "12.5"/);
    await expect(write('short.parquet', '1-P\tx\t12\n')).rejects.toThrow(/not the data set’s columns/);
  });
});

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AccessPolicy, Actor, Role } from '../../platform/access/index.ts';
import type { Database } from '../../platform/db/index.ts';
import { conflict, DomainError, forbidden, invalidFields, notFound } from '../../platform/errors/index.ts';
import type { SecretBox } from '../../platform/secrets/index.ts';
import { utcOffsetMs } from '../../science/glucose/local-time.ts';
import { DATASETS } from './datasets.ts';
import { writeExtract } from './extract-writer.ts';
import type { DataRequest, DatasetRequest, Extract, ExtractFormat } from './model.ts';
import { studyPseudonyms } from './pseudonyms.ts';
import type { DataRequestRow, ExtractRow, ResearchStore } from './store.ts';

/** The durable job that writes an extract. */
export const EXTRACT_QUEUE = 'research-extracts';
/** The scheduled job that deletes the files of expired extracts. */
export const EXTRACT_EXPIRY_QUEUE = 'research-extract-expiry';

/** Dates of a request are the region's calendar days. */
const ZONE = 'Europe/Amsterdam';

export interface DataAccessDeps {
  database: Database;
  store: ResearchStore;
  access: AccessPolicy;
  keys: SecretBox;
  clock: () => Date;
  /** Where extracts are written: one folder per extract. */
  extractsDir: string;
  /** Days an extract stays downloadable. */
  extractDays: number;
  /** The account's roles now (the job acts as the researcher who started it, with the roles they hold then). */
  rolesOf: (accountId: string) => Promise<Role[]>;
  /** Queues the job that writes an extract. */
  queueExtract: (extractId: string) => Promise<void>;
}

export interface DataRequestInput {
  datasets: DatasetRequest[];
  period: { from: string; to: string };
  purpose: string;
  formats: ExtractFormat[];
}

const toRequest = (row: DataRequestRow): DataRequest => ({
  id: row.id,
  studyId: row.study_id,
  requestedBy: row.requested_by,
  datasets: row.datasets,
  period: { from: row.period_from, to: row.period_to },
  purpose: row.purpose,
  formats: row.formats,
  status: row.status,
  conditions: row.conditions,
  decisionNote: row.decision_note,
  decidedAt: row.decided_at,
  createdAt: row.created_at,
});

const toExtract = (row: ExtractRow): Extract => ({
  id: row.id,
  requestId: row.request_id,
  studyId: row.study_id,
  status: row.status,
  progress: { done: row.progress_done, total: row.progress_total },
  participants: row.participants,
  manifest: row.manifest,
  error: row.error,
  createdAt: row.created_at,
  finishedAt: row.finished_at,
  expiresAt: row.expires_at,
});

/** The instant a calendar day of the region starts. */
function startOfDay(date: string): Date {
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  // The offset at midnight UTC is the day's offset at its start except on a change day, which changes at 02:00/03:00.
  return new Date(midnightUtc - utcOffsetMs(ZONE, midnightUtc));
}

const nextDay = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Checks each data set and variable against the catalogue, naming the field of the first of each problem. */
function checkDatasets(datasets: DatasetRequest[]) {
  const problems: Record<string, string> = {};
  const seen = new Set<string>();
  datasets.forEach((request, i) => {
    if (seen.has(request.dataset)) problems[`datasets/${i}/dataset`] = 'This data set is asked for twice.';
    seen.add(request.dataset);
    const names = new Set(DATASETS[request.dataset].variables.map((v) => v.name));
    request.variables.forEach((name, j) => {
      if (!names.has(name)) {
        problems[`datasets/${i}/variables/${j}`] = `No variable ${name} in ${request.dataset}.`;
      }
    });
  });
  if (Object.keys(problems).length > 0) throw invalidFields(problems);
}

/**
 * Data access for research: the study team asks for data sets (variables, period, purpose), a data steward
 * approves (with conditions, where needed) or rejects, and an approved request is run as extracts: durable jobs
 * that write pseudonymised files of only those whose research consent holds when the job runs. Every step is
 * decided by the one access policy and audited; every download too.
 */
export function createDataAccessService(deps: DataAccessDeps) {
  const { store, access, clock } = deps;

  /** The study, when the actor is on its team; "not found" otherwise (as the study service answers). */
  async function teamStudy(actor: Actor, studyId: string) {
    const study = await store.studyOfTeam(studyId, actor.accountId);
    if (!study) throw notFound('This study');
    return study;
  }

  async function requestOf(actor: Actor, requestId: string) {
    const row = await store.request(requestId);
    if (!row) throw notFound('This data request');
    if (!actor.roles.includes('data_steward')) await teamStudy(actor, row.study_id);
    return row;
  }

  async function extractOf(actor: Actor, extractId: string) {
    const row = await store.extract(extractId);
    if (!row) throw notFound('This extract');
    await teamStudy(actor, row.study_id);
    return row;
  }

  return {
    /** The study team asks for a data set; only for a study past its approval. */
    async request(actor: Actor, studyId: string, input: DataRequestInput): Promise<DataRequest> {
      await access.require(actor, { action: 'study.data.request', purpose: 'research', resourceId: studyId });
      const study = await teamStudy(actor, studyId);
      if (study.status === 'draft')
        throw conflict('A draft study cannot ask for data; it needs approval first.');
      checkDatasets(input.datasets);
      if (input.formats.includes('fhir')) {
        const without = input.datasets.findIndex((request) => !DATASETS[request.dataset].fhir);
        if (without >= 0) {
          throw invalidFields({
            formats: `${input.datasets[without]?.dataset} has no FHIR form; ask for it as CSV.`,
          });
        }
      }
      if (input.period.to < input.period.from) {
        throw invalidFields({ 'period/to': 'The period ends before it starts.' });
      }
      const id = randomUUID();
      await store.createRequest({
        id,
        study_id: studyId,
        requested_by: actor.accountId,
        datasets: input.datasets,
        period_from: input.period.from,
        period_to: input.period.to,
        purpose: input.purpose,
        formats: input.formats,
        created_at: clock(),
      });
      return toRequest((await store.request(id)) as DataRequestRow);
    },

    /** A study's requests, for its team and data stewards. */
    async requests(actor: Actor, studyId: string): Promise<DataRequest[]> {
      if (!actor.roles.includes('data_steward')) await teamStudy(actor, studyId);
      else
        await access.require(actor, {
          action: 'study.data.review',
          purpose: 'research',
          resourceId: studyId,
        });
      return (await store.requestsOf(studyId)).map(toRequest);
    },

    /** Requests waiting for a decision, oldest first: the data steward's queue. */
    async reviewQueue(actor: Actor): Promise<(DataRequest & { studyTitle: { nl: string; en: string } })[]> {
      await access.require(actor, { action: 'study.data.review', purpose: 'research' });
      const rows = await store.openRequests();
      return Promise.all(
        rows.map(async (row) => {
          const study = await store.study(row.study_id);
          return { ...toRequest(row), studyTitle: { nl: study?.title_nl ?? '', en: study?.title_en ?? '' } };
        }),
      );
    },

    async get(actor: Actor, requestId: string): Promise<DataRequest> {
      return toRequest(await requestOf(actor, requestId));
    },

    /**
     * A data steward approves (with conditions, where needed) or rejects a request, with a note to the team;
     * never their own request.
     */
    async decide(
      actor: Actor,
      requestId: string,
      decision: { status: 'approved' | 'rejected'; conditions?: string; note?: string },
    ): Promise<DataRequest> {
      const row = await store.request(requestId);
      if (!row) throw notFound('This data request');
      await access.require(actor, {
        action: 'study.data.review',
        purpose: 'research',
        resourceId: requestId,
        details: { decision: decision.status },
      });
      if (row.requested_by === actor.accountId) throw forbidden('Nobody decides on their own request.');
      const ok = await store.decide(requestId, {
        status: decision.status,
        conditions: decision.status === 'approved' ? (decision.conditions ?? null) : null,
        decision_note: decision.note ?? null,
        decided_by: actor.accountId,
        decided_at: clock(),
      });
      if (!ok) throw conflict('This request has been decided already.');
      return toRequest((await store.request(requestId)) as DataRequestRow);
    },

    /** The team runs an approved request: a durable job writes the extract. */
    async startExtract(actor: Actor, requestId: string): Promise<Extract> {
      const row = await requestOf(actor, requestId);
      await teamStudy(actor, row.study_id);
      await access.require(actor, { action: 'study.extract', purpose: 'research', resourceId: requestId });
      if (row.status !== 'approved') throw conflict('Only an approved request can be extracted.');
      const id = randomUUID();
      await store.createExtract({
        id,
        request_id: requestId,
        study_id: row.study_id,
        started_by: actor.accountId,
        progress_total: row.datasets.length * row.formats.length,
        created_at: clock(),
      });
      await deps.queueExtract(id);
      return toExtract((await store.extract(id)) as ExtractRow);
    },

    async extract(actor: Actor, extractId: string): Promise<Extract> {
      return toExtract(await extractOf(actor, extractId));
    },

    async extracts(actor: Actor, studyId: string): Promise<Extract[]> {
      await teamStudy(actor, studyId);
      return (await store.extractsOf(studyId)).map(toExtract);
    },

    /**
     * The job: writes the extract of those taking part whose research consent holds now (each decided by the
     * policy, as the researcher who started it, and audited), by the study's pseudonyms. A failure leaves no
     * files and says why; the team may start the request again.
     */
    async runExtract(extractId: string): Promise<void> {
      const row = await store.extract(extractId);
      if (!row || !(await store.startExtract(extractId, clock()))) return;
      try {
        const request = (await store.request(row.request_id)) as DataRequestRow;
        const study = await store.study(row.study_id);
        if (!study) throw new Error('study not found');
        const team = await store.team(row.study_id);
        if (!team.some((member) => member.account_id === row.started_by)) {
          throw forbidden('The researcher who started this extract is no longer on the study team.');
        }
        const actor: Actor = {
          accountId: row.started_by,
          roles: await deps.rolesOf(row.started_by),
          // The extract was started in a session with two factors (staff cannot act without them).
          mfaVerified: true,
        };
        const subjects = await store.subjectsOf(row.study_id);
        const allowed = new Set(
          await access.filter(
            actor,
            { action: 'study.extract.subjects', purpose: 'research', resourceId: extractId },
            subjects.map((subject) => subject.participant_id),
          ),
        );
        const pseudonym = studyPseudonyms(deps.keys, study);
        const included = subjects
          .filter((subject) => allowed.has(subject.participant_id))
          .map((subject) => ({
            participantId: subject.participant_id,
            pseudonym: pseudonym(subject.participant_id),
            status: subject.status,
            enrolledOn: subject.signed_at
              ? new Date(subject.signed_at.getTime() + utcOffsetMs(ZONE, subject.signed_at.getTime()))
                  .toISOString()
                  .slice(0, 10)
              : null,
          }));
        const manifest = await writeExtract(
          deps.database,
          path.join(deps.extractsDir, extractId),
          {
            extractId,
            studyId: row.study_id,
            requestId: row.request_id,
            title: `TOPFIT extract ${extractId} — ${study.title_en}`,
            datasets: request.datasets,
            formats: request.formats,
            window: { from: startOfDay(request.period_from), to: startOfDay(nextDay(request.period_to)) },
            period: { from: request.period_from, to: request.period_to },
            conditions: request.conditions,
            pseudonymKeyVersion: study.pseudonym_key_version,
            subjects: included,
            createdAt: row.created_at,
          },
          (done) => store.extractProgress(extractId, done, included.length),
        );
        const finished = clock();
        await store.finishExtract(extractId, {
          status: 'ready',
          manifest,
          error: null,
          finished_at: finished,
          expires_at: new Date(finished.getTime() + deps.extractDays * 86_400_000),
        });
      } catch (error) {
        await store.finishExtract(extractId, {
          status: 'failed',
          manifest: null,
          error: error instanceof DomainError ? error.message : 'The extract could not be written.',
          finished_at: clock(),
          expires_at: null,
        });
        if (!(error instanceof DomainError)) throw error;
      }
    },

    /**
     * A file of a ready extract, for its team: the path to stream and its size. Audited; "gone" once expired.
     */
    async download(actor: Actor, extractId: string, name: string): Promise<{ file: string; bytes: number }> {
      const row = await extractOf(actor, extractId);
      const listed = row.manifest?.files.some((file) => file.name === name) || name === 'manifest.json';
      if (row.status === 'expired') throw new DomainError('gone', 'This extract has expired; make it again.');
      if (row.status !== 'ready' || !listed) throw notFound('This file');
      await access.require(actor, {
        action: 'study.extract.download',
        purpose: 'research',
        resourceId: extractId,
        details: { file: name },
      });
      const file = path.join(deps.extractsDir, extractId, name);
      return { file, bytes: (await stat(file)).size };
    },

    /** Deletes the files of extracts whose time is up (the scheduled job). */
    async expireExtracts(): Promise<number> {
      const expired = await store.expiredExtracts(clock());
      for (const { id } of expired) {
        const dir = path.join(deps.extractsDir, id);
        if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
        await store.expireExtract(id);
      }
      return expired.length;
    },
  };
}

export type DataAccessService = ReturnType<typeof createDataAccessService>;

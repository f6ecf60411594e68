import { type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { memberFacts } from '../participants/index.ts';
import type { Criteria, Step } from './criteria.ts';
import { type StudyStatus, type SubjectStatus, TAKING_PART, type TeamRole } from './model.ts';

type Tables = {
  studies: {
    id: string;
    title_nl: string;
    title_en: string;
    summary_nl: string;
    summary_en: string;
    status: StudyStatus;
    ethics_committee: string | null;
    ethics_reference: string | null;
    ethics_decided_on: string | null;
    ethics_document_sha256: string | null;
    consent_version: number;
    consent_nl: string;
    consent_en: string;
    consent_sha256: string;
    pseudonym_key_sealed: string;
    pseudonym_key_version: number;
    criteria: Criteria;
    created_by: string;
    created_at: Date;
    updated_at: Date;
    approved_by: string | null;
    approved_at: Date | null;
  };
  study_team: { study_id: string; account_id: string; role: TeamRole; added_at: Date };
  study_participants: {
    participant_id: string;
    study_id: string;
    status: SubjectStatus;
    consent_version: number | null;
    consent_sha256: string | null;
    signed_at: Date | null;
    withdrawn_at: Date | null;
    updated_at: Date;
  };
};

export type StudyRow = Selectable<Tables['studies']>;
/** jsonb goes in as its JSON text on both engines, and comes back parsed. */
const json = (value: Criteria) => JSON.stringify(value) as unknown as Criteria;
export type TeamRow = Selectable<Tables['study_team']>;
export type SubjectRow = Selectable<Tables['study_participants']>;
type NewStudy = Omit<
  StudyRow,
  'status' | 'approved_by' | 'approved_at' | 'pseudonym_key_version' | 'criteria'
>;
type StudyChanges = Partial<
  Pick<
    StudyRow,
    | 'title_nl'
    | 'title_en'
    | 'summary_nl'
    | 'summary_en'
    | 'consent_nl'
    | 'consent_en'
    | 'consent_sha256'
    | 'ethics_committee'
    | 'ethics_reference'
    | 'ethics_decided_on'
    | 'ethics_document_sha256'
  >
> & { criteria?: Criteria };

export function createResearchStore(base: Db) {
  const db = base.withTables<Tables>();
  return {
    async createStudy(study: NewStudy, principalInvestigator: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('studies')
          .values({
            ...study,
            status: 'draft',
            pseudonym_key_version: 1,
            approved_by: null,
            approved_at: null,
            criteria: json({ all: [] }),
          })
          .execute();
        await trx
          .insertInto('study_team')
          .values({
            study_id: study.id,
            account_id: principalInvestigator,
            role: 'principal_investigator',
            added_at: study.created_at,
          })
          .execute();
      });
    },
    study: (id: string) => db.selectFrom('studies').selectAll().where('id', '=', id).executeTakeFirst(),
    team: (studyId: string) =>
      db.selectFrom('study_team').selectAll().where('study_id', '=', studyId).orderBy('added_at').execute(),
    /** The studies whose team the account is on, newest first. */
    studiesOf: (accountId: string) =>
      db
        .selectFrom('studies')
        .innerJoin('study_team', 'study_team.study_id', 'studies.id')
        .selectAll('studies')
        .where('study_team.account_id', '=', accountId)
        .orderBy('studies.created_at', 'desc')
        .execute(),
    /** Studies in these statuses, newest first (what participants may browse). */
    studiesIn: (statuses: readonly StudyStatus[]) =>
      db
        .selectFrom('studies')
        .selectAll()
        .where('status', 'in', [...statuses])
        .orderBy('created_at', 'desc')
        .execute(),
    /** Changes a draft; false when the study is no longer a draft. */
    async updateDraft(id: string, changes: StudyChanges, at: Date): Promise<boolean> {
      const { criteria, ...texts } = changes;
      const result = await db
        .updateTable('studies')
        .set({ ...texts, ...(criteria ? { criteria: json(criteria) } : {}), updated_at: at })
        .where('id', '=', id)
        .where('status', '=', 'draft')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    /** Moves the study from one status to the next; false when it was not in `from` any more. */
    async move(
      id: string,
      from: StudyStatus,
      to: StudyStatus,
      at: Date,
      approvedBy?: string,
    ): Promise<boolean> {
      const result = await db
        .updateTable('studies')
        .set({
          status: to,
          updated_at: at,
          ...(approvedBy ? { approved_by: approvedBy, approved_at: at } : {}),
        })
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async addMember(studyId: string, accountId: string, role: TeamRole, at: Date): Promise<void> {
      await db
        .insertInto('study_team')
        .values({ study_id: studyId, account_id: accountId, role, added_at: at })
        .onConflict((oc) => oc.columns(['study_id', 'account_id']).doUpdateSet({ role }))
        .execute();
    },
    subject: (studyId: string, participantId: string) =>
      db
        .selectFrom('study_participants')
        .selectAll()
        .where('study_id', '=', studyId)
        .where('participant_id', '=', participantId)
        .executeTakeFirst(),
    /** Records the signed e-consent: enrolled, whatever the participant's status in the study was before. */
    async enrol(row: Omit<SubjectRow, 'status' | 'withdrawn_at'>): Promise<SubjectRow> {
      return db
        .insertInto('study_participants')
        .values({ ...row, status: 'enrolled', withdrawn_at: null })
        .onConflict((oc) =>
          oc.columns(['participant_id', 'study_id']).doUpdateSet({
            status: 'enrolled',
            consent_version: row.consent_version,
            consent_sha256: row.consent_sha256,
            signed_at: row.signed_at,
            withdrawn_at: null,
            updated_at: row.updated_at,
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    /** Withdraws the participant; false when they were not taking part. */
    async withdraw(studyId: string, participantId: string, at: Date): Promise<boolean> {
      const result = await db
        .updateTable('study_participants')
        .set({ status: 'withdrawn', withdrawn_at: at, updated_at: at })
        .where('study_id', '=', studyId)
        .where('participant_id', '=', participantId)
        .where('status', 'in', [...TAKING_PART])
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    /** Of the subjects, those taking part in a study whose team the account is on. */
    async inStudiesOf(accountId: string, subjects: string[]): Promise<Set<string>> {
      if (subjects.length === 0) return new Set();
      const rows = await db
        .selectFrom('study_participants')
        .innerJoin('study_team', 'study_team.study_id', 'study_participants.study_id')
        .select('study_participants.participant_id')
        .where('study_team.account_id', '=', accountId)
        .where('study_participants.participant_id', 'in', subjects)
        .where('study_participants.status', 'in', [...TAKING_PART])
        .execute();
      return new Set(rows.map((row) => row.participant_id));
    },
    /** The study's participants who take part or took part, in the order they joined. */
    subjectsOf: (studyId: string) =>
      db
        .selectFrom('study_participants')
        .selectAll()
        .where('study_id', '=', studyId)
        .where('status', 'in', [...TAKING_PART])
        .orderBy('signed_at')
        .execute(),
    /** A participant's studies (their GDPR export and their own list). */
    participationsOf: (participantId: string) =>
      db
        .selectFrom('study_participants')
        .selectAll()
        .where('participant_id', '=', participantId)
        .orderBy('updated_at')
        .execute(),
    /**
     * The funnel of the steps over every member now (how many pass the first step, the first two, …, all) and
     * the members who pass them all per municipality and per age band, in one pass over the panel.
     */
    async feasibility(steps: Step[], now: Date) {
      const nowMonths = now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;
      const age = sql`((${nowMonths} - (m.birth_year * 12 + m.birth_month)) / 12)`;
      const band = sql`CASE WHEN ${age} < 30 THEN '16-29' WHEN ${age} < 40 THEN '30-39' WHEN ${age} < 50 THEN '40-49'
        WHEN ${age} < 60 THEN '50-59' WHEN ${age} < 70 THEN '60-69' ELSE '70+' END`;
      const flags = steps.map((step, i) =>
        'condition' in step
          ? sql`(${step.condition}) AS ${sql.ref(`f${i}`)}`
          : sql`(${sql.ref(`j${i}.participant_id`)} IS NOT NULL) AS ${sql.ref(`f${i}`)}`,
      );
      const joins = steps.flatMap((step, i) =>
        'members' in step
          ? [
              sql`LEFT JOIN (${step.members}) AS ${sql.ref(`j${i}`)} ON ${sql.ref(`j${i}.participant_id`)} = m.participant_id`,
            ]
          : [],
      );
      const passed = steps.map(
        (_, i) =>
          sql`count(*) FILTER (WHERE ${sql.join(
            steps.slice(0, i + 1).map((__, j) => sql.ref(`f.f${j}`)),
            sql` AND `,
          )})::int AS ${sql.ref(`n${i}`)}`,
      );
      // Each member's flags once (the other modules' sets joined; each yields a participant at most once), then
      // the funnel and both breakdowns in one aggregation.
      const { rows } = await sql<Record<string, unknown>>`
        SELECT GROUPING(f.municipality_code)::int AS by_municipality, GROUPING(f.band)::int AS by_band,
               f.municipality_code, f.band, ${sql.join(passed)}
        FROM (
          SELECT m.municipality_code, ${band} AS band, ${sql.join(flags)}
          FROM (${memberFacts()}) m ${sql.join(joins, sql` `)}
        ) f
        GROUP BY GROUPING SETS ((), (f.municipality_code), (f.band))`.execute(db);
      const last = `n${steps.length - 1}`;
      const total = rows.find((row) => row.by_municipality === 1 && row.by_band === 1);
      return {
        funnel: steps.map((_, i) => Number(total?.[`n${i}`] ?? 0)),
        byMunicipality: rows
          .filter((row) => row.by_municipality === 0)
          .map((row) => ({ code: String(row.municipality_code), count: Number(row[last]) })),
        byAgeBand: rows
          .filter((row) => row.by_band === 0)
          .map((row) => ({ band: String(row.band), count: Number(row[last]) })),
      };
    },
    async erase(participantId: string) {
      const result = await db
        .deleteFrom('study_participants')
        .where('participant_id', '=', participantId)
        .executeTakeFirst();
      return [{ table: 'study_participants', removed: Number(result.numDeletedRows) }];
    },
  };
}

export type ResearchStore = ReturnType<typeof createResearchStore>;

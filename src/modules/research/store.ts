import { type RawBuilder, type Selectable, sql } from 'kysely';
import {
  forgetParticipantChanges,
  participantChangesWaiting,
  takeParticipantChanges,
} from '../../platform/changes/index.ts';
import type { Db } from '../../platform/db/index.ts';
import { grantedConsents } from '../consent/index.ts';
import { cgmWear } from '../insights/index.ts';
import { memberFacts } from '../participants/index.ts';
import { scoreReach } from '../questionnaires/index.ts';
import type { Criteria, Step } from './criteria.ts';
import {
  type ConsentQuestion,
  type DatasetRequest,
  type EnrolmentQuota,
  type ExtractFormat,
  type ExtractStatus,
  type InvitationResponse,
  type Manifest,
  type NewsAudience,
  type RequestStatus,
  type Stratification,
  type StudyStatus,
  type SubjectStatus,
  TAKING_PART,
  type TeamRole,
} from './model.ts';
import { EMPTY_SCHEDULE, type Schedule } from './schedule.ts';

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
    schedule: Schedule;
    consent_questions: ConsentQuestion[];
    countersign: boolean;
    enrolment_quota: EnrolmentQuota | null;
    created_by: string;
    created_at: Date;
    updated_at: Date;
    approved_by: string | null;
    approved_at: Date | null;
  };
  study_team: { study_id: string; account_id: string; role: TeamRole; added_at: Date };
  data_requests: {
    id: string;
    study_id: string;
    requested_by: string;
    datasets: DatasetRequest[];
    period_from: string;
    period_to: string;
    purpose: string;
    formats: ExtractFormat[];
    status: RequestStatus;
    conditions: string | null;
    decision_note: string | null;
    decided_by: string | null;
    decided_at: Date | null;
    created_at: Date;
  };
  extracts: {
    id: string;
    request_id: string;
    study_id: string;
    started_by: string;
    status: ExtractStatus;
    progress_done: number;
    progress_total: number;
    participants: number | null;
    manifest: Manifest | null;
    error: string | null;
    created_at: Date;
    started_at: Date | null;
    finished_at: Date | null;
    expires_at: Date | null;
  };
  study_news: {
    id: string;
    study_id: string;
    title_nl: string;
    title_en: string;
    body_nl: string;
    body_en: string;
    audience: NewsAudience;
    published_by: string;
    published_at: Date;
  };
  study_news_mailings: { participant_id: string; news_id: string; mailed_at: Date | null };
  invitation_batches: {
    id: string;
    study_id: string;
    requested: number;
    invited: number;
    stratify_by: Stratification | null;
    per_stratum: number | null;
    created_by: string;
    created_at: Date;
  };
  study_invitations: {
    participant_id: string;
    study_id: string;
    batch_id: string;
    stratum: string | null;
    token_sha256: string;
    invited_at: Date;
    mailed_at: Date | null;
    reminded_at: Date | null;
    response: InvitationResponse | null;
    responded_at: Date | null;
  };
  study_participants: {
    participant_id: string;
    study_id: string;
    status: SubjectStatus;
    consent_version: number | null;
    consent_sha256: string | null;
    signed_at: Date | null;
    withdrawn_at: Date | null;
    updated_at: Date;
    countersigned_by: string | null;
    countersigned_at: Date | null;
  };
};

export type StudyRow = Selectable<Tables['studies']>;
/** jsonb goes in as its JSON text on both engines, and comes back parsed. */
const jsonText = <T>(value: T) => JSON.stringify(value) as unknown as T;
const json = (value: Criteria) => jsonText(value);
export type TeamRow = Selectable<Tables['study_team']>;
export type SubjectRow = Selectable<Tables['study_participants']>;
export type DataRequestRow = Selectable<Tables['data_requests']>;
export type ExtractRow = Selectable<Tables['extracts']>;
export type NewsRow = Selectable<Tables['study_news']>;
export type BatchRow = Selectable<Tables['invitation_batches']>;
export type InvitationRow = Selectable<Tables['study_invitations']>;
type NewStudy = Omit<
  StudyRow,
  | 'status'
  | 'approved_by'
  | 'approved_at'
  | 'pseudonym_key_version'
  | 'criteria'
  | 'schedule'
  | 'consent_questions'
  | 'countersign'
  | 'enrolment_quota'
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
    | 'countersign'
  >
> & {
  criteria?: Criteria;
  schedule?: Schedule;
  consent_questions?: ConsentQuestion[];
  enrolment_quota?: EnrolmentQuota | null;
};

/** Those taking part (enrolled, or completed) in studies other than this one: any, or those listed. */
export const participantsOfOtherStudies = (studyId: string, studies: 'any' | string[]) => sql<{
  participant_id: string;
}>`
  SELECT DISTINCT participant_id FROM study_participants
  WHERE study_id <> ${studyId} AND status = ANY(${[...TAKING_PART]}::text[])
    ${studies === 'any' ? sql`` : sql`AND study_id = ANY(${studies}::uuid[])`}`;

/** Birth year × 12 + birth month of a member `m` of `memberFacts`; of `eligibility_facts`, it is `born_month`. */
const BORN_MEMBER = sql`(m.birth_year * 12 + m.birth_month)`;
const BORN_FACT = sql`m.born_month`;

/** A member's age band now, from `born`: birth year × 12 + birth month. */
function ageBand(now: Date, born: RawBuilder<unknown>) {
  const nowMonths = now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;
  const age = sql`((${nowMonths} - ${born}) / 12)`;
  return sql<string>`CASE WHEN ${age} < 30 THEN '16-29' WHEN ${age} < 40 THEN '30-39' WHEN ${age} < 50 THEN '40-49'
    WHEN ${age} < 60 THEN '50-59' WHEN ${age} < 70 THEN '60-69' ELSE '70+' END`;
}

/** A member's stratum (`m`, born as `born`) by sex, municipality or age band now; null without a stratification. */
function stratumOf(by: Stratification | null, now: Date, born: RawBuilder<unknown>) {
  if (by === 'sex') return sql<string>`m.sex_at_birth`;
  if (by === 'municipality') return sql<string>`m.municipality_code`;
  if (by === 'age_band') return ageBand(now, born);
  return sql<string>`NULL::text`;
}

/**
 * Each step as a flag column `f<i>` over eligibility facts `m`: whether its condition holds (a fact that is not
 * known, null, fails it), or whether the member is in (`members`) or not in (`excluded`) the step's set, which is
 * left-joined as `j<i>` (each set yields a participant at most once).
 */
function stepFlags(steps: Step[]) {
  const flags = steps.map((step, i) =>
    'condition' in step
      ? sql`((${step.condition}) IS TRUE) AS ${sql.ref(`f${i}`)}`
      : sql`(${sql.ref(`j${i}.participant_id`)} IS ${'members' in step ? sql`NOT NULL` : sql`NULL`}) AS ${sql.ref(`f${i}`)}`,
  );
  const joins = steps.flatMap((step, i) => {
    const set = 'members' in step ? step.members : 'excluded' in step ? step.excluded : null;
    return set
      ? [
          sql`LEFT JOIN (${set}) AS ${sql.ref(`j${i}`)} ON ${sql.ref(`j${i}.participant_id`)} = m.participant_id`,
        ]
      : [];
  });
  return { flags, joins };
}

/**
 * The eligibility facts of every member, or of those of `participants` who are members, from the owning modules'
 * SQL, in the columns of `ELIGIBILITY_COLUMNS`.
 */
const eligibilityFactsOf = (participants?: readonly string[]) => sql`
  SELECT m.participant_id, m.birth_year * 12 + m.birth_month, r.document_version, c.document_version,
         g.wear_days, g.mean_mmol, f.latest_at, f.latest, m.sex_at_birth, m.municipality_code, m.education_level,
         f.reach
  FROM (${memberFacts(participants)}) m
  LEFT JOIN (${grantedConsents('research', participants)}) r ON r.participant_id = m.participant_id
  LEFT JOIN (${grantedConsents('study_contact', participants)}) c ON c.participant_id = m.participant_id
  LEFT JOIN (${scoreReach('findrisc', participants)}) f ON f.participant_id = m.participant_id
  LEFT JOIN (${cgmWear(participants)}) g ON g.participant_id = m.participant_id`;
const ELIGIBILITY_COLUMNS = sql`(participant_id, born_month, research_consent_version, contact_consent_version,
  cgm_wear_days, cgm_mean_mmol, findrisc_latest_at, findrisc_latest, sex_at_birth, municipality_code,
  education_level, findrisc_reach)`;

/**
 * More participants changed than this, and everyone's facts are recomputed in one pass (about 17 s on a million
 * members; a few milliseconds for a few): recomputing them one set at a time is then slower.
 */
const RECOMPUTE_ALL_ABOVE = 20_000;

/** What compiling a study's criteria needs from this module's tables, as of `now`. */
export const criteriaContextOf = (studyId: string, now: Date) => ({
  now,
  inOtherStudies: (studies: 'any' | string[]) => participantsOfOtherStudies(studyId, studies),
});

export function createResearchStore(base: Db) {
  const db = base.withTables<Tables>();

  /**
   * Recomputes the eligibility facts of those whose data the owning modules announced as changed (everyone's,
   * after a bulk load), so that what is counted next is exact as of now: a consent withdrawn a moment ago is
   * already missing from the count. Under a lock, one at a time; nothing to do is one look at the queue.
   */
  const lockEligibility = (trx: Db) =>
    sql`SELECT pg_advisory_xact_lock(hashtextextended('research.eligibility_facts', 0))`.execute(trx);

  async function refreshEligibility(): Promise<number | 'everyone'> {
    if (!(await participantChangesWaiting(base))) return 0;
    return base.transaction().execute(async (trx) => {
      await lockEligibility(trx);
      const changed = await takeParticipantChanges(trx, RECOMPUTE_ALL_ABOVE);
      if (changed === 'everyone') {
        await sql`TRUNCATE eligibility_facts`.execute(trx);
        await sql`INSERT INTO eligibility_facts ${ELIGIBILITY_COLUMNS} ${eligibilityFactsOf()}`.execute(trx);
        // A table filled anew has no statistics yet; the counts' plans need them.
        await sql`ANALYZE eligibility_facts`.execute(trx);
        return 'everyone';
      }
      if (changed.length > 0) {
        await sql`DELETE FROM eligibility_facts WHERE participant_id = ANY(${changed}::uuid[])`.execute(trx);
        await sql`INSERT INTO eligibility_facts ${ELIGIBILITY_COLUMNS} ${eligibilityFactsOf(changed)}`.execute(
          trx,
        );
      }
      return changed.length;
    });
  }

  return {
    refreshEligibility,
    /** The participant's eligibility facts as stored (their GDPR export). */
    async eligibilityFactsOf(participantId: string) {
      const { rows } = await sql<Record<string, unknown>>`
        SELECT * FROM eligibility_facts WHERE participant_id = ${participantId}`.execute(db);
      return rows;
    },
    /** Erasure, once the modules the facts derive from erased the participant (see createEligibilityEraser). */
    forgetEligibility: (participantId: string) =>
      base.transaction().execute(async (trx) => {
        await lockEligibility(trx);
        const facts =
          await sql`DELETE FROM eligibility_facts WHERE participant_id = ${participantId}`.execute(trx);
        return [
          { table: 'eligibility_facts', removed: Number(facts.numAffectedRows ?? 0) },
          { table: 'participant_changes', removed: await forgetParticipantChanges(trx, participantId) },
        ];
      }),
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
            schedule: jsonText(EMPTY_SCHEDULE),
            consent_questions: jsonText([]),
            countersign: false,
            enrolment_quota: null,
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
    /** The teams of several studies at once, each in the order its members were added. */
    async teamsOf(studyIds: string[]): Promise<Map<string, TeamRow[]>> {
      const teams = new Map<string, TeamRow[]>();
      if (studyIds.length === 0) return teams;
      const rows = await db
        .selectFrom('study_team')
        .selectAll()
        .where('study_id', 'in', studyIds)
        .orderBy('added_at')
        .execute();
      for (const row of rows) teams.set(row.study_id, [...(teams.get(row.study_id) ?? []), row]);
      return teams;
    },
    /** The study, if the account is on its team. */
    studyOfTeam: (id: string, accountId: string) =>
      db
        .selectFrom('studies')
        .innerJoin('study_team', 'study_team.study_id', 'studies.id')
        .selectAll('studies')
        .where('studies.id', '=', id)
        .where('study_team.account_id', '=', accountId)
        .executeTakeFirst(),
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
      const { criteria, schedule, consent_questions, enrolment_quota, ...texts } = changes;
      const result = await db
        .updateTable('studies')
        .set({
          ...texts,
          ...(criteria ? { criteria: json(criteria) } : {}),
          ...(schedule ? { schedule: jsonText(schedule) } : {}),
          ...(consent_questions ? { consent_questions: jsonText(consent_questions) } : {}),
          ...(enrolment_quota !== undefined
            ? { enrolment_quota: enrolment_quota === null ? null : jsonText(enrolment_quota) }
            : {}),
          updated_at: at,
        })
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
      return db.transaction().execute(async (trx) => {
        const tx = trx.withTables<Tables>();
        const result = await tx
          .updateTable('studies')
          .set({
            status: to,
            updated_at: at,
            ...(approvedBy ? { approved_by: approvedBy, approved_at: at } : {}),
          })
          .where('id', '=', id)
          .where('status', '=', from)
          .executeTakeFirst();
        const moved = Number(result.numUpdatedRows) > 0;
        // A completed study has completed its participants: those still enrolled took part to the end.
        if (moved && to === 'completed') {
          await tx
            .updateTable('study_participants')
            .set({ status: 'completed', updated_at: at })
            .where('study_id', '=', id)
            .where('status', '=', 'enrolled')
            .execute();
        }
        return moved;
      });
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
    /**
     * Records the signed e-consent — enrolled, or `eligible` while a countersignature is awaited — whatever the
     * participant's status in the study was before; or `full` when the study's quota has no place left, in all
     * or in the participant's stratum. Checked and written under a lock on the study, so that two signing at
     * once never both take the last place.
     */
    async enrol(
      row: Omit<SubjectRow, 'status' | 'withdrawn_at' | 'countersigned_by' | 'countersigned_at'>,
      status: 'enrolled' | 'eligible',
      quota: EnrolmentQuota | null,
      now: Date,
    ): Promise<SubjectRow | 'full'> {
      return db.transaction().execute(async (trx) => {
        if (quota) {
          await sql`SELECT pg_advisory_xact_lock(hashtextextended(${row.study_id}, 0))`.execute(trx);
          const stratum = stratumOf(quota.stratifyBy ?? null, now, BORN_MEMBER);
          const { rows } = await sql<{ total: number; same: number }>`
            SELECT count(*)::int AS total,
                   count(*) FILTER (WHERE ${stratum} IS NOT DISTINCT FROM (
                     SELECT ${stratum} FROM (${memberFacts()}) m WHERE m.participant_id = ${row.participant_id}))::int AS same
            FROM study_participants p JOIN (${memberFacts()}) m ON m.participant_id = p.participant_id
            WHERE p.study_id = ${row.study_id} AND p.participant_id <> ${row.participant_id}
              AND p.status IN ('eligible', 'enrolled', 'completed')`.execute(trx);
          const taken = rows[0] ?? { total: 0, same: 0 };
          if (quota.total !== undefined && taken.total >= quota.total) return 'full';
          if (quota.perStratum !== undefined && taken.same >= quota.perStratum) return 'full';
        }
        return trx
          .withTables<Tables>()
          .insertInto('study_participants')
          .values({ ...row, status, withdrawn_at: null, countersigned_by: null, countersigned_at: null })
          .onConflict((oc) =>
            oc.columns(['participant_id', 'study_id']).doUpdateSet({
              status,
              countersigned_by: null,
              countersigned_at: null,
              consent_version: row.consent_version,
              consent_sha256: row.consent_sha256,
              signed_at: row.signed_at,
              withdrawn_at: null,
              updated_at: row.updated_at,
            }),
          )
          .returningAll()
          .executeTakeFirstOrThrow();
      });
    },
    /** Withdraws the participant; false when they were not taking part. */
    async withdraw(studyId: string, participantId: string, at: Date): Promise<boolean> {
      const result = await db
        .updateTable('study_participants')
        .set({ status: 'withdrawn', withdrawn_at: at, updated_at: at })
        .where('study_id', '=', studyId)
        .where('participant_id', '=', participantId)
        .where('status', 'in', ['eligible', ...TAKING_PART])
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    /** A researcher countersigns a signature awaiting it: the participant is enrolled from now on. */
    async countersign(studyId: string, participantId: string, by: string, at: Date): Promise<boolean> {
      const result = await db
        .updateTable('study_participants')
        .set({ status: 'enrolled', countersigned_by: by, countersigned_at: at, updated_at: at })
        .where('study_id', '=', studyId)
        .where('participant_id', '=', participantId)
        .where('status', '=', 'eligible')
        .where('signed_at', 'is not', null)
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
    /** Those who signed the study's consent and await a researcher's countersignature, first signed first. */
    awaitingCountersignature: (studyId: string) =>
      db
        .selectFrom('study_participants')
        .selectAll()
        .where('study_id', '=', studyId)
        .where('status', '=', 'eligible')
        .where('signed_at', 'is not', null)
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
     * the members who pass them all per municipality and per age band, in one pass over the eligibility facts:
     * each member is counted once, under the first step they fail (or as passing all), with their municipality
     * and age band, in one plain GROUP BY of a few thousand groups. A step's count is then everyone whose first
     * failure comes later.
     */
    async feasibility(steps: Step[], now: Date) {
      await refreshEligibility();
      const { flags, joins } = stepFlags(steps);
      const all = steps.length;
      const firstFailed = sql<number>`CASE ${sql.join(
        steps.map((_, i) => sql`WHEN NOT ${sql.ref(`f.f${i}`)} THEN ${sql.lit(i)}`),
        sql` `,
      )} ELSE ${sql.lit(all)} END`;
      const count = sql<{
        failed_at: number;
        municipality_code: string | null;
        band: string | null;
        n: number;
      }>`
        SELECT g.failed_at, g.municipality_code, g.band, count(*)::int AS n
        FROM (
          SELECT ${firstFailed} AS failed_at, f.municipality_code, f.band
          FROM (
            SELECT m.municipality_code, ${ageBand(now, BORN_FACT)} AS band, ${sql.join(flags)}
            FROM eligibility_facts m ${sql.join(joins, sql` `)}
          ) f
        ) g
        GROUP BY 1, 2, 3`;
      const { rows } = await db.transaction().execute(async (trx) => {
        // The planner takes the groups of computed keys for as many as the members (a few thousand in fact), and
        // may sort a million rows rather than hash them (bench/RESULTS.md: 0.49 s against 0.18–0.3 s); compiling
        // the query to machine code (JIT) costs more than it saves here.
        await sql`SET LOCAL enable_sort = off`.execute(trx);
        await sql`SET LOCAL jit = off`.execute(trx);
        return count.execute(trx);
      });
      const byMunicipality = new Map<string, number>();
      const byAgeBand = new Map<string, number>();
      // Every municipality and band where members live is listed, with those of them passing all (maybe none).
      for (const row of rows) {
        const passing = Number(row.failed_at) === all ? Number(row.n) : 0;
        const code = String(row.municipality_code);
        const band = String(row.band);
        byMunicipality.set(code, (byMunicipality.get(code) ?? 0) + passing);
        byAgeBand.set(band, (byAgeBand.get(band) ?? 0) + passing);
      }
      return {
        funnel: steps.map((_, i) =>
          rows.filter((row) => Number(row.failed_at) > i).reduce((sum, row) => sum + Number(row.n), 0),
        ),
        byMunicipality: [...byMunicipality].map(([code, count]) => ({ code, count })),
        byAgeBand: [...byAgeBand].map(([band, count]) => ({ band, count })),
      };
    },
    async createRequest(
      row: Omit<DataRequestRow, 'status' | 'conditions' | 'decision_note' | 'decided_by' | 'decided_at'>,
    ) {
      await db
        .insertInto('data_requests')
        .values({
          ...row,
          datasets: jsonText(row.datasets),
          formats: jsonText(row.formats),
          status: 'submitted',
          conditions: null,
          decision_note: null,
          decided_by: null,
          decided_at: null,
        })
        .execute();
    },
    request: (id: string) =>
      db.selectFrom('data_requests').selectAll().where('id', '=', id).executeTakeFirst(),
    /** A study's requests, newest first. */
    requestsOf: (studyId: string) =>
      db
        .selectFrom('data_requests')
        .selectAll()
        .where('study_id', '=', studyId)
        .orderBy('created_at', 'desc')
        .execute(),
    /** Requests waiting for a data steward, oldest first. */
    openRequests: () =>
      db
        .selectFrom('data_requests')
        .selectAll()
        .where('status', '=', 'submitted')
        .orderBy('created_at')
        .execute(),
    /** Records the steward's decision; false when the request was decided meanwhile. */
    async decide(
      id: string,
      decision: Pick<DataRequestRow, 'status' | 'conditions' | 'decision_note' | 'decided_by' | 'decided_at'>,
    ): Promise<boolean> {
      const result = await db
        .updateTable('data_requests')
        .set(decision)
        .where('id', '=', id)
        .where('status', '=', 'submitted')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async createExtract(
      row: Pick<
        ExtractRow,
        'id' | 'request_id' | 'study_id' | 'started_by' | 'progress_total' | 'created_at'
      >,
    ) {
      await db
        .insertInto('extracts')
        .values({ ...row, status: 'queued', progress_done: 0 })
        .execute();
    },
    extract: (id: string) => db.selectFrom('extracts').selectAll().where('id', '=', id).executeTakeFirst(),
    /** A study's extracts, newest first. */
    extractsOf: (studyId: string) =>
      db
        .selectFrom('extracts')
        .selectAll()
        .where('study_id', '=', studyId)
        .orderBy('created_at', 'desc')
        .execute(),
    /** Moves a queued extract to running; false when it is not queued (run already, or expired). */
    async startExtract(id: string, at: Date): Promise<boolean> {
      const result = await db
        .updateTable('extracts')
        .set({ status: 'running', started_at: at })
        .where('id', '=', id)
        .where('status', '=', 'queued')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async extractProgress(id: string, done: number, participants: number) {
      await db
        .updateTable('extracts')
        .set({ progress_done: done, participants })
        .where('id', '=', id)
        .execute();
    },
    async finishExtract(
      id: string,
      outcome: Pick<ExtractRow, 'status' | 'manifest' | 'error' | 'finished_at' | 'expires_at'>,
    ) {
      await db
        .updateTable('extracts')
        .set({ ...outcome, manifest: outcome.manifest ? jsonText(outcome.manifest) : null })
        .where('id', '=', id)
        .execute();
    },
    /** Ready extracts whose time is up. */
    expiredExtracts: (now: Date) =>
      db
        .selectFrom('extracts')
        .select('id')
        .where('status', '=', 'ready')
        .where('expires_at', '<=', now)
        .execute(),
    async expireExtract(id: string) {
      await db.updateTable('extracts').set({ status: 'expired' }).where('id', '=', id).execute();
    },
    async publishNews(row: NewsRow) {
      await db.insertInto('study_news').values(row).execute();
    },
    news: (id: string) => db.selectFrom('study_news').selectAll().where('id', '=', id).executeTakeFirst(),
    /** A study's news, newest first. */
    newsOf: (studyId: string) =>
      db
        .selectFrom('study_news')
        .selectAll()
        .where('study_id', '=', studyId)
        .orderBy('published_at', 'desc')
        .execute(),
    /** What a participant is told: news of the studies they take or took part in, and news for the whole panel. */
    newsFor: (participantId: string, limit: number) =>
      db
        .selectFrom('study_news')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb('audience', '=', 'panel'),
            eb(
              'study_id',
              'in',
              eb
                .selectFrom('study_participants')
                .select('study_id')
                .where('participant_id', '=', participantId)
                .where('status', 'in', [...TAKING_PART]),
            ),
          ]),
        )
        .orderBy('published_at', 'desc')
        .limit(limit)
        .execute(),
    /**
     * The next recipients of a news item not yet dealt with, in id order: those taking part (enrolled or
     * completed) in its study, or, for the panel, every member (`members` is the participants module's set).
     */
    async nextRecipients(
      news: NewsRow,
      members: RawBuilder<{ participant_id: string }>,
      after: string | null,
      limit: number,
    ): Promise<string[]> {
      const candidates =
        news.audience === 'panel'
          ? sql<{ participant_id: string }>`SELECT participant_id FROM (${members}) m`
          : sql<{ participant_id: string }>`
              SELECT participant_id FROM study_participants
              WHERE study_id = ${news.study_id} AND status = ANY(${[...TAKING_PART]}::text[])`;
      const { rows } = await sql<{ participant_id: string }>`
        SELECT c.participant_id FROM (${candidates}) c
        WHERE ${after === null ? sql`TRUE` : sql`c.participant_id > ${after}`}
          AND NOT EXISTS (
            SELECT 1 FROM study_news_mailings d WHERE d.participant_id = c.participant_id AND d.news_id = ${news.id})
        ORDER BY c.participant_id LIMIT ${limit}`.execute(db);
      return rows.map((row) => row.participant_id);
    },
    /** The news mailings that dealt with a participant (their GDPR export). */
    mailingsOf: (participantId: string) =>
      db
        .selectFrom('study_news_mailings')
        .select(['news_id', 'mailed_at'])
        .where('participant_id', '=', participantId)
        .orderBy('news_id')
        .execute(),
    /** Records that the mailing dealt with a participant (mailed or not); false when it had already. */
    async recordMailing(newsId: string, participantId: string, mailedAt: Date | null): Promise<boolean> {
      const result = await db
        .insertInto('study_news_mailings')
        .values({ participant_id: participantId, news_id: newsId, mailed_at: mailedAt })
        .onConflict((oc) => oc.columns(['participant_id', 'news_id']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    /**
     * Members passing every step who were never invited to the study and do not take part in it, in an order
     * random but fixed by `seed` (the MD5 of id and seed), at most `limit`; with a stratification, at most
     * `perStratum` invitations per stratum, counting those the study sent before. Each with its stratum.
     */
    async invitees(
      studyId: string,
      steps: Step[],
      now: Date,
      options: { limit: number; seed: string; stratifyBy: Stratification | null; perStratum: number | null },
    ): Promise<{ participant_id: string; stratum: string | null }[]> {
      await refreshEligibility();
      const { flags, joins } = stepFlags(steps);
      const passesAll = sql.join(
        steps.map((_, i) => sql.ref(`f.f${i}`)),
        sql` AND `,
      );
      const stratum = stratumOf(options.stratifyBy, now, BORN_FACT);
      const { rows } = await sql<{ participant_id: string; stratum: string | null }>`
        SELECT c.participant_id, c.stratum FROM (
          SELECT f.participant_id, f.stratum, f.draw,
                 row_number() OVER (PARTITION BY f.stratum ORDER BY f.draw) + coalesce(q.sent, 0) AS place
          FROM (
            SELECT m.participant_id, ${stratum} AS stratum, md5(m.participant_id::text || ${options.seed}) AS draw,
                   ${sql.join(flags)}
            FROM eligibility_facts m ${sql.join(joins, sql` `)}
          ) f
          LEFT JOIN (
            SELECT stratum, count(*)::int AS sent FROM study_invitations WHERE study_id = ${studyId} GROUP BY stratum
          ) q ON q.stratum IS NOT DISTINCT FROM f.stratum
          WHERE ${passesAll}
            AND NOT EXISTS (
              SELECT 1 FROM study_invitations i WHERE i.participant_id = f.participant_id AND i.study_id = ${studyId})
            AND NOT EXISTS (
              SELECT 1 FROM study_participants p WHERE p.participant_id = f.participant_id AND p.study_id = ${studyId})
        ) c
        WHERE ${options.perStratum === null ? sql`TRUE` : sql`c.place <= ${options.perStratum}`}
        ORDER BY c.draw
        LIMIT ${options.limit}`.execute(db);
      return rows;
    },
    async createBatch(batch: BatchRow, invitations: InvitationRow[]) {
      await db.transaction().execute(async (trx) => {
        const tx = trx.withTables<Tables>();
        await tx.insertInto('invitation_batches').values(batch).execute();
        for (let i = 0; i < invitations.length; i += 1000) {
          await tx
            .insertInto('study_invitations')
            .values(invitations.slice(i, i + 1000))
            .execute();
        }
      });
    },
    batch: (id: string) =>
      db.selectFrom('invitation_batches').selectAll().where('id', '=', id).executeTakeFirst(),
    batchesOf: (studyId: string) =>
      db
        .selectFrom('invitation_batches')
        .selectAll()
        .where('study_id', '=', studyId)
        .orderBy('created_at', 'desc')
        .execute(),
    /** Per batch: how many were invited, mailed, reminded, interested, declined. */
    async batchCounts(studyId: string) {
      return db
        .selectFrom('study_invitations')
        .select((eb) => [
          'batch_id',
          eb.fn.countAll<number>().as('invited'),
          eb.fn.count<number>('mailed_at').as('mailed'),
          eb.fn.count<number>('reminded_at').as('reminded'),
          sql<number>`count(*) FILTER (WHERE response = 'interested')::int`.as('interested'),
          sql<number>`count(*) FILTER (WHERE response = 'declined')::int`.as('declined'),
        ])
        .where('study_id', '=', studyId)
        .groupBy('batch_id')
        .execute();
    },
    /** Invitations of a batch not mailed yet, at most `limit`. */
    unmailed: (batchId: string, limit: number) =>
      db
        .selectFrom('study_invitations')
        .selectAll()
        .where('batch_id', '=', batchId)
        .where('mailed_at', 'is', null)
        .orderBy('participant_id')
        .limit(limit)
        .execute(),
    async markMailed(participantId: string, studyId: string, at: Date, field: 'mailed_at' | 'reminded_at') {
      await db
        .updateTable('study_invitations')
        .set({ [field]: at })
        .where('participant_id', '=', participantId)
        .where('study_id', '=', studyId)
        .execute();
    },
    /** Invitations of recruiting studies mailed before `mailedBefore`, unanswered and not reminded yet. */
    dueReminders: (mailedBefore: Date, limit: number) =>
      db
        .selectFrom('study_invitations as i')
        .innerJoin('studies as s', 's.id', 'i.study_id')
        .selectAll('i')
        .where('s.status', '=', 'recruiting')
        .where('i.response', 'is', null)
        .where('i.reminded_at', 'is', null)
        .where('i.mailed_at', '<', mailedBefore)
        .limit(limit)
        .execute(),
    invitationByToken: (tokenSha256: string) =>
      db
        .selectFrom('study_invitations')
        .selectAll()
        .where('token_sha256', '=', tokenSha256)
        .executeTakeFirst(),
    invitationsOf: (participantId: string) =>
      db
        .selectFrom('study_invitations')
        .selectAll()
        .where('participant_id', '=', participantId)
        .orderBy('invited_at', 'desc')
        .execute(),
    /**
     * Records the answer to an invitation. Who says they are interested becomes a candidate of the study (FHIR
     * ResearchSubject `candidate`) until they sign its consent, and stops being one when they decline after all;
     * someone already taking part stays as they are.
     */
    async respond(participantId: string, studyId: string, response: InvitationResponse, at: Date) {
      return db.transaction().execute(async (trx) => {
        const tx = trx.withTables<Tables>();
        const result = await tx
          .updateTable('study_invitations')
          .set({ response, responded_at: at })
          .where('participant_id', '=', participantId)
          .where('study_id', '=', studyId)
          .executeTakeFirst();
        const answered = Number(result.numUpdatedRows) > 0;
        if (answered && response === 'interested') {
          await tx
            .insertInto('study_participants')
            .values({
              participant_id: participantId,
              study_id: studyId,
              status: 'candidate',
              consent_version: null,
              consent_sha256: null,
              signed_at: null,
              withdrawn_at: null,
              updated_at: at,
            })
            .onConflict((oc) => oc.columns(['participant_id', 'study_id']).doNothing())
            .execute();
        }
        if (answered && response === 'declined') {
          await tx
            .deleteFrom('study_participants')
            .where('participant_id', '=', participantId)
            .where('study_id', '=', studyId)
            .where('status', '=', 'candidate')
            .execute();
        }
        return answered;
      });
    },
    /** Whether one member passes each step (none when they are not a member). */
    async stepsPassedBy(steps: Step[], participantId: string): Promise<boolean[] | null> {
      await refreshEligibility();
      const { flags, joins } = stepFlags(steps);
      const { rows } = await sql<Record<string, boolean>>`
        SELECT ${sql.join(flags)} FROM eligibility_facts m ${sql.join(joins, sql` `)}
        WHERE m.participant_id = ${participantId}`.execute(db);
      const row = rows[0];
      return row ? steps.map((_, i) => row[`f${i}`] === true) : null;
    },
    async erase(participantId: string) {
      const invitations = await db
        .deleteFrom('study_invitations')
        .where('participant_id', '=', participantId)
        .executeTakeFirst();
      const mailings = await db
        .deleteFrom('study_news_mailings')
        .where('participant_id', '=', participantId)
        .executeTakeFirst();
      const result = await db
        .deleteFrom('study_participants')
        .where('participant_id', '=', participantId)
        .executeTakeFirst();
      return [
        { table: 'study_invitations', removed: Number(invitations.numDeletedRows) },
        { table: 'study_news_mailings', removed: Number(mailings.numDeletedRows) },
        { table: 'study_participants', removed: Number(result.numDeletedRows) },
      ];
    },
  };
}

export type ResearchStore = ReturnType<typeof createResearchStore>;

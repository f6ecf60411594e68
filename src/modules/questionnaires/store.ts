import type { Questionnaire, QuestionnaireResponseItem } from '@medplum/fhirtypes';
import { type Generated, type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type {
  QuestionnaireRecord,
  QuestionnaireSource,
  QuestionnaireStatus,
  ResponseRecord,
  ResponseStatus,
  ScoreRecord,
} from './model.ts';
import type { Score, ScoringModel } from './scoring.ts';

type Tables = {
  questionnaires: {
    id: string;
    url: string;
    version: number;
    status: QuestionnaireStatus;
    name: string | null;
    title_nl: string;
    title_en: string;
    scoring: ScoringModel | null;
    repeat_months: number | null;
    source: QuestionnaireSource;
    resource: Questionnaire;
    created_by: string | null;
    created_at: Generated<Date>;
    activated_at: Date | null;
    retired_at: Date | null;
  };
  questionnaire_responses: {
    participant_id: string;
    id: string;
    questionnaire_id: string;
    questionnaire_url: string;
    status: ResponseStatus;
    items: QuestionnaireResponseItem[];
    created_at: Date;
    updated_at: Date;
    authored_at: Date | null;
  };
  questionnaire_scores: {
    participant_id: string;
    id: string;
    response_id: string;
    model: ScoringModel;
    model_version: string;
    score: number;
    category: string;
    probability: number | null;
    input: Record<string, unknown>;
    result: Record<string, unknown>;
    computed_at: Date;
  };
  questionnaire_reminders: {
    participant_id: string;
    questionnaire_url: string;
    due_on: string;
    mailed_at: Date | null;
    created_at: Generated<Date>;
  };
};

const toQuestionnaire = (row: Selectable<Tables['questionnaires']>): QuestionnaireRecord => ({
  id: row.id,
  url: row.url,
  version: row.version,
  status: row.status,
  name: row.name,
  title: { nl: row.title_nl, en: row.title_en },
  scoring: row.scoring,
  repeatMonths: row.repeat_months,
  source: row.source,
  resource: row.resource,
  createdAt: row.created_at,
  activatedAt: row.activated_at,
  retiredAt: row.retired_at,
});

const toResponse = (row: Selectable<Tables['questionnaire_responses']>): ResponseRecord => ({
  participantId: row.participant_id,
  id: row.id,
  questionnaireId: row.questionnaire_id,
  questionnaireUrl: row.questionnaire_url,
  status: row.status,
  items: row.items,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  authoredAt: row.authored_at,
});

const toScore = (row: Selectable<Tables['questionnaire_scores']>): ScoreRecord => ({
  participantId: row.participant_id,
  id: row.id,
  responseId: row.response_id,
  model: row.model,
  modelVersion: row.model_version,
  score: row.score,
  category: row.category,
  probability: row.probability,
  input: row.input,
  result: row.result,
  computedAt: row.computed_at,
});

// jsonb parameters: the pg driver would send a top-level array as a PostgreSQL array, not JSON.
const json = (value: unknown) => JSON.stringify(value);

/**
 * Per participant with scores of a model (findrisc, ada, who5) — all, or those of `participants` — what decides
 * "a score of at least x computed since a date" in one comparison, as a subquery for data derived over many people
 * (research's eligibility facts); scores count as whole numbers (rounded down):
 * - `latest_at` and `latest`: the latest computation and its score. When it is also the highest score, the
 *   answer is `latest >= x AND latest_at >= since`, and `reach` is null.
 * - otherwise `reach`, where `reach[x + 1]` is the latest time a score of at least x was computed: the answer is
 *   `reach[x + 1] >= since` (null past the highest score). Most people's latest score is their highest, so most
 *   rows carry no array.
 */
export const scoreReach = (model: string, participants?: readonly string[]) => sql<{
  participant_id: string;
  latest_at: Date;
  latest: number;
  reach: Date[] | null;
}>`
  SELECT l.participant_id, l.latest_at, l.latest, r.reach
  FROM (
    SELECT participant_id, max(computed_at) AS latest_at,
           (array_agg(floor(score)::int ORDER BY computed_at DESC, score DESC))[1] AS latest,
           max(floor(score))::int AS highest
    FROM questionnaire_scores
    WHERE model = ${model} ${participants ? sql`AND participant_id = ANY(${participants}::uuid[])` : sql``}
    GROUP BY participant_id
  ) l
  LEFT JOIN LATERAL (
    SELECT array_agg(t.reached ORDER BY t.at_least) AS reach
    FROM (
      SELECT a.at_least, max(s.computed_at) AS reached
      FROM questionnaire_scores s CROSS JOIN LATERAL generate_series(0, floor(s.score)::int) AS a(at_least)
      WHERE s.participant_id = l.participant_id AND s.model = ${model} AND l.highest > l.latest
      GROUP BY a.at_least
    ) t
  ) r ON TRUE`;

/**
 * For research schedules: the first completed response to an instrument (whichever version) in a task's window,
 * as a LATERAL subquery over `task` (a row with participant_id, opens_at and closes_at).
 */
export const completedWithin = (url: string, task: string) => sql<{ done_at: Date | null }>`
  SELECT min(r.authored_at) AS done_at FROM questionnaire_responses r
  WHERE r.participant_id = ${sql.ref(`${task}.participant_id`)} AND r.questionnaire_url = ${url}
    AND r.status = 'completed'
    AND r.authored_at >= ${sql.ref(`${task}.opens_at`)} AND r.authored_at < ${sql.ref(`${task}.closes_at`)}`;

/**
 * For research extracts: the scores of a model computed in a subject's extract window, as a LATERAL subquery over
 * `subject` (a row with participant_id, period_from, period_to). Without parameters, as COPY … TO needs: the
 * model is one of the platform's own, written as a literal.
 */
export const scoresWithin = (model: 'findrisc' | 'ada' | 'who5', subject: string) => sql<{
  computed_at: Date;
  score: number;
  category: string;
  probability: number | null;
}>`
  SELECT q.computed_at, q.score, q.category, q.probability FROM questionnaire_scores q
  WHERE q.participant_id = ${sql.ref(`${subject}.participant_id`)} AND q.model = ${sql.lit(model)}
    AND q.computed_at >= ${sql.ref(`${subject}.period_from`)} AND q.computed_at < ${sql.ref(`${subject}.period_to`)}`;

export function createQuestionnaireStore(base: Db) {
  const db = base.withTables<Tables>();

  return {
    async questionnaire(id: string): Promise<QuestionnaireRecord | undefined> {
      const row = await db.selectFrom('questionnaires').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toQuestionnaire(row);
    },
    async questionnaires(filter: { status?: QuestionnaireStatus; url?: string } = {}) {
      let query = db.selectFrom('questionnaires').selectAll().orderBy('url').orderBy('version');
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.url) query = query.where('url', '=', filter.url);
      return (await query.execute()).map(toQuestionnaire);
    },
    async hasUrl(url: string): Promise<boolean> {
      const row = await db
        .selectFrom('questionnaires')
        .select('id')
        .where('url', '=', url)
        .executeTakeFirst();
      return row !== undefined;
    },
    /** Adds the next version of an instrument (version 1 for a new url) as a draft. */
    async insertVersion(input: {
      id: string;
      url: string;
      name: string | null;
      title: { nl: string; en: string };
      scoring: ScoringModel | null;
      source: QuestionnaireSource;
      resource: (version: number) => Questionnaire;
      createdBy: string | null;
      status?: QuestionnaireStatus;
      /** Adds nothing when the url has a version already (installing the shipped library). */
      onlyIfNew?: boolean;
      now: Date;
    }): Promise<QuestionnaireRecord | undefined> {
      return base.transaction().execute(async (trx) => {
        const tx = trx.withTables<Tables>();
        // Serialises concurrent imports of one url, so that two never take the same version.
        await sql`SELECT pg_advisory_xact_lock(hashtext(${`questionnaire:${input.url}`}))`.execute(tx);
        const last = await tx
          .selectFrom('questionnaires')
          .select((eb) => eb.fn.max('version').as('version'))
          .where('url', '=', input.url)
          .executeTakeFirst();
        if (input.onlyIfNew && last?.version) return undefined;
        const version = (last?.version ?? 0) + 1;
        const status = input.status ?? 'draft';
        const row = await tx
          .insertInto('questionnaires')
          .values({
            id: input.id,
            url: input.url,
            version,
            status,
            name: input.name,
            title_nl: input.title.nl,
            title_en: input.title.en,
            scoring: input.scoring,
            repeat_months: null,
            source: input.source,
            resource: json(input.resource(version)) as never,
            created_by: input.createdBy,
            activated_at: status === 'active' ? input.now : null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toQuestionnaire(row);
      });
    },
    async replaceDraft(
      id: string,
      input: {
        name: string | null;
        title: { nl: string; en: string };
        scoring: ScoringModel | null;
        resource: Questionnaire;
      },
    ): Promise<QuestionnaireRecord | undefined> {
      const row = await db
        .updateTable('questionnaires')
        .set({
          name: input.name,
          title_nl: input.title.nl,
          title_en: input.title.en,
          scoring: input.scoring,
          resource: json(input.resource) as never,
        })
        .where('id', '=', id)
        .where('status', '=', 'draft')
        .returningAll()
        .executeTakeFirst();
      return row && toQuestionnaire(row);
    },
    /** Makes one version the instrument's active one; the version active before is retired. */
    async activate(id: string, url: string, repeatMonths: number | null, now: Date) {
      return base.transaction().execute(async (trx) => {
        const tx = trx.withTables<Tables>();
        await tx
          .updateTable('questionnaires')
          .set({ status: 'retired', retired_at: now })
          .where('url', '=', url)
          .where('status', '=', 'active')
          .where('id', '!=', id)
          .execute();
        const row = await tx
          .updateTable('questionnaires')
          .set({ status: 'active', activated_at: now, retired_at: null, repeat_months: repeatMonths })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toQuestionnaire(row);
      });
    },
    async retire(id: string, now: Date) {
      const row = await db
        .updateTable('questionnaires')
        .set({ status: 'retired', retired_at: now })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toQuestionnaire(row);
    },

    async draftOf(participantId: string, url: string): Promise<ResponseRecord | undefined> {
      const row = await db
        .selectFrom('questionnaire_responses')
        .selectAll()
        .where('participant_id', '=', participantId)
        .where('questionnaire_url', '=', url)
        .where('status', '=', 'in-progress')
        .executeTakeFirst();
      return row && toResponse(row);
    },
    /** Saves the participant's draft of an instrument, continuing the one there is. */
    /** The participant's drafts, by questionnaire url (at most one each). */
    async draftsOf(participantId: string): Promise<Map<string, ResponseRecord>> {
      const rows = await db
        .selectFrom('questionnaire_responses')
        .selectAll()
        .where('participant_id', '=', participantId)
        .where('status', '=', 'in-progress')
        .execute();
      return new Map(rows.map((row) => [row.questionnaire_url, toResponse(row)]));
    },
    async saveDraft(input: {
      participantId: string;
      newId: string;
      questionnaireId: string;
      url: string;
      items: QuestionnaireResponseItem[];
      now: Date;
    }): Promise<ResponseRecord> {
      const row = await db
        .insertInto('questionnaire_responses')
        .values({
          participant_id: input.participantId,
          id: input.newId,
          questionnaire_id: input.questionnaireId,
          questionnaire_url: input.url,
          status: 'in-progress',
          items: json(input.items) as never,
          created_at: input.now,
          updated_at: input.now,
          authored_at: null,
        })
        .onConflict((oc) =>
          oc
            .columns(['participant_id', 'questionnaire_url'])
            .where('status', '=', 'in-progress')
            .doUpdateSet((eb) => ({
              questionnaire_id: eb.ref('excluded.questionnaire_id'),
              items: eb.ref('excluded.items'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toResponse(row);
    },
    async deleteDraft(participantId: string, url: string): Promise<boolean> {
      const result = await db
        .deleteFrom('questionnaire_responses')
        .where('participant_id', '=', participantId)
        .where('questionnaire_url', '=', url)
        .where('status', '=', 'in-progress')
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    /**
     * Stores a completed response (the draft, if any, becomes it) and its score in one statement: a response
     * is never kept without the score its submission computed, and a submission costs one round trip.
     */
    async complete(input: {
      participantId: string;
      newId: string;
      questionnaireId: string;
      url: string;
      items: QuestionnaireResponseItem[];
      now: Date;
      score: (Score & { id: string }) | null;
    }): Promise<{ response: ResponseRecord; score: ScoreRecord | null }> {
      const score = input.score;
      const { rows } = await sql<
        Selectable<Tables['questionnaire_responses']> & {
          score_id: string | null;
          score_computed_at: Date | null;
        }
      >`
        WITH draft AS (
          UPDATE questionnaire_responses
          SET status = 'completed', questionnaire_id = ${input.questionnaireId}, items = ${json(input.items)}::jsonb,
              updated_at = ${input.now}, authored_at = ${input.now}
          WHERE participant_id = ${input.participantId} AND questionnaire_url = ${input.url} AND status = 'in-progress'
          RETURNING *
        ), fresh AS (
          INSERT INTO questionnaire_responses
            (participant_id, id, questionnaire_id, questionnaire_url, status, items, created_at, updated_at, authored_at)
          SELECT ${input.participantId}, ${input.newId}, ${input.questionnaireId}, ${input.url}, 'completed',
                 ${json(input.items)}::jsonb, ${input.now}, ${input.now}, ${input.now}
          WHERE NOT EXISTS (SELECT 1 FROM draft)
          RETURNING *
        ), response AS (
          SELECT * FROM draft UNION ALL SELECT * FROM fresh
        ), score AS (
          INSERT INTO questionnaire_scores
            (participant_id, id, response_id, model, model_version, score, category, probability, input, result, computed_at)
          SELECT participant_id, ${score?.id ?? null}::uuid, id, ${score?.model ?? null}, ${score?.modelVersion ?? null},
                 ${score?.score ?? null}::double precision, ${score?.category ?? null},
                 ${score?.probability ?? null}::double precision, ${json(score?.input ?? null)}::jsonb,
                 ${json(score?.result ?? null)}::jsonb, ${input.now}
          FROM response WHERE ${score !== null}
          RETURNING id, computed_at
        )
        SELECT response.*, score.id AS score_id, score.computed_at AS score_computed_at
        FROM response LEFT JOIN score ON true`.execute(db);
      const [row] = rows;
      if (!row) throw new Error('the response was not stored');
      const { score_id, score_computed_at, ...response } = row;
      return {
        response: toResponse(response),
        score:
          score && score_id && score_computed_at
            ? {
                participantId: input.participantId,
                id: score_id,
                responseId: response.id,
                model: score.model,
                modelVersion: score.modelVersion,
                score: score.score,
                category: score.category,
                probability: score.probability,
                input: score.input,
                result: score.result,
                computedAt: score_computed_at,
              }
            : null,
      };
    },
    /** Adds the score of a response given earlier; the one there is when it was scored already. */
    async addScore(participantId: string, responseId: string, score: Score & { id: string }, now: Date) {
      await db
        .insertInto('questionnaire_scores')
        .values({
          participant_id: participantId,
          id: score.id,
          response_id: responseId,
          model: score.model,
          model_version: score.modelVersion,
          score: score.score,
          category: score.category,
          probability: score.probability,
          input: json(score.input) as never,
          result: json(score.result) as never,
          computed_at: now,
        })
        .onConflict((oc) => oc.columns(['participant_id', 'response_id', 'model']).doNothing())
        .execute();
      const row = await db
        .selectFrom('questionnaire_scores')
        .selectAll()
        .where('participant_id', '=', participantId)
        .where('response_id', '=', responseId)
        .where('model', '=', score.model)
        .executeTakeFirstOrThrow();
      return toScore(row);
    },
    async response(participantId: string, id: string): Promise<ResponseRecord | undefined> {
      const row = await db
        .selectFrom('questionnaire_responses')
        .selectAll()
        .where('participant_id', '=', participantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toResponse(row);
    },
    async completedResponses(participantId: string): Promise<ResponseRecord[]> {
      const rows = await db
        .selectFrom('questionnaire_responses')
        .selectAll()
        .where('participant_id', '=', participantId)
        .where('status', '=', 'completed')
        .orderBy('authored_at', 'desc')
        .execute();
      return rows.map(toResponse);
    },
    async responsesOf(participantId: string): Promise<ResponseRecord[]> {
      const rows = await db
        .selectFrom('questionnaire_responses')
        .selectAll()
        .where('participant_id', '=', participantId)
        .orderBy('created_at')
        .execute();
      return rows.map(toResponse);
    },
    async scoresOf(participantId: string, model?: ScoringModel): Promise<ScoreRecord[]> {
      let query = db
        .selectFrom('questionnaire_scores')
        .selectAll()
        .where('participant_id', '=', participantId)
        .orderBy('computed_at', 'desc');
      if (model) query = query.where('model', '=', model);
      return (await query.execute()).map(toScore);
    },
    async score(participantId: string, id: string): Promise<ScoreRecord | undefined> {
      const row = await db
        .selectFrom('questionnaire_scores')
        .selectAll()
        .where('participant_id', '=', participantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toScore(row);
    },
    /** The latest completed response per instrument of a participant (for the task list). */
    async lastCompleted(participantId: string): Promise<Map<string, Date>> {
      const rows = await db
        .selectFrom('questionnaire_responses')
        .select(['questionnaire_url', (eb) => eb.fn.max('authored_at').as('last')])
        .where('participant_id', '=', participantId)
        .where('status', '=', 'completed')
        .groupBy('questionnaire_url')
        .execute();
      return new Map(rows.flatMap((row) => (row.last ? [[row.questionnaire_url, row.last] as const] : [])));
    },
    /**
     * Participants whose last completed response to a repeating instrument is at least its interval old,
     * with the date it fell due, and no reminder for that date yet.
     */
    async dueWithoutReminder(now: Date, limit: number) {
      const { rows } = await sql<{ participant_id: string; questionnaire_url: string; due_on: string }>`
        SELECT r.participant_id, r.questionnaire_url,
               to_char((max(r.authored_at) + make_interval(months => q.repeat_months)) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS due_on
        FROM questionnaire_responses r
        JOIN questionnaires q ON q.url = r.questionnaire_url AND q.status = 'active' AND q.repeat_months IS NOT NULL
        WHERE r.status = 'completed'
        GROUP BY r.participant_id, r.questionnaire_url, q.repeat_months
        HAVING max(r.authored_at) + make_interval(months => q.repeat_months) <= ${now}
           AND NOT EXISTS (
             SELECT 1 FROM questionnaire_reminders m
             WHERE m.participant_id = r.participant_id AND m.questionnaire_url = r.questionnaire_url
               AND m.due_on = ((max(r.authored_at) + make_interval(months => q.repeat_months)) AT TIME ZONE 'UTC')::date)
        LIMIT ${limit}`.execute(db);
      return rows.map((row) => ({
        participantId: row.participant_id,
        url: row.questionnaire_url,
        dueOn: row.due_on,
      }));
    },
    /** Claims the reminder of a due date; false when it was claimed before (another sweep took it). */
    async claimReminder(participantId: string, url: string, dueOn: string) {
      const result = await db
        .insertInto('questionnaire_reminders')
        .values({ participant_id: participantId, questionnaire_url: url, due_on: dueOn, mailed_at: null })
        .onConflict((oc) => oc.doNothing())
        .returning('due_on')
        .executeTakeFirst();
      return result !== undefined;
    },
    async markMailed(participantId: string, url: string, dueOn: string, at: Date) {
      await db
        .updateTable('questionnaire_reminders')
        .set({ mailed_at: at })
        .where('participant_id', '=', participantId)
        .where('questionnaire_url', '=', url)
        .where('due_on', '=', dueOn)
        .execute();
    },
    async remindersOf(participantId: string) {
      return db
        .selectFrom('questionnaire_reminders')
        .selectAll()
        .where('participant_id', '=', participantId)
        .orderBy('due_on')
        .execute();
    },
    async erase(participantId: string) {
      return base.transaction().execute(async (trx) => {
        const tx = trx.withTables<Tables>();
        const removed = [];
        for (const table of [
          'questionnaire_scores',
          'questionnaire_responses',
          'questionnaire_reminders',
        ] as const) {
          const result = await tx.deleteFrom(table).where('participant_id', '=', participantId).execute();
          removed.push({ table, removed: Number(result[0]?.numDeletedRows ?? 0) });
        }
        return removed;
      });
    },
  };
}

export type QuestionnaireStore = ReturnType<typeof createQuestionnaireStore>;

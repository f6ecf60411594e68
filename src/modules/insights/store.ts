import { type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { ReportMetrics, SummaryRecord } from './model.ts';

type Tables = {
  glucose_summaries: {
    participant_id: string;
    days: number;
    id: string;
    period_start: Date;
    period_end: Date;
    time_zone: string;
    metrics: ReportMetrics;
    model: string;
    model_version: string;
    computed_at: Date;
  };
};

const toSummary = (row: Selectable<Tables['glucose_summaries']>): SummaryRecord => ({
  participantId: row.participant_id,
  id: row.id,
  days: row.days,
  periodStart: row.period_start,
  periodEnd: row.period_end,
  timeZone: row.time_zone,
  metrics: row.metrics,
  model: row.model,
  modelVersion: row.model_version,
  computedAt: row.computed_at,
});

// jsonb parameters go as JSON text, as the other stores send them, whichever driver is underneath.
const json = (value: ReportMetrics) => JSON.stringify(value) as unknown as ReportMetrics;

/**
 * Per participant with a 14-day glucose summary (all, or those of `participants`), its days of wear and mean
 * glucose (mmol/L), as a subquery for data derived over many people (research's eligibility facts and its bench).
 */
export const cgmWear = (participants?: readonly string[]) => sql<{
  participant_id: string;
  wear_days: number;
  mean_mmol: number | null;
}>`
  SELECT participant_id, (metrics->>'days')::float8 AS wear_days, (metrics->>'meanMmol')::float8 AS mean_mmol
  FROM glucose_summaries
  WHERE days = 14 ${participants ? sql`AND participant_id = ANY(${participants}::uuid[])` : sql``}`;

/**
 * For research extracts: a subject's latest 14-day glucose summary, if its period ends in their extract window,
 * as a LATERAL subquery over `subject` (a row with participant_id, period_from, period_to); without parameters,
 * as COPY … TO needs. `metrics` is the summary's JSON (insights/model.ts `ReportMetrics`).
 */
export const glucoseSummaryWithin = (subject: string) => sql<{
  period_start: Date;
  period_end: Date;
  metrics: unknown;
}>`
  SELECT g.period_start, g.period_end, g.metrics FROM glucose_summaries g
  WHERE g.participant_id = ${sql.ref(`${subject}.participant_id`)} AND g.days = 14
    AND g.period_end > ${sql.ref(`${subject}.period_from`)} AND g.period_end <= ${sql.ref(`${subject}.period_to`)}`;

export function createInsightsStore(base: Db) {
  const db = base.withTables<Tables>();

  return {
    /** The participant's summaries, shortest period first. */
    async summariesOf(participantId: string): Promise<SummaryRecord[]> {
      const rows = await db
        .selectFrom('glucose_summaries')
        .selectAll()
        .where('participant_id', '=', participantId)
        .orderBy('days')
        .execute();
      return rows.map(toSummary);
    },

    /**
     * Makes these each participant's summaries, in one transaction: each replaces the one of its period length
     * (a concurrent recomputation waits on the row and then replaces it in turn), and those of other lengths
     * go. A participant given no summaries has all theirs removed; `removed` counts those rows.
     */
    async replaceMany(summaries: Map<string, SummaryRecord[]>): Promise<{ stored: number; removed: number }> {
      const rows = [...summaries.values()].flat();
      const kept = rows.map((summary) => `${summary.participantId}/${summary.days}`);
      return base.transaction().execute(async (trx) => {
        const tx = trx.withTables<Tables>();
        const { rows: deleted } = await sql<{ participant_id: string }>`
          DELETE FROM glucose_summaries
          WHERE participant_id = ANY(${[...summaries.keys()]}::uuid[])
            AND NOT (participant_id::text || '/' || days = ANY(${kept}::text[]))
          RETURNING participant_id`.execute(tx);
        const removed = deleted.filter((row) => summaries.get(row.participant_id)?.length === 0).length;
        if (rows.length === 0) return { stored: 0, removed };
        await tx
          .insertInto('glucose_summaries')
          .values(
            rows.map((summary) => ({
              participant_id: summary.participantId,
              days: summary.days,
              id: summary.id,
              period_start: summary.periodStart,
              period_end: summary.periodEnd,
              time_zone: summary.timeZone,
              metrics: json(summary.metrics),
              model: summary.model,
              model_version: summary.modelVersion,
              computed_at: summary.computedAt,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['participant_id', 'days']).doUpdateSet((eb) => ({
              id: eb.ref('excluded.id'),
              period_start: eb.ref('excluded.period_start'),
              period_end: eb.ref('excluded.period_end'),
              time_zone: eb.ref('excluded.time_zone'),
              metrics: eb.ref('excluded.metrics'),
              model: eb.ref('excluded.model'),
              model_version: eb.ref('excluded.model_version'),
              computed_at: eb.ref('excluded.computed_at'),
            })),
          )
          .execute();
        return { stored: rows.length, removed };
      });
    },

    async erase(participantId: string) {
      const result = await db
        .deleteFrom('glucose_summaries')
        .where('participant_id', '=', participantId)
        .execute();
      return [{ table: 'glucose_summaries', removed: Number(result[0]?.numDeletedRows ?? 0) }];
    },
  };
}

export type InsightsStore = ReturnType<typeof createInsightsStore>;

import { type BulkSession, copyRow } from '../../platform/db/index.ts';
import { summarize } from './summaries.ts';

/** A synthetic participant's CGM readings, as the demo generator made them. */
export interface SeedTrace {
  participantId: string;
  timeZone: string;
  /** Epoch ms, ascending. */
  times: Float64Array;
  mgdl: Float64Array;
}

/**
 * Bulk writes of glucose summaries for synthetic populations (src/demo), inside the caller's transaction:
 * computed from the readings the generator holds in memory by the same function as the summary job, so
 * the database need not be read back. Only for participants who allow personal insights.
 */
export function createInsightsSeeder() {
  return {
    async summaries(session: BulkSession, traces: readonly SeedTrace[], computedAt: Date): Promise<void> {
      const rows = traces.flatMap((trace) =>
        summarize(trace.participantId, trace, trace.timeZone, computedAt).map((s) =>
          copyRow([
            s.participantId,
            s.days,
            s.id,
            s.periodStart.toISOString(),
            s.periodEnd.toISOString(),
            s.timeZone,
            JSON.stringify(s.metrics),
            s.model,
            s.modelVersion,
            s.computedAt.toISOString(),
          ]),
        ),
      );
      await session.copyRows(
        'glucose_summaries',
        [
          'participant_id',
          'days',
          'id',
          'period_start',
          'period_end',
          'time_zone',
          'metrics',
          'model',
          'model_version',
          'computed_at',
        ],
        rows,
      );
    },
  };
}

export type InsightsSeeder = ReturnType<typeof createInsightsSeeder>;

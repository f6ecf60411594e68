import { type BulkSession, copyRow } from '../../platform/db/index.ts';

/** A coaching written in bulk by the demo generator. */
export interface SeedCoaching {
  participantId: string;
  coachId: string;
  assignedAt: Date;
  assignedBy: string;
}

/** Bulk writes of caseloads for synthetic populations (src/demo), inside the caller's transaction. */
export function createCoachingSeeder() {
  return {
    async caseloads(session: BulkSession, rows: readonly SeedCoaching[]): Promise<void> {
      await session.copyRows(
        'caseloads',
        ['participant_id', 'coach_id', 'assigned_at', 'assigned_by'],
        rows.map((row) =>
          copyRow([row.participantId, row.coachId, row.assignedAt.toISOString(), row.assignedBy]),
        ),
      );
    },
  };
}

export type CoachingSeeder = ReturnType<typeof createCoachingSeeder>;

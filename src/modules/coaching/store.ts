import type { Selectable } from 'kysely';
import type { Db } from '../../platform/db/index.ts';

type Tables = {
  caseloads: {
    participant_id: string;
    coach_id: string;
    assigned_at: Date;
    assigned_by: string;
    ended_at: Date | null;
  };
};

export type CaseloadRow = Selectable<Tables['caseloads']>;

export function createCoachingStore(base: Db) {
  const db = base.withTables<Tables>();
  return {
    /** Puts the participant in the coach's caseload (again, when the coaching had ended). */
    async assign(participantId: string, coachId: string, by: string, at: Date): Promise<CaseloadRow> {
      return db
        .insertInto('caseloads')
        .values({ participant_id: participantId, coach_id: coachId, assigned_at: at, assigned_by: by })
        .onConflict((oc) =>
          oc
            .columns(['participant_id', 'coach_id'])
            .doUpdateSet({ assigned_at: at, assigned_by: by, ended_at: null }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    /** Ends the coaching; false when there was none going on. */
    async end(participantId: string, coachId: string, at: Date): Promise<boolean> {
      const result = await db
        .updateTable('caseloads')
        .set({ ended_at: at })
        .where('participant_id', '=', participantId)
        .where('coach_id', '=', coachId)
        .where('ended_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    /** Of the subjects, those in the coach's caseload now. */
    async inCaseload(coachId: string, subjects: string[]): Promise<Set<string>> {
      if (subjects.length === 0) return new Set();
      const rows = await db
        .selectFrom('caseloads')
        .select('participant_id')
        .where('coach_id', '=', coachId)
        .where('participant_id', 'in', subjects)
        .where('ended_at', 'is', null)
        .execute();
      return new Set(rows.map((row) => row.participant_id));
    },
    /** The coach's current caseload, longest coached first. */
    caseloadOf: (coachId: string) =>
      db
        .selectFrom('caseloads')
        .selectAll()
        .where('coach_id', '=', coachId)
        .where('ended_at', 'is', null)
        .orderBy('assigned_at')
        .execute(),
    /** Every coaching of a participant, ended ones too (their GDPR export). */
    coachingsOf: (participantId: string) =>
      db
        .selectFrom('caseloads')
        .selectAll()
        .where('participant_id', '=', participantId)
        .orderBy('assigned_at')
        .execute(),
    async erase(participantId: string) {
      const result = await db
        .deleteFrom('caseloads')
        .where('participant_id', '=', participantId)
        .executeTakeFirst();
      return [{ table: 'caseloads', removed: Number(result.numDeletedRows) }];
    },
  };
}

export type CoachingStore = ReturnType<typeof createCoachingStore>;
